# SPDX-License-Identifier: GPL-2.0
"""allocsuite runner: build the kernel under test and what runs on it,
boot it on a target (User Mode Linux, or x86_64 under QEMU: target.py),
and write the results.

    python3 scripts/allocsuite check [--kdir DIR] [--build-dir DIR] ...

The Makefile is the user interface; this does the work.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import dataclasses
import datetime
import json
import os
import re
import shlex
import shutil
import sys
import time
from pathlib import Path
from typing import Optional

import console
import kernel
import ktap
import manifest
import report
import target as targets
from util import Failure, UsageError, die, positive_int, progress

REPO = Path(__file__).resolve().parents[2]
TIERS = ('kunit', 'stress', 'kselftest')


def parse_tiers(value: str) -> list[str]:
    """TIER=kunit,stress,... (default: every tier)."""
    if not value:
        return list(TIERS)
    chosen = [t.strip() for t in value.split(',') if t.strip()]
    for tier in chosen:
        if tier not in TIERS:
            raise UsageError(f'TIER={value}: unknown tier "{tier}"; '
                             f'expected one or more of {", ".join(TIERS)}, comma-separated')
    return [t for t in TIERS if t in chosen]


def check_filter(value: str) -> str:
    """FILTER=<suite glob>[.<case glob>], as kunit.filter_glob takes it."""
    if value and not re.fullmatch(r'[A-Za-z0-9_*?\[\]-]+(\.[A-Za-z0-9_*?\[\]-]+)?', value):
        raise UsageError(f'FILTER={value} is invalid; expected a KUnit glob '
                         '"suite_glob" or "suite_glob.case_glob" (letters, digits, _ - * ? [])')
    return value


# What each tier builds: module folders, and kselftest collections.
TIER_MODULES = {'kunit': ['kunit'], 'stress': ['modules/alloc_torture'],
                'kselftest': ['modules/uaccess_probe']}
TIER_COLLECTIONS = {'stress': ['alloc_torture'], 'kselftest': ['uaccess', 'drop_caches']}
# The module a kselftest collection drives, loaded around each program.
COLLECTION_MODULE = {'uaccess': 'modules/uaccess_probe/uaccess_probe.ko'}


def kselftest_programs(ksft: Path, collections: list[str]) -> list[tuple[str, str]]:
    """(collection, program) from the installed kselftest-list.txt."""
    progs = []
    for line in (ksft / 'kselftest-list.txt').read_text().split():
        collection, _, prog = line.partition(':')
        if collection in collections:
            progs.append((collection, prog))
    return progs


def plan_lines(tiers: list[str], modules: Path, ksft: Path) -> list[tuple[str, str, str]]:
    """(tier, program, shell command) for each program the init runs.
    @modules is where the module folders were built."""
    q = shlex.quote
    plan = []
    if 'kunit' in tiers:
        ko = modules / 'kunit' / 'alloc_kunit.ko'
        plan.append(('kunit', 'alloc_kunit', f'insmod {q(str(ko))} && rmmod alloc_kunit'))
    if 'stress' in tiers:
        ko = modules / 'modules/alloc_torture/alloc_torture.ko'
        plan.append(('stress', 'alloc_torture',
                     f'{q(str(ksft / "alloc_torture/alloc_torture.sh"))} -m {q(str(ko))}'))
    if 'kselftest' in tiers:
        for collection, prog in kselftest_programs(ksft, TIER_COLLECTIONS['kselftest']):
            run = f'cd {q(str(ksft / collection))} && ./{q(prog)}'
            ko = COLLECTION_MODULE.get(collection)
            if ko:
                name = Path(ko).stem
                run = (f'insmod {q(str(modules / ko))} || exit 1; ({run}); rc=$?; '
                       f'rmmod {name} || rc=1; exit $rc')
            plan.append(('kselftest', prog, run))
    return plan


def new_run_dir(results: Path) -> tuple[str, Path]:
    """results/<run-id>/, and results/latest pointing at it."""
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    for n in range(100):
        run_id = stamp if n == 0 else f'{stamp}-{n}'
        out = results / run_id
        try:
            out.mkdir(parents=True)
            break
        except FileExistsError:
            continue
    latest = results / 'latest'
    tmp = results / f'.latest-{os.getpid()}'
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(run_id)
    tmp.replace(latest)
    return run_id, out


def last_tier_seconds(results: Path) -> dict[str, float]:
    """How long each tier took in the last run in @results, for the
    progress lines; empty when there is none."""
    try:
        verdict = json.loads((results / 'latest' / 'verdict.json').read_text())
        return {name: float(t['seconds']) for name, t in verdict['tiers'].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def console_tail(con: console.Console, lines: int = 15) -> str:
    """The last lines of a console, for a problem that has nothing else."""
    tail = [line.rstrip() for line in con.lines if line.strip()][-lines:]
    return ''.join(f'\n    {line}' for line in tail)


def evaluate(con: console.Console, plan: list[tuple[str, str, str]], out: Path,
             kunit_py: Path, timed_out: bool, timeout: int, filter_glob: str,
             expected: Optional[manifest.Expected] = None) -> tuple[list[report.Tier], list[str]]:
    """Turn the console and the programs' logs into tier results and problems."""
    problems: list[str] = []
    tiers: dict[str, report.Tier] = {}
    segments = {seg.key: seg for seg in con.segments}
    programs: dict[str, list[tuple[str, list[str], Optional[str]]]] = {}
    for tier_name, name, _ in plan:
        tier = tiers.setdefault(tier_name, report.Tier(tier_name))
        seg = segments.get(f'{tier_name}/{name}')
        if seg is None:
            problems.append(f'{tier_name}/{name} never ran')
            programs.setdefault(tier_name, []).append((name, [], None))
            continue
        tier.seconds += seg.seconds
        if tier_name == 'kunit':
            doc = ktap.kunit_document(con.segment_lines(seg))
            if seg.exit not in (None, '0'):
                problems.append(f'loading or unloading {name}.ko failed '
                                f'(exit status {seg.exit}): see console.log')
            if not doc and seg.exit == '0':
                problems.append(f'{name}.ko printed no KTAP: FILTER={filter_glob} '
                                'matched no suite' if filter_glob else
                                f'{name}.ko printed no KTAP')
            (out / 'kunit.ktap').write_text('\n'.join(doc) + '\n')
        else:
            log = out / tier_name / f'{name}.log'
            text = log.read_text(errors='replace') if log.exists() else ''
            programs.setdefault(tier_name, []).append((name, text.splitlines(), seg.exit))
            problems += ktap.program_problems(seg.key, seg.exit, text.splitlines())
            tier.deviations += [(f'{name}.{test}', kind, reason)
                                for test, kind, reason in ktap.deviations(text.splitlines())]
    for tier_name, progs in programs.items():
        (out / f'{tier_name}.ktap').write_text('\n'.join(ktap.tier_document(progs)) + '\n')

    for name, tier in tiers.items():
        ktap_file = out / f'{name}.ktap'
        if not ktap_file.exists() or not ktap_file.read_text().strip():
            continue
        group = report.kunit_parse(kunit_py, ktap_file, out / f'{name}.json',
                                   out / f'{name}.parse.txt')
        if group is None and name in programs:
            # Output too broken for kunit.py: keep it, unnested, as logs.
            problems.append(f'kunit.py parse could not read the TAP of tier {name}: '
                            f'see {name}.parse.txt')
            ktap_file.write_text('\n'.join(ktap.tier_document(programs[name], False)) + '\n')
            group = report.kunit_parse(kunit_py, ktap_file, out / f'{name}.json',
                                       out / f'{name}.parse.txt')
        if group is None:
            problems.append(f'kunit.py parse could not read {ktap_file.name}')
            continue
        tier.group = group
        tier.leaves = list(report.leaves(name, group))
        problems += report.group_problems(kunit_py, name, ktap_file.read_text().splitlines(),
                                          programs=name in programs)
        problems += [f'unexpected pass: {name} {test}: {reason}: the kernel now keeps the '
                     'contract, the known deviation entry can go'
                     for test, kind, reason in tier.deviations if kind == 'XPASS']
        tier.skip_reasons = console.skip_reasons(ktap_file.read_text().splitlines())
        if not tier.leaves:
            problems.append(f'tier {name} reported no test')

    if not con.userspace:
        problems.append('the kernel died during boot, before the init ran: see console.log; '
                        'its last lines:' + console_tail(con))
        if any('ptrace set fp regs failed' in line for line in con.lines):
            problems.append('UML could not restore a user process\'s FP registers: this '
                            'host\'s XSAVE area is larger than the tree\'s UML expects (a '
                            'CPU with AMX); apply configs/patches/uml-host-xstate-size.patch '
                            'to the tree, or use the default tree, which has it')
    elif timed_out:
        running = con.running()
        where = f' while running {running.key}' if running else ''
        last = con.last_test(running) if running else ''
        problems.append(f'the kernel hung: killed after {timeout}s{where}'
                        + (f' (last test: {last})' if last else ''))
    elif not con.all_done:
        running = con.running()
        where = f' while running {running.key}' if running else ''
        problems.append(f'the kernel died{where} before the plan finished: see console.log')
    problems += console.log_problems(con, out / 'kmsg.log')
    if expected is not None:
        problems += expected.check(list(tiers.values()), out)
    return list(tiers.values()), problems


def write_results(out: Path, run_id: str, con: console.Console,
                  plan: list[tuple[str, str, str]], kunit_py: Path, timed_out: bool,
                  timeout: int, filter_glob: str, info: list[tuple[str, str]],
                  timings: list[tuple[str, float]],
                  expected: Optional[manifest.Expected] = None,
                  more_boots: Optional[list[tuple[manifest.Part, Path, console.Console,
                                                  list[tuple[str, str, str]], bool]]] = None,
                  ) -> tuple[bool, list[report.Tier], list[str]]:
    """Judge a boot from its console and the programs' logs in @out, and
    write kunit.json, junit.xml and summary.md there; returns (passed,
    tiers, problems). @more_boots: (boot, its folder, console, plan, timed
    out) of the other parts of the run, judged the same way, the tiers of
    boots other than the default named <tier>@<boot>."""
    tier_results, problems = evaluate(con, plan, out, kunit_py, timed_out, timeout,
                                      filter_glob, expected)
    stray = report.attribute(tier_results, con.splats)
    splats = list(con.splats)
    for part, bout, bcon, bplan, btimed_out in more_boots or []:
        boot = part.boot
        bexp = dataclasses.replace(expected, boot=boot, primary=part.primary) \
            if expected else None
        btiers, bproblems = evaluate(bcon, bplan, bout, kunit_py, btimed_out, timeout,
                                     filter_glob, bexp)
        stray += report.attribute(btiers, bcon.splats)
        for tier in btiers:
            tier.name = manifest.tier_label(tier.name, boot)
            for leaf in tier.leaves:
                leaf.tier = tier.name
        for splat in bcon.splats:
            splat.origin = f'boot {part.name}, {bout.name}/console.log'
        problems += [f'boot {part.name}: {p}' for p in bproblems]
        tier_results += btiers
        splats += bcon.splats
    beyond_tests = list(problems)     # the kernel reports fail their tests in JUnit
    for splat in splats:
        if not splat.expected:
            problems.append(f'kernel report: {splat.describe()}')
    verdict = not problems and all(t.counts()[1] == 0 for t in tier_results)
    (out / 'kunit.json').write_text(json.dumps(report.merged_json(tier_results),
                                               indent=4) + '\n')
    report.junit(tier_results, stray, beyond_tests).write(out / 'junit.xml', encoding='unicode',
                                                          xml_declaration=True)
    (out / 'summary.md').write_text(report.summary(run_id, verdict, info, tier_results,
                                                   splats, problems, timings))
    (out / 'verdict.json').write_text(json.dumps(
        report.verdict_json(run_id, verdict, info, tier_results, splats, problems, timings),
        indent=1) + '\n')
    return verdict, tier_results, problems


def cmd_check(args: argparse.Namespace) -> int:
    """make check."""
    timings: list[tuple[str, float]] = []
    clock = time.monotonic()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.monotonic()
        timings.append((step, now - clock))
        clock = now

    tiers = parse_tiers(args.tier)
    filter_glob = check_filter(args.filter)
    timeout = positive_int('TIMEOUT', args.timeout, 86400)
    jobs = positive_int('JOBS', args.jobs, 1024)
    target = targets.for_arch(args.arch, args.cpus, args.accel)
    frags = kernel.fragments(REPO, args.config, target.fragments(REPO))
    results = Path(args.results).resolve()
    if re.search(r'\s', str(results)):
        raise UsageError(f'RESULTS={results} contains white space; the kernel command line '
                         'cannot carry it: choose a path without spaces')
    if args.kdir:
        kdir = Path(args.kdir).resolve()
        kernel.check_tree(kdir)
    else:
        kdir = kernel.default_tree()
        kernel.check_tree(kdir)
    build_dir = Path(args.build_dir).resolve() if args.build_dir else \
        kernel.build_dir(kdir, args.config, arch=target.arch)
    for var, path in (('RESULTS', results), ('BUILD_DIR', build_dir), ('KDIR', kdir),
                      ('the checkout', REPO)):
        # The init mounts its own /proc, /sys, /dev and /run over the host's.
        if any(path == Path(top) or Path(top) in path.parents
               for top in ('/proc', '/sys', '/dev', '/run')):
            raise UsageError(f'{var}={path} is under /proc, /sys, /dev or /run, which the '
                             'kernel under test mounts anew: choose another place')
    if build_dir == kdir or kdir in build_dir.parents:
        raise UsageError(f'BUILD_DIR={build_dir} is inside KDIR={kdir}; KDIR is never '
                         'written to: choose a BUILD_DIR outside it')
    target.check_host()
    lap('checks')

    kernel.build_kernel(kdir, build_dir, frags, jobs, target.arch, target.image)
    lap('kernel build')
    progress('building modules and kselftests')
    collections = [c for t in tiers for c in TIER_COLLECTIONS.get(t, [])]
    # Each checkout builds its own modules; each run loads copies of them
    # from its results folder, so that another make check rebuilding them
    # meanwhile changes nothing under a running kernel.
    mods = kernel.checkout_build_dir(REPO, build_dir)
    last = last_tier_seconds(results)
    run_id, out = new_run_dir(results)
    with kernel.build_lock(mods):
        for tier in tiers:
            for folder in TIER_MODULES[tier]:
                built = kernel.build_module(REPO, mods, build_dir, folder, jobs,
                                            arch=target.arch)
                dest = out / 'bin' / folder
                dest.mkdir(parents=True)
                for ko in built.glob('*.ko'):
                    shutil.copy(ko, dest)
        if collections:
            shutil.copytree(kernel.build_kselftests(REPO, kdir, mods, jobs, collections),
                            out / 'bin' / 'kselftest')
    ksft = out / 'bin' / 'kselftest'
    mf = manifest.build(REPO, tiers, TIER_COLLECTIONS, ksft if collections else None,
                        filter_glob)
    mf.write(out / 'manifest.json')
    expected = manifest.Expected(mf, manifest.load_skip_rules(REPO / 'tests/expected-skips.txt'),
                                 config=args.config, arch=target.arch)
    lap('modules and kselftests build')

    # The default boot runs every tier; each other boot of manifest.BOOTS
    # runs its tiers again with its kernel arguments, in a sub-folder. The
    # parts (manifest.parts_for) run side by side, as many at once as the
    # target says the host carries (UML: one per host CPU, at most 2).
    extra = [f'kunit.filter_glob={filter_glob}'] if filter_glob else []
    image = build_dir / target.image
    lanes = target.lanes(os.cpu_count() or 1)
    parts = manifest.parts_for(tiers, args.config, split=lanes > 1)
    skipped_boots = manifest.left_out(tiers, args.config)
    for boot, reason in skipped_boots:
        progress(f'boot {boot} skipped with CONFIG={args.config}: {reason}')
    for part in parts:
        bout = out / part.folder if part.folder else out
        bout.mkdir(exist_ok=True)
        bplan = plan_lines(part.tiers, out / 'bin', ksft)
        (bout / 'plan').write_text(''.join(f'{t} {n} {c}\n' for t, n, c in bplan))

    init = REPO / 'scripts/init.sh'
    target.prepare(image, init, out / 'kvm-probe', timeout)

    def run_part(part: manifest.Part) -> tuple:
        bout = out / part.folder if part.folder else out
        progress(f'[{part.name}] booting {image} on {target.name}'
                 f'{"".join(" " + a for a in part.args)} (results in {bout})')
        b = target.boot(image, init, bout, bout / 'plan', timeout, extra + part.args,
                        label=part.name if len(parts) > 1 else '',
                        last={t: last[manifest.tier_label(t, part.boot)] for t in part.tiers
                              if manifest.tier_label(t, part.boot) in last})
        progress(f'[{part.name}] done in {b.seconds:.1f}s')
        return (part, bout, console.parse(b.text), plan_lines(part.tiers, out / 'bin', ksft),
                b.timed_out, (part.args, b.status), b.seconds)

    lanes = max(1, min(lanes, len(parts)))
    # Longest first: the stress tier's kernel starts at once.
    order = sorted(parts, key=lambda p: 'stress' not in p.tiers)
    with concurrent.futures.ThreadPoolExecutor(max_workers=lanes) as pool:
        done = {id(r[0]): r for r in pool.map(run_part, order)}
    boots = [done[id(part)] for part in parts]
    for part, *_, secs in boots:
        timings.append((f'boot {part.name} (in parallel, {lanes} at once)'
                        if lanes > 1 else f'boot {part.name}', secs))
    lap('boots and tests, wall time')
    _, _, con, plan, timed_out, (_, status), _ = boots[0]

    release = (out / 'kernel-release').read_text().strip() \
        if (out / 'kernel-release').exists() else 'unknown (no user space)'
    exit_status = f'{target.process} exit status'
    info = target.describe() + [('kernel', f'{release} (KDIR={kdir})'),
                                ('build', str(build_dir)),
            ('config', f'{args.config}: ' + ', '.join(f'configs/{f.name}' for f in frags)),
            ('tiers', ', '.join(tiers)), ('filter', filter_glob or 'none'),
            (exit_status, 'killed' if status is None else str(status))]
    info += [(f'boot {p.name}', f'{" ".join(a) or "default arguments"}, tiers '
              f'{", ".join(p.tiers)}, {exit_status} {"killed" if st is None else st}, '
              f'in {bo.name}/')
             for p, bo, _, _, _, (a, st), _ in boots[1:]]
    info += [(f'boot {b}', f'skipped with CONFIG={args.config}: {reason}')
             for b, reason in skipped_boots]
    verdict, tier_results, problems = write_results(
        out, run_id, con, plan, kdir / 'tools/testing/kunit/kunit.py',
        timed_out, timeout, filter_glob, info, timings, expected,
        [(p, bo, c, pl, t) for p, bo, c, pl, t, _, _ in boots[1:]])
    print()
    for row in report.table(tier_results):
        print(row)
    by_boot = report.boot_table(tier_results)
    if by_boot:
        print()
        for row in by_boot:
            print(row)
    for problem in problems:
        print(f'problem: {problem}')
    for tier in tier_results:
        for leaf in tier.leaves:
            if leaf.status not in ('PASS', 'SKIP'):
                print(f'failed: {tier.name} {leaf.dotted} ({leaf.status})')
        for test, kind, reason in tier.deviations:
            if kind == 'XFAIL':  # an XPASS is a problem, printed above
                print(f'known kernel deviation: {tier.name} {test}: {reason}')
    for boot, reason in skipped_boots:
        print(f'skipped boot: {boot} (CONFIG={args.config}): {reason}')
    print(f'{"PASS" if verdict else "FAIL"}: results in {out} (also results/latest)')
    return 0 if verdict else 1


# The options every command that runs kernels takes (the Makefile
# variables of the same names): one table, so that check, bench and
# compare never disagree on a default.
RUN_OPTIONS = (('--kdir', ''), ('--build-dir', ''), ('--config', 'base'),
               ('--arch', ''), ('--cpus', ''), ('--accel', ''), ('--tier', ''),
               ('--filter', ''), ('--timeout', '600'), ('--jobs', str(os.cpu_count() or 1)),
               ('--results', str(REPO / 'results')))


def add_run_options(parser: argparse.ArgumentParser, *more: tuple[str, str]) -> None:
    """RUN_OPTIONS and @more (option, default) on @parser."""
    for opt, default in RUN_OPTIONS + more:
        parser.add_argument(opt, default=default)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog='allocsuite')
    sub = parser.add_subparsers(dest='command', required=True)
    add_run_options(sub.add_parser('check', help='build, boot, run the tiers, write results'))
    sub.add_parser('tree', help='print the default kernel tree, extracting it if needed')
    bdir = sub.add_parser('build-dir', help='print the kernel build folder of a tree')
    bdir.add_argument('--kdir', default='')
    bdir.add_argument('--config', default='base')
    bdir.add_argument('--arch', default='')
    bdir.add_argument('--root', default='')
    soak_cmd = sub.add_parser('soak', help='N consecutive make check runs, flakes by test')
    soak_cmd.add_argument('--n', default='20')
    soak_cmd.add_argument('--results', default=str(REPO / 'results'))
    soak_cmd.add_argument('check_args', nargs='*')
    add_run_options(sub.add_parser('bench', help='allocation rates per context (alloc_torture)'),
                    ('--loop', '3'))
    add_run_options(sub.add_parser('compare', help='what changed between two kernels or runs'),
                    ('--base', ''), ('--new', ''), ('--runs', '3'))
    args = parser.parse_args(argv)
    try:
        if args.command == 'check':
            return cmd_check(args)
        if args.command == 'bench':
            import bench
            return bench.cmd_bench(args, REPO)
        if args.command == 'tree':
            # Only the path on stdout: scripts read it.
            with contextlib.redirect_stdout(sys.stderr):
                tree = kernel.default_tree()
            print(tree)
            return 0
        if args.command == 'build-dir':
            kdir = Path(args.kdir) if args.kdir else kernel.default_tree()
            print(kernel.build_dir(kdir, args.config, Path(args.root) if args.root else None,
                                   targets.for_arch(args.arch).arch))
            return 0
        if args.command == 'compare':
            import compare
            return compare.cmd_compare(args, REPO)
        if args.command == 'soak':
            import soak
            return soak.cmd_soak(args, REPO)
    except UsageError as e:
        die(str(e), 2)
    except Failure as e:
        die(str(e), 1)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
