# SPDX-License-Identifier: GPL-2.0
"""The pre-submit loop's speed, as make bench measures it: a warm make
check with nothing changed, a one-.c-file change in mm/ to verdict
(rebuild included), and the time outside the tests' own.

The one-file change is a new global with a value unique to the run, added
to mm/slub.c of the negative controls' scratch tree by a generated patch
(tests/negative.sh with Expect-pass:), so that ccache cannot serve the
object: the compiler really runs, as after an edit."""

from __future__ import annotations

import difflib
import json
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any, Optional

import kernel
from util import Failure, progress

# The targets of the pre-submit loop on the 2-CPU machine, in seconds.
TARGETS = {'warm re-run, nothing changed': 60.0,
           'one .c file changed in mm/, to verdict': 90.0,
           'outside the tests': 10.0}
# On another target (ARCH=x86_64): the whole run of every tier, kernel
# unchanged, under TCG.
OTHER_TARGETS = {'warm run of every tier, kernel unchanged': 300.0,
                 'outside the tests': 10.0}
CHANGED_FILE = 'mm/slub.c'


def _check(repo: Path, results: Path, make_vars: list[str]) -> tuple[float, dict[str, Any]]:
    """One make check with @make_vars: (wall seconds, its verdict.json)."""
    started = time.monotonic()
    proc = subprocess.run(['make', '--no-print-directory', '-C', str(repo), 'check',
                           f'RESULTS={results}'] + make_vars, capture_output=True, text=True,
                          check=False)
    wall = time.monotonic() - started
    try:
        verdict = json.loads((results / 'latest' / 'verdict.json').read_text())
    except (OSError, ValueError) as e:
        raise Failure(f'make check wrote no verdict.json ({e}): {proc.stdout[-2000:]}')
    if proc.returncode != 0:
        raise Failure(f'make check failed while measuring the loop: see {results}/latest')
    return wall, verdict


def _outside(wall: float, verdict: dict[str, Any]) -> float:
    boots = sum(t['seconds'] for t in verdict['timings']
                if t['step'].startswith('boots and tests'))
    return wall - boots


def one_file_patch(tree: Path, stamp: str) -> str:
    """A negative.sh patch that adds a harmless global to CHANGED_FILE."""
    old = (tree / CHANGED_FILE).read_text().splitlines(keepends=True)
    new = old + ['\n', f'int allocsuite_bench_{stamp};\n']
    diff = difflib.unified_diff(old, new, f'a/{CHANGED_FILE}', f'b/{CHANGED_FILE}')
    return ('Expect-pass: a harmless new global in mm/slub.c, unique to this run\n'
            'Tier: kunit,stress,kselftest\n\n' + ''.join(diff))


def targets(make_vars: list[str]) -> dict[str, float]:
    """The figures and their targets for a make check with @make_vars."""
    return TARGETS if not make_vars else OTHER_TARGETS


def measure(repo: Path, out: Path, runs: int,
            make_vars: Optional[list[str]] = None) -> tuple[dict[str, list[float]],
                                                            dict[str, list[float]]]:
    """Each figure of targets(@make_vars), measured @runs times, and the
    seconds each boot and tier took in the warm runs. With @make_vars (a
    target other than UML), the warm run only."""
    make_vars = make_vars or []
    figures: dict[str, list[float]] = {k: [] for k in targets(make_vars)}
    warm = next(iter(figures))
    tiers: dict[str, list[float]] = {}
    progress('loop: a first make check (it may build; not counted)')
    _check(repo, out / 'warm', make_vars)
    for i in range(runs):
        progress(f'loop: warm make check {i + 1} of {runs}')
        wall, verdict = _check(repo, out / 'warm', make_vars)
        figures[warm].append(wall)
        figures['outside the tests'].append(_outside(wall, verdict))
        for t in verdict['timings']:
            if t['step'].startswith('boot '):
                tiers.setdefault(t['step'].split(' (in parallel')[0], []).append(t['seconds'])
        for name, t in verdict['tiers'].items():
            tiers.setdefault(f'tier {name}', []).append(t['seconds'])
    if make_vars:
        return figures, tiers
    tree = kernel.default_tree()
    for i in range(runs):
        progress(f'loop: one-file change {i + 1} of {runs} ({CHANGED_FILE})')
        patch = out / f'bench-one-file-change-{i + 1}.patch'
        patch.write_text(one_file_patch(tree, f'{int(time.time())}_{i}'))
        started = time.monotonic()
        proc = subprocess.run(['bash', str(repo / 'tests/negative.sh'), str(patch)],
                              capture_output=True, text=True, check=False)
        figures['one .c file changed in mm/, to verdict'].append(time.monotonic() - started)
        (out / f'one-file-change-{i + 1}.log').write_text(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            raise Failure(f'make check on a harmless change failed: see '
                          f'{out}/one-file-change-{i + 1}.log')
    return figures, tiers


def table(figures: dict[str, list[float]]) -> list[str]:
    """The figures as min/median/max beside their targets."""
    rows = ['| pre-submit loop | min | median | max | target | met |',
            '|---|---:|---:|---:|---:|---|']
    for name, values in figures.items():
        if not values:
            continue
        target = {**TARGETS, **OTHER_TARGETS}[name]
        rows.append(f'| {name} | {min(values):.1f} s | {statistics.median(values):.1f} s | '
                    f'{max(values):.1f} s | {target:.0f} s | '
                    f'{"yes" if max(values) <= target else "no"} |')
    return rows


def tier_table(tiers: dict[str, list[float]]) -> list[str]:
    """Each boot's and tier's own time in the warm runs."""
    rows = ['| boot and its tests, or tier (warm runs) | min | median | max |',
            '|---|---:|---:|---:|']
    rows += [f'| {name} | {min(v):.1f} s | {statistics.median(v):.1f} s | {max(v):.1f} s |'
             for name, v in tiers.items()]
    return rows
