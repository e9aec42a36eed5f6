# SPDX-License-Identifier: GPL-2.0
"""make soak N=<runs>: N consecutive `make check` runs on the same kernel,
each verdict recorded, then every test that failed in any run, by name,
with how often (a flake shows up as failing in some runs only).

Each run's terminal output is kept as results/soak-<time>/run-<i>.log;
soak.md and soak.json there hold the verdicts and the table."""

from __future__ import annotations

import argparse
import datetime
import json
import re
import subprocess
import time
from pathlib import Path

from util import positive_int, progress

MAX_RUNS = 1000
_FAILED = re.compile(r'^failed: (\S+) (\S+)')
_PROBLEM = re.compile(r'^problem: (.*)$')
_VERDICT = re.compile(r'^(PASS|FAIL): results in (\S+)')


def failures(output: str) -> tuple[str, list[str], str]:
    """(verdict, what failed, run folder) of one make check's output. What
    failed: "<tier> <test>" per failed test and "problem: ..." per problem
    (run-specific numbers such as console lines taken out, so that the
    same problem in two runs counts once per run under one name)."""
    verdict, folder, found = 'FAIL', '', []
    for line in output.splitlines():
        m = _FAILED.match(line)
        if m:
            found.append(f'{m.group(1)} {m.group(2)}')
            continue
        m = _PROBLEM.match(line)
        if m:
            found.append('problem: ' + re.sub(r'\bline \d+', 'line N',
                                              re.sub(r'\d+(\.\d+)?s\b', 'Ns', m.group(1))))
            continue
        m = _VERDICT.match(line)
        if m:
            verdict, folder = m.group(1), m.group(2)
    if verdict == 'FAIL' and not found:
        found.append('make check failed without a test result (see its log)')
    return verdict, sorted(set(found)), folder


def table(runs: list[dict]) -> list[str]:
    """What failed in any run, most often first, with how often."""
    counts: dict[str, int] = {}
    for run in runs:
        for name in run['failed']:
            counts[name] = counts.get(name, 0) + 1
    total = len(runs)
    if not counts:
        return [f'no test failed in {total} runs']
    width = max(len(n) for n in counts)
    rows = [f'{"failed":<{width}}  {"runs":>9}']
    for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.append(f'{name:<{width}}  {count:>4} of {total:<4}')
    return rows


def cmd_soak(args: argparse.Namespace, repo: Path) -> int:
    """Run make check N times, then print and write the table."""
    n = positive_int('N', args.n, MAX_RUNS)
    out = Path(args.results).resolve() / \
        f'soak-{datetime.datetime.now().strftime("%Y%m%d-%H%M%S")}'
    out.mkdir(parents=True)
    runs = []
    for i in range(1, n + 1):
        progress(f'soak run {i} of {n}: make check {" ".join(args.check_args)}')
        started = time.monotonic()
        proc = subprocess.run(['make', '--no-print-directory', '-C', str(repo), 'check']
                              + args.check_args + [f'RESULTS={args.results}'],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors='replace', stdin=subprocess.DEVNULL, check=False)
        (out / f'run-{i}.log').write_text(proc.stdout)
        verdict, failed, folder = failures(proc.stdout)
        if proc.returncode == 0 and verdict != 'PASS':
            verdict, failed = 'FAIL', ['make check exited 0 without a PASS line']
        if proc.returncode != 0 and verdict == 'PASS':
            verdict, failed = 'FAIL', [f'make check exited {proc.returncode} after PASS']
        runs.append({'run': i, 'verdict': verdict, 'exit': proc.returncode,
                     'seconds': round(time.monotonic() - started, 1), 'results': folder,
                     'failed': failed})
        progress(f'soak run {i} of {n}: {verdict} in {runs[-1]["seconds"]:.0f}s'
                 + (f' ({len(failed)} failures)' if failed else ''))
    passed = sum(r['verdict'] == 'PASS' for r in runs)
    rows = table(runs)
    (out / 'soak.json').write_text(json.dumps({'runs': runs, 'passed': passed, 'n': n},
                                              indent=2) + '\n')
    md = [f'# allocsuite soak: {passed} of {n} runs passed', '',
          '| run | verdict | seconds | results |', '|---:|---|---:|---|']
    md += [f'| {r["run"]} | {r["verdict"]} | {r["seconds"]:.0f} | {r["results"]} |'
           for r in runs]
    md += ['', '## Failed in any run', '', '```'] + rows + ['```', '']
    (out / 'soak.md').write_text('\n'.join(md))
    print()
    for run in runs:
        print(f'run {run["run"]:>3}: {run["verdict"]} ({run["seconds"]:.0f}s) {run["results"]}')
    print()
    for row in rows:
        print(row)
    print(f'{"PASS" if passed == n else "FAIL"}: {passed} of {n} runs passed; '
          f'results in {out}')
    return 0 if passed == n else 1
