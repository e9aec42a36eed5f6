# SPDX-License-Identifier: GPL-2.0
"""make compare BASE=<tree or run folder> [NEW=<tree or run folder>]:
what a kernel change changed.

Each side is a kernel source tree (make check runs on it RUNS times, into
the compare folder) or finished runs: a run folder of make check (its
verdict.json), or a folder holding several (e.g. a previous compare's
side). The comparison lists the tests whose verdict changed, the known
deviations and kernel reports present on one side only, new problems,
and the stress tier's allocation rates per context, flagged only where
the change is beyond the noise measured over the repeated runs.

Writes results/compare-<time>/compare.md, compare.json and rates.png;
exit status 0 when nothing got worse, 1 otherwise."""

from __future__ import annotations

import argparse
import datetime
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any, Optional

from util import UsageError, positive_int, progress

MAX_RUNS = 100
# With a single run on a side the noise cannot be measured: a rate must
# change by more than this fraction to be flagged.
SINGLE_RUN_NOISE = 0.25
# With repeated runs: beyond this many standard deviations of the noisier
# side, and at least this fraction (rates within 5% are never flagged).
SIGMAS = 3.0
MIN_CHANGE = 0.05

_ADDR = re.compile(r'0x[0-9a-f]+|\b[0-9a-f]{8,16}\b|\b\d+\b')


class Side:
    """The runs of one side of a comparison."""

    def __init__(self, label: str, spec: str, runs: list[Path]) -> None:
        self.label = label
        self.spec = spec
        self.runs = runs
        self.verdicts = [json.loads((r / 'verdict.json').read_text()) for r in runs]

    @property
    def tiers(self) -> str:
        return self.verdicts[0].get('info', {}).get('tiers', '')

    def statuses(self) -> dict[str, list[str]]:
        """tier test -> its status in each run ('MISSING' where absent)."""
        names: dict[str, None] = {}
        for v in self.verdicts:
            for tier, t in v['tiers'].items():
                for test in t['tests']:
                    names[f'{tier} {test}'] = None
        out = {}
        for name in names:
            tier, _, test = name.partition(' ')
            out[name] = [v['tiers'].get(tier, {}).get('tests', {}).get(test, 'MISSING')
                         for v in self.verdicts]
        return out

    def deviations(self) -> set[str]:
        return {f'{tier} {d["test"]} {d["kind"]}'
                for v in self.verdicts for tier, t in v['tiers'].items()
                for d in t.get('deviations', [])}

    def reports(self) -> dict[str, str]:
        """Unexpected kernel reports, by a key without numbers and
        addresses, with one full text."""
        out = {}
        for v in self.verdicts:
            for r in v['reports']:
                if r['expected']:
                    continue
                where = r['where'] + (f': {r["test"]}' if r['test'] else '')
                key = f'{r["kind"]} during {where}: {_ADDR.sub("N", r["text"])}'
                out.setdefault(key, r['text'])
        return out

    def problems(self) -> set[str]:
        return {_ADDR.sub('N', p) for v in self.verdicts for p in v['problems']
                if not p.startswith('kernel report: ')}

    def rates(self) -> dict[str, list[float]]:
        """Verified allocations per second of each stress context, per run."""
        out: dict[str, list[float]] = {}
        for run in self.runs:
            for log in sorted(run.glob('**/stress/alloc_torture.log')):
                for ctx, rate in stress_rates(log.read_text(errors='replace')).items():
                    out.setdefault(ctx, []).append(rate)
        return out


def stress_rates(text: str) -> dict[str, float]:
    """Per context, verified allocations per second of an alloc_torture log
    (its '# key: value' statistics)."""
    stats = {}
    for line in text.splitlines():
        m = re.match(r'^# (\w+): (\d+)$', line)
        if m:
            stats[m.group(1)] = int(m.group(2))
    run_ms = stats.get('run_ms') or stats.get('elapsed_ms')
    if not run_ms:
        return {}
    return {key[:-len('_workers')]: stats.get(key[:-len('_workers')] + '_verified', 0)
            * 1000.0 / run_ms
            for key, n in stats.items() if key.endswith('_workers') and n > 0}


def is_tree(path: Path) -> bool:
    return (path / 'Makefile').is_file() and (path / 'Kconfig').is_file() \
        and (path / 'mm').is_dir()


def run_folders(path: Path) -> list[Path]:
    """The make check run folders @path is, or holds."""
    if (path / 'verdict.json').is_file():
        return [path]
    # results/latest is a link to one of them: not a run of its own.
    return sorted(p for p in path.iterdir()
                  if not p.is_symlink() and (p / 'verdict.json').is_file()) \
        if path.is_dir() else []


def classify(var: str, spec: str) -> tuple[Optional[Path], list[Path]]:
    """(kernel tree or None, run folders) that @spec names; an empty @spec
    is the default tree. Stops with an error naming @var otherwise."""
    if not spec:
        return None, []
    path = Path(spec).expanduser().resolve()
    if not path.exists():
        raise UsageError(f'{var}={spec} does not exist; expected a kernel source tree or a '
                         'run folder of make check (with verdict.json)')
    if is_tree(path):
        return path, []
    found = run_folders(path)
    if not found:
        raise UsageError(f'{var}={spec} is neither a kernel source tree (Makefile, '
                         'Kconfig, mm/) nor a run folder of make check (verdict.json), '
                         'nor a folder of such run folders')
    return path, found


def resolve(var: str, spec: str, runs: int, out: Path, check_args: list[str],
            repo: Path) -> Side:
    """A side: its run folders, running make check on a tree first."""
    path, found = classify(var, spec)
    if found:
        return Side(var, spec, found)
    side_dir = out / var.lower()
    side_dir.mkdir(parents=True, exist_ok=True)
    for i in range(runs):
        progress(f'{var}: make check {i + 1} of {runs} on {path or "the default tree"}')
        cmd = [sys.executable, str(repo / 'scripts/allocsuite'), 'check',
               '--kdir', str(path or ''), '--results', str(side_dir)] + check_args
        log = side_dir / f'run-{i + 1}.log'
        with open(log, 'w') as f:
            subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, check=False)
    found = run_folders(side_dir)
    if len(found) != runs:
        raise UsageError(f'{var}: {runs} make check runs left {len(found)} run folders '
                         f'with a verdict in {side_dir}: see its run-*.log')
    return Side(var, spec or 'the default tree', found)


def _status(statuses: list[str]) -> str:
    return statuses[0] if len(set(statuses)) == 1 else 'FLAKY(' + '/'.join(statuses) + ')'


def same_tiers(base: Side, new: Side) -> None:
    """Stop unless both sides ran the same tiers."""
    if base.tiers != new.tiers:
        raise UsageError(f'BASE ran tiers "{base.tiers}" ({base.runs[0]}) and NEW ran '
                         f'"{new.tiers}" ({new.runs[0]}): compare runs of the same tiers')


def compare(base: Side, new: Side) -> dict[str, Any]:
    """What changed from @base to @new; 'worse' lists what got worse."""
    same_tiers(base, new)
    worse: list[str] = []
    better: list[str] = []
    changed = []
    bs, ns = base.statuses(), new.statuses()
    for name in sorted(set(bs) | set(ns)):
        b = _status(bs[name]) if name in bs else 'NEW'
        n = _status(ns[name]) if name in ns else 'GONE'
        if b == n:
            continue
        changed.append({'test': name, 'base': b, 'new': n})
        if b == 'NEW' and n == 'PASS':
            continue                  # a new test that passes: listed, neither way
        (better if n == 'PASS' else worse).append(f'{name}: {b} -> {n}')
    bdev, ndev = base.deviations(), new.deviations()
    worse += [f'new known deviation: {d}' for d in sorted(ndev - bdev)]
    better += [f'known deviation gone: {d}' for d in sorted(bdev - ndev)]
    brep, nrep = base.reports(), new.reports()
    worse += [f'new kernel report: {nrep[k]} ({k})' for k in sorted(set(nrep) - set(brep))]
    better += [f'kernel report gone: {brep[k]}' for k in sorted(set(brep) - set(nrep))]
    bprob, nprob = base.problems(), new.problems()
    worse += [f'new problem: {p}' for p in sorted(nprob - bprob)]
    better += [f'problem gone: {p}' for p in sorted(bprob - nprob)]
    rates = []
    brates, nrates = base.rates(), new.rates()
    for ctx in sorted(set(brates) | set(nrates)):
        b, n = brates.get(ctx, []), nrates.get(ctx, [])
        row: dict[str, Any] = {'context': ctx, 'base': b, 'new': n}
        if b and n:
            bm, nm = statistics.mean(b), statistics.mean(n)
            if len(b) > 1 and len(n) > 1:
                noise = SIGMAS * max(statistics.stdev(b), statistics.stdev(n))
                how = f'{SIGMAS:g} x the larger standard deviation'
            else:
                noise = SINGLE_RUN_NOISE * bm
                how = f'{SINGLE_RUN_NOISE:.0%} (a single run: no measured noise)'
            limit = max(noise, MIN_CHANGE * bm)
            row.update(base_mean=bm, new_mean=nm, change=(nm - bm) / bm if bm else 0.0,
                       limit=limit, noise_rule=how, flagged=abs(nm - bm) > limit)
            if row['flagged']:
                line = (f'stress rate {ctx}: {bm:,.0f}/s -> {nm:,.0f}/s '
                        f'({row["change"]:+.0%}, beyond {limit:,.0f}/s: {how})')
                (worse if nm < bm else better).append(line)
        elif b:
            worse.append(f'stress context {ctx} gone ({statistics.mean(b):,.0f}/s in BASE)')
        rates.append(row)
    return {'format': 'allocsuite-compare-1',
            'base': {'spec': base.spec, 'runs': [str(r) for r in base.runs],
                     'verdicts': [v['verdict'] for v in base.verdicts]},
            'new': {'spec': new.spec, 'runs': [str(r) for r in new.runs],
                    'verdicts': [v['verdict'] for v in new.verdicts]},
            'tiers': base.tiers, 'changed_tests': changed, 'rates': rates,
            'worse': worse, 'better': better}


def markdown(res: dict[str, Any], plot: Optional[str]) -> str:
    out = ['# allocsuite compare', '',
           f'- BASE: {res["base"]["spec"]} ({len(res["base"]["runs"])} runs: '
           f'{", ".join(res["base"]["verdicts"])})',
           f'- NEW: {res["new"]["spec"]} ({len(res["new"]["runs"])} runs: '
           f'{", ".join(res["new"]["verdicts"])})',
           f'- tiers: {res["tiers"]}', '',
           f'**{"WORSE" if res["worse"] else "NOTHING WORSE"}**: '
           f'{len(res["worse"])} worse, {len(res["better"])} better', '']
    for title, key in (('Worse', 'worse'), ('Better', 'better')):
        if res[key]:
            out += [f'## {title}', ''] + [f'- {x}' for x in res[key]] + ['']
    if res['changed_tests']:
        out += ['## Tests whose verdict changed', '', '| test | BASE | NEW |', '|---|---|---|']
        out += [f'| {c["test"]} | {c["base"]} | {c["new"]} |' for c in res['changed_tests']]
        out.append('')
    if res['rates']:
        out += ['## Stress rates (verified allocations per second)', '',
                '| context | BASE mean (min-max) | NEW mean (min-max) | change | flagged |',
                '|---|---:|---:|---:|---|']
        for r in res['rates']:
            def cell(v: list[float]) -> str:
                return f'{statistics.mean(v):,.0f} ({min(v):,.0f}-{max(v):,.0f})' if v else '-'
            change = f'{r["change"]:+.1%}' if 'change' in r else '-'
            flag = ('yes' if r.get('flagged') else 'no') + \
                (f' (limit {r["limit"]:,.0f}/s: {r["noise_rule"]})' if 'limit' in r else '')
            out.append(f'| {r["context"]} | {cell(r["base"])} | {cell(r["new"])} | '
                       f'{change} | {flag} |')
        out.append('')
        out.append(f'![rates of both kernels per context]({plot})' if plot else
                   'No plot: python3-matplotlib is missing (make deps installs it).')
        out.append('')
    return '\n'.join(out)


def plot_rates(rows: list[dict[str, Any]], png: Path, labels: tuple[str, str]) -> bool:
    """A bar chart of each context's mean rate on both sides, with the
    spread of the runs; False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    ctxs = [r['context'] for r in rows]
    fig, ax = plt.subplots(figsize=(max(6, len(ctxs) * 1.2), 4))
    sides = [(key, label) for key, label in (('base', labels[0]), ('new', labels[1]))
             if any(r[key] for r in rows)]
    width = 0.8 / max(len(sides), 1)
    for i, (key, label) in enumerate(sides):
        means = [statistics.mean(r[key]) if r[key] else 0 for r in rows]
        low = [m - min(r[key]) if r[key] else 0 for m, r in zip(means, rows)]
        high = [max(r[key]) - m if r[key] else 0 for m, r in zip(means, rows)]
        ax.bar([x + (i - (len(sides) - 1) / 2) * width for x in range(len(ctxs))], means, width,
               yerr=[low, high], capsize=3, label=label)
    ax.set_xticks(range(len(ctxs)))
    ax.set_xticklabels(ctxs, rotation=30, ha='right')
    ax.set_yscale('log')
    ax.set_ylabel('verified allocations / s')
    ax.legend()
    fig.tight_layout()
    fig.savefig(png, dpi=100)
    plt.close(fig)
    return True


def cmd_compare(args: argparse.Namespace, repo: Path) -> int:
    runs = positive_int('RUNS', args.runs, MAX_RUNS)
    if not args.base:
        raise UsageError('BASE= is empty; expected a kernel source tree or a run folder '
                         'of make check')
    # Bad input stops before anything is made or run.
    recorded = [Side(var, spec, found) for var, spec in (('BASE', args.base), ('NEW', args.new))
                for _, found in [classify(var, spec)] if found]
    if len(recorded) == 2:
        same_tiers(*recorded)
    tier = args.tier
    if recorded:
        ran = recorded[0].tiers.replace(' ', '')
        if tier and tier != ran:
            raise UsageError(f'TIER={tier}, but {recorded[0].label}={recorded[0].spec} ran '
                             f'tiers {ran}: compare runs of the same tiers')
        tier = ran                    # the tree is run with the recorded side's tiers
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    out = Path(args.results).resolve() / f'compare-{stamp}'
    out.mkdir(parents=True, exist_ok=True)
    check_args = ['--tier', tier, '--config', args.config, '--timeout', args.timeout,
                  '--jobs', args.jobs, '--arch', args.arch, '--cpus', args.cpus,
                  '--accel', args.accel]
    base = resolve('BASE', args.base, runs, out, check_args, repo)
    new = resolve('NEW', args.new, runs, out, check_args, repo)
    res = compare(base, new)
    plot = 'rates.png' if res['rates'] and plot_rates(
        res['rates'], out / 'rates.png', ('BASE', 'NEW')) else None
    (out / 'compare.json').write_text(json.dumps(res, indent=1) + '\n')
    text = markdown(res, plot)
    (out / 'compare.md').write_text(text)
    print(text)
    print(f'{"WORSE" if res["worse"] else "NOTHING WORSE"}: {out / "compare.md"}')
    return 1 if res['worse'] else 0
