# SPDX-License-Identifier: GPL-2.0
"""make bench: allocation rates of alloc_torture's contexts in a default
run, beside a process-context kmalloc/kfree loop timed in the same boot.

Each worker kind times its own allocation and free calls; its rate is
operations per second of that time (what the allocator costs in that
context). The ceiling is a tight kmalloc/kfree loop in process context,
run by the module once its workers have stopped, over the same size
distribution: once untimed (the tight loop) and once with each call timed
as the workers time theirs (so the clock's own cost cancels out).

Beside those per-call costs, the wall rates: operations and verified
allocations per second of run, against the targets below, and for
each kind its firings per second and its longest firing beside the budget
of one."""

from __future__ import annotations

import argparse
import datetime
import re
import shutil
from pathlib import Path
from typing import Optional

import compare
import console
import kernel
import target as targets
import tiers as tier_registry
from util import Failure, UsageError, positive_int, progress

KINDS = ('tasklet', 'timer', 'hrtimer_soft', 'hrtimer_hard', 'bh_work', 'work', 'kthread')
ATOMIC = KINDS[:5]
BENCH_MS = 1000
# Seconds of each bench run (make check's runs are shorter: the default).
BENCH_SECONDS = 10
# Wall-clock verified allocations per second each kind should reach in a
# default run on UML; work and kthread have none.
TARGETS = {'tasklet': 100_000, 'timer': 5_000, 'hrtimer_soft': 20_000,
           'hrtimer_hard': 20_000, 'bh_work': 100_000}
# (plan name, extra module parameters, title): the default run, then the
# same contexts with the tight loop's access pattern (each object freed
# right after it is allocated, kmalloc only), to separate what the context
# costs from what the default run's random lifetimes cost.
RUNS = (('alloc_torture', '', 'default run'),
        ('alloc_torture_tight', 'pool_size=1 handoff_pct=0 api_mask=1',
         'tight pattern in every context'))


def parse_stats(text: str) -> dict[str, int]:
    """The "# key: value" lines the script copied from the stats file."""
    stats = {}
    for line in text.splitlines():
        m = re.match(r'^# (\w+): (\d+)$', line.strip())
        if m:
            stats[m.group(1)] = int(m.group(2))
    return stats


def rate(ops: int, ns: int) -> float:
    """Operations per second, 0 when nothing was timed."""
    return ops * 1e9 / ns if ns else 0.0


def kind_rates(s: dict[str, int], kind: str, seconds: float) -> tuple[float, float, float]:
    """(wall ops/s, in-context alloc+free ops/s, kmalloc alloc+free ops/s)."""
    ops = s.get(f'{kind}_ops', 0)
    wall = ops / seconds if seconds else 0.0
    both = rate(ops, s.get(f'{kind}_alloc_ns', 0) + s.get(f'{kind}_free_ns', 0))
    k_ops, k_frees = s.get(f'{kind}_kmalloc_ops', 0), s.get(f'{kind}_kmalloc_frees', 0)
    per_op = (s.get(f'{kind}_kmalloc_ns', 0) / k_ops if k_ops else 0) + \
        (s.get(f'{kind}_kmalloc_free_ns', 0) / k_frees if k_frees else 0)
    return wall, both, (1e9 / per_op if per_op else 0.0)


def wall_rows(s: dict[str, int], seconds: float,
              targets: Optional[dict[str, int]] = None) -> list[str]:
    """Wall rates per kind: verified/s against the target, firings, longest firing."""
    rows = [f'{"context":<13} {"workers":>7} {"batch":>5} {"verified/s":>11} {"target":>8} '
            f'{"firings/s":>10} {"longest us":>10} {"budget us":>9} {"cut":>6}']
    below = []
    for kind in KINDS:
        if not s.get(f'{kind}_workers'):
            continue
        verified = s.get(f'{kind}_verified', 0) / seconds if seconds else 0.0
        target = (TARGETS if targets is None else targets).get(kind)
        if target and verified < target:
            below.append(kind)
        firings = s.get(f'{kind}_firings', 0) / seconds if seconds else 0.0
        rows.append(f'{kind:<13} {s.get(f"{kind}_workers", 0):>7} {s.get(f"{kind}_batch", 0):>5} '
                    f'{verified:>11,.0f} {f"{target:,}" if target else "-":>8} {firings:>10,.0f} '
                    f'{s.get(f"{kind}_longest_firing_ns", 0) / 1000:>10,.0f} '
                    f'{s.get(f"{kind}_budget_ns", 0) / 1000:>9,.0f} '
                    f'{s.get(f"{kind}_budget_cuts", 0):>6}')
    rows += [f'hrtimer period {s.get("hrtimer_interval_us", 0)} us (resolution '
             f'{s.get("hrtimer_resolution_ns", 0)} ns), timer_list period '
             f'{s.get("timer_period_ns", 0) // 1000} us; cut: batches the budget cut short '
             '(longest: wall time, the host descheduling the kernel included)',
             'wall rates below their target: ' + (', '.join(below) or 'none')]
    return rows


def cpu_rows(s: dict[str, int], seconds: float) -> list[str]:
    """Per CPU (the stats' cpu<N>_* keys): verified allocations per second
    of each context and in all, and frees of objects another CPU
    allocated; then each context's cross-CPU free rate. Empty with one
    CPU."""
    cpus = sorted({int(m.group(1)) for key in s for m in [re.match(r'cpu(\d+)_verified$', key)]
                   if m})
    if len(cpus) < 2 or not seconds:
        return []
    kinds = [k for k in KINDS if s.get(f'{k}_workers')]
    rows = ['per CPU, verified allocations per second (cross-CPU: frees per second of '
            'objects another CPU allocated)',
            f'{"cpu":<5} ' + ' '.join(f'{k:>12}' for k in kinds) +
            f' {"all":>10} {"cross-CPU":>10}']
    for cpu in cpus:
        cells = ' '.join(f'{s.get(f"cpu{cpu}_{k}_verified", 0) / seconds:>12,.0f}' for k in kinds)
        rows.append(f'{cpu:<5} {cells} {s.get(f"cpu{cpu}_verified", 0) / seconds:>10,.0f} '
                    f'{s.get(f"cpu{cpu}_cross_cpu_frees", 0) / seconds:>10,.0f}')
    rows.append('cross-CPU frees/s by context: ' + ', '.join(
        f'{k} {s.get(f"{k}_cross_cpu_frees", 0) / seconds:,.0f}' for k in kinds))
    return rows


def report(s: dict[str, int], targets: Optional[dict[str, int]] = None) -> list[str]:
    """The bench table; @targets: the wall-rate targets (TARGETS, set for
    UML: none on another target)."""
    seconds = s.get('run_ms', 0) / 1000
    tight = rate(s.get('ceiling_ops', 0), s.get('ceiling_ns', 0))
    timed = rate(s.get('ceiling_timed_ops', 0),
                 s.get('ceiling_timed_alloc_ns', 0) + s.get('ceiling_timed_free_ns', 0))
    rows = [f'ceiling: process-context kmalloc/kfree loop, GFP_KERNEL, same sizes: '
            f'{tight:,.0f}/s tight, {timed:,.0f}/s with each call timed',
            '',
            f'{"context":<13} {"ops":>9} {"wall/s":>9} {"all APIs/s":>11} '
            f'{"kmalloc/s":>10} {"% tight":>8} {"% timed":>8}']
    for kind in KINDS:
        if not s.get(f'{kind}_workers'):
            rows.append(f'{kind:<13} skipped (no workers)')
            continue
        wall, both, kmalloc = kind_rates(s, kind, seconds)
        rows.append(f'{kind:<13} {s.get(f"{kind}_ops", 0):>9} {wall:>9,.0f} {both:>11,.0f} '
                    f'{kmalloc:>10,.0f} {100 * kmalloc / tight if tight else 0:>7.0f}% '
                    f'{100 * kmalloc / timed if timed else 0:>7.0f}%')
    low = [k for k in ATOMIC if s.get(f'{k}_workers') and timed and
           kind_rates(s, k, seconds)[2] < timed / 2]
    rows += ['', 'kmalloc/s: kmalloc+kfree pairs per second of time spent in those calls, '
             'comparable to the timed ceiling',
             'atomic contexts below 50% of the timed ceiling: ' + (', '.join(low) or 'none'),
             ''] + wall_rows(s, seconds, targets)
    smp = cpu_rows(s, seconds)
    return rows + ([''] + smp if smp else [])


def cmd_bench(args: argparse.Namespace, repo: Path) -> int:
    """make bench: build, boot once, run alloc_torture with bench_ms, report."""
    for var, value in (('TIER', args.tier), ('FILTER', args.filter)):
        if value:
            raise UsageError(f'{var}={value}: make bench runs the stress tier only; '
                             f'leave {var} empty')
    target = targets.for_arch(args.arch, args.cpus, args.accel)
    frags = kernel.fragments(repo, args.config, target.arch)
    kdir = Path(args.kdir).resolve() if args.kdir else kernel.default_tree()
    kernel.check_tree(kdir)
    build_dir = Path(args.build_dir).resolve() if args.build_dir else \
        kernel.build_dir(kdir, args.config, arch=target.arch)
    target.check_host()
    jobs = positive_int('JOBS', args.jobs, 1024)
    if not re.fullmatch(r'\d+', args.loop) or int(args.loop) > 20:
        raise UsageError(f'LOOP={args.loop} is invalid; expected a whole number from 0 '
                         '(do not measure the pre-submit loop) to 20')
    loop_runs = int(args.loop)
    timeout = positive_int('TIMEOUT', args.timeout, 86400)
    kernel.build_kernel(kdir, build_dir, frags, jobs, target.arch, target.image)
    out = Path(args.results).resolve() / \
        f'bench-{datetime.datetime.now().strftime("%Y%m%d-%H%M%S")}'
    out.mkdir(parents=True)
    # As make check does: build in this checkout's folder, load copies.
    mods = kernel.checkout_build_dir(repo, build_dir)
    with kernel.build_lock(mods):
        stress = tier_registry.BY_NAME['stress']
        kernel.install_modules(repo, mods, build_dir, list(stress.modules), jobs, target.arch,
                               out / 'bin')
        shutil.copytree(kernel.build_kselftests(repo, kdir, mods, jobs, list(stress.collections)),
                        out / 'bin' / 'kselftest')
    # The stress tier's plan line, as make check runs it, once per RUNS row
    # with the bench's parameters.
    (_, _, script), = tier_registry.plan(['stress'], out / 'bin', out / 'bin' / 'kselftest')
    script += f' -s bench_ms={BENCH_MS} duration={BENCH_SECONDS}'
    (out / 'plan').write_text(''.join(f'stress {name} {script} {params}\n'
                                      for name, params, _ in RUNS))
    image, init = build_dir / target.image, repo / 'scripts/init.sh'
    target.prepare(image, init, out / 'kvm-probe', timeout)
    progress(f'booting {image} on {target.name} (results in {out})')
    boot = target.boot(image, init, out, out / 'plan', timeout, [])
    timed_out = boot.timed_out
    con = console.parse(boot.text)
    splats = [sp.describe() for sp in con.splats if not sp.expected]
    rows = []
    for name, params, title in RUNS:
        log = out / 'stress' / f'{name}.log'
        stats = parse_stats(log.read_text(errors='replace')) if log.exists() else {}
        if timed_out or 'ceiling_ops' not in stats:
            raise Failure(f'the bench run {name} did not finish: see {out / "console.log"}')
        rows += [f'== {title} ({params or "default parameters"})'] + report(stats, None if target.arch == 'um' else {}) + ['']
    default_log = out / 'stress' / f'{RUNS[0][0]}.log'
    wall = compare.stress_rates(default_log.read_text(errors='replace'))
    plot = compare.plot_rates([{'context': k, 'base': [v], 'new': []} for k, v in wall.items()],
                              out / 'rates.png', ('default run', ''))
    loop_rows = []
    if loop_runs:
        import loop
        # On another target than UML, make check of that target, warm.
        make_vars = [] if target.arch == 'um' else \
            [f'ARCH={args.arch}', f'CPUS={args.cpus}', f'ACCEL={args.accel}']
        figures, tiers = loop.measure(repo, out / 'loop', loop_runs, make_vars)
        loop_rows = loop.table(figures) + [''] + loop.tier_table(tiers)
    (out / 'bench.txt').write_text('\n'.join(rows + loop_rows) + '\n')
    md = ['# allocsuite bench', '', f'results: {out}', ''] + \
        [f'{what}: {value}' for what, value in target.describe()] + ['']
    for row in rows:
        md.append(f'## {row[3:]}' if row.startswith('== ') else f'    {row}' if row else '')
    md += ['', '![verified allocations per second of each context](rates.png)' if plot
           else 'No plot: python3-matplotlib is missing (make deps installs it).', '']
    if loop_rows:
        md += ['## The pre-submit loop', ''] + loop_rows + ['']
    (out / 'summary.md').write_text('\n'.join(md) + '\n')
    print()
    for row in rows + loop_rows:
        print(row)
    for splat in splats:
        print(f'problem: kernel report: {splat}')
    print(f'results in {out} (summary.md)')
    return 1 if splats else 0
