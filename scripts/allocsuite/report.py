# SPDX-License-Identifier: GPL-2.0
"""Results of a run: kunit.py's JSON per tier merged into kunit.json, a
JUnit file, summary.md, and the table on the terminal."""

from __future__ import annotations

import dataclasses
import enum
import importlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator, Optional
from xml.etree import ElementTree as ET

import tiers as tier_registry
from console import Splat

JsonObj = dict[str, Any]


class Status(enum.StrEnum):
    """A test's result, as kunit.py's JSON names it (a str: it compares,
    prints and serialises as its name)."""
    PASS = 'PASS'
    FAIL = 'FAIL'
    SKIP = 'SKIP'
    ERROR = 'ERROR'


@dataclasses.dataclass
class Leaf:
    """One test with a result: a KUnit case or parameter, a kselftest."""
    tier: str
    path: list[str]                  # suite, case, parameter...
    status: Status
    splats: list[Splat] = dataclasses.field(default_factory=list)

    @property
    def dotted(self) -> str:
        return '.'.join(self.path)


@dataclasses.dataclass
class Tier:
    """What one tier ran and found."""
    name: str
    group: Optional[JsonObj] = None
    leaves: list[Leaf] = dataclasses.field(default_factory=list)
    seconds: float = 0.0
    # (test, XFAIL or XPASS, reason) that the programs reported
    deviations: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)
    # why each skipped test was skipped, by dotted path
    skip_reasons: dict[str, str] = dataclasses.field(default_factory=dict)

    def counts(self, suite: Optional[str] = None) -> tuple[int, int, int]:
        """(passed, failed, skipped), failed including errors."""
        leaves = [lf for lf in self.leaves if suite is None or lf.path[0] == suite]
        passed = sum(lf.status == 'PASS' for lf in leaves)
        skipped = sum(lf.status == 'SKIP' for lf in leaves)
        return passed, len(leaves) - passed - skipped, skipped

    def suites(self) -> list[str]:
        seen: list[str] = []
        for leaf in self.leaves:
            if leaf.path[0] not in seen:
                seen.append(leaf.path[0])
        return seen


def kunit_parse(kunit_py: Path, ktap: Path, json_out: Path, text_out: Path) -> Optional[JsonObj]:
    """Run `kunit.py parse` on one KTAP document; its JSON, or None."""
    cmd = [sys.executable, str(kunit_py), 'parse', f'--json={json_out}', str(ktap)]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE='1')
    with open(text_out, 'w') as out:
        subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                       stdin=subprocess.DEVNULL, check=False)
    try:
        return json.loads(json_out.read_text())
    except (OSError, ValueError):
        return None


def _kunit_modules(kunit_py: Path) -> tuple[Any, Any]:
    """kunit.py's own parser and printer modules, from its tree."""
    where = str(kunit_py.parent)
    if where not in sys.path:
        sys.path.insert(0, where)
    return importlib.import_module('kunit_parser'), importlib.import_module('kunit_printer')


_PARSE_ERROR = re.compile(r'\[ERROR\] Test: (.*?): (.*)$')


def group_problems(kunit_py: Path, tier: str, lines: list[str],
                   programs: bool = False) -> list[str]:
    """What kunit.py's JSON leaves out: parse errors (a plan count that
    does not match, a missing result line...) and groups whose own result
    is not ok although no test in them failed. With @programs, the
    groups right under the tier are programs whose result line the runner
    wrote from their exit status, judged by ktap.program_problems()."""
    try:
        parser, printer = _kunit_modules(kunit_py)
    except ImportError as e:
        return [f'cannot read the group results of tier {tier}: {kunit_py.parent} has no '
                f'usable kunit_parser ({e})']
    said = io.StringIO()
    saved = parser.stdout
    parser.stdout = printer.Printer(said)
    try:
        top = parser.parse_run_tests(lines)
    finally:
        parser.stdout = saved
    problems = [f'kunit.py parse, tier {tier}: {m.group(1) or "(document)"}: {m.group(2)}'
                for m in map(_PARSE_ERROR.search, said.getvalue().splitlines()) if m]
    ok = (parser.TestStatus.SUCCESS, parser.TestStatus.SKIPPED)

    def failing_leaf(test: Any) -> bool:
        if not test.subtests:
            return test.status not in ok
        return any(failing_leaf(sub) for sub in test.subtests)

    def walk(test: Any, path: list[str], depth: int) -> None:
        for sub in test.subtests:
            if not sub.subtests:
                continue
            here = path + [sub.name]
            if sub.status not in ok and not failing_leaf(sub) and \
                    not (programs and depth == 0):
                problems.append(f'{tier} {".".join(here)}: the group\'s own result is '
                                f'{sub.status.name} though none of its tests failed')
            walk(sub, here, depth + 1)

    walk(top, [], 0)
    return problems


def leaves(tier: str, group: JsonObj, path: Optional[list[str]] = None) -> Iterator[Leaf]:
    """Every test with a result in a kunit.py JSON group."""
    path = path or []
    for case in group.get('test_cases', []):
        yield Leaf(tier, path + [case['name']],
                   Status(case['status']) if case['status'] in Status.__members__
                   else Status.ERROR)
    for sub in group.get('sub_groups', []):
        yield from leaves(tier, sub, path + [sub['name']])


def merged_json(tiers: list[Tier]) -> JsonObj:
    """One KernelCI-style document: a sub-group per tier."""
    subs = []
    for tier in tiers:
        if tier.group is not None:
            group = dict(tier.group, name=tier.name)
            subs.append(group)
    first = subs[0] if subs else {}
    doc = {key: first.get(key) for key in ('arch', 'defconfig', 'build_environment',
                                           'lab_name', 'kernel', 'job', 'git_branch')}
    doc.update(name='allocsuite', sub_groups=subs, test_cases=[])
    return doc


def junit(tiers: list[Tier], stray: list[Splat],
          problems: Optional[list[str]] = None) -> ET.ElementTree:
    """JUnit XML: a testsuite per tier and suite; kernel reports fail the
    test they happened in; what fails the run beyond its tests (an exit
    status, a window, a lost line: @problems) fails a case of its own in
    the testsuite "run", so that a CI reading only JUnit sees it too."""
    root = ET.Element('testsuites', name='allocsuite')
    for tier in tiers:
        for suite in tier.suites():
            cases = [lf for lf in tier.leaves if lf.path[0] == suite]
            passed, failed, skipped = tier.counts(suite)
            failed += sum(1 for lf in cases if lf.splats and lf.status == 'PASS')
            el = ET.SubElement(root, 'testsuite', name=f'{tier.name}.{suite}',
                               tests=str(len(cases)), failures=str(failed),
                               skipped=str(skipped))
            for leaf in cases:
                case = ET.SubElement(el, 'testcase', classname=f'{tier.name}.{suite}',
                                     name='.'.join(leaf.path[1:]) or suite)
                if leaf.status == 'SKIP':
                    ET.SubElement(case, 'skipped')
                elif leaf.status != 'PASS':
                    ET.SubElement(case, 'failure', message=f'{leaf.status}')
                for splat in leaf.splats:
                    ET.SubElement(case, 'failure', message=f'kernel report: {splat.kind}',
                                  type='kernel-report').text = splat.describe()
    if stray:
        el = ET.SubElement(root, 'testsuite', name='kernel', tests=str(len(stray)),
                           failures=str(len(stray)))
        for splat in stray:
            case = ET.SubElement(el, 'testcase', classname='kernel',
                                 name=f'report_line_{splat.line_no}')
            ET.SubElement(case, 'failure', message=f'kernel report: {splat.kind}',
                          type='kernel-report').text = splat.describe()
    if problems:
        el = ET.SubElement(root, 'testsuite', name='run', tests=str(len(problems)),
                           failures=str(len(problems)))
        for n, problem in enumerate(problems, 1):
            case = ET.SubElement(el, 'testcase', classname='run', name=f'problem_{n}')
            ET.SubElement(case, 'failure', message=problem, type='run-problem')
    ET.indent(root)
    return ET.ElementTree(root)


def attribute(tiers: list[Tier], splats: list[Splat]) -> list[Splat]:
    """Hang each report on the test it happened in; returns the rest."""
    stray = []
    for splat in splats:
        if splat.expected:
            continue
        tier_name, _, program = splat.where.partition('/')
        spec = tier_registry.BY_NAME.get(tier_name)
        want = splat.test if spec and spec.kernel_log else \
            '.'.join(p for p in (program, splat.test) if p)
        match = None
        for tier in tiers:
            if tier.name != tier_name:
                continue
            for leaf in tier.leaves:
                if leaf.dotted == want or (not match and leaf.dotted.startswith(want + '.')):
                    match = leaf
        if match:
            match.splats.append(splat)
        else:
            stray.append(splat)
    return stray


def verdict_json(run_id: str, verdict: bool, info: list[tuple[str, str]], tiers: list[Tier],
                 splats: list[Splat], problems: list[str],
                 timings: list[tuple[str, float]]) -> JsonObj:
    """Everything a run concluded, for programs (make compare, CI): every
    test's status, the known deviations, the kernel reports, the problems."""
    return {
        'format': 'allocsuite-verdict-1',
        'run': run_id,
        'verdict': 'PASS' if verdict else 'FAIL',
        'info': dict(info),
        'tiers': {t.name: {'seconds': round(t.seconds, 1),
                           'tests': {lf.dotted: lf.status for lf in t.leaves},
                           'skip_reasons': t.skip_reasons,
                           'deviations': [{'test': test, 'kind': kind, 'reason': reason}
                                          for test, kind, reason in t.deviations]}
                  for t in tiers},
        'reports': [{'kind': sp.kind, 'where': sp.where, 'test': sp.test, 'text': sp.text,
                     'expected': sp.expected, 'origin': sp.origin} for sp in splats],
        'problems': problems,
        'timings': [{'step': step, 'seconds': round(secs, 1)} for step, secs in timings],
    }


def table(tiers: list[Tier]) -> list[str]:
    """The terminal table: one row per tier."""
    width = max([10] + [len(t.name) for t in tiers])
    rows = [f'{"tier":<{width}} {"passed":>6} {"failed":>6} {"skipped":>7} {"time":>8}']
    for tier in tiers:
        passed, failed, skipped = tier.counts()
        rows.append(f'{tier.name:<{width}} {passed:>6} {failed:>6} {skipped:>7} '
                    f'{tier.seconds:>7.1f}s')
    return rows


def _cell(leaves: list[Leaf]) -> str:
    """One boot's result of a case or suite: its status when it is one
    test, else the count of each status, failures first ("-" when the
    boot did not run it)."""
    if not leaves:
        return '-'
    if len(leaves) == 1:
        return leaves[0].status.lower()
    counts: dict[str, int] = {}
    for leaf in leaves:
        counts[leaf.status] = counts.get(leaf.status, 0) + 1
    order = ['FAIL', 'ERROR', 'PASS', 'SKIP']
    order += sorted(k for k in counts if k not in order)
    return ', '.join(f'{counts[k]} {k.lower()}' for k in order if k in counts)


def boot_columns(tiers: list[Tier], tier: str = 'kunit',
                 by: str = 'case') -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The results of @tier in every boot side by side: the boots (column
    names: "default" and each other boot, from the "<tier>@<boot>" tier
    names, in run order) and one row per suite (@by "suite") or per
    suite.case (@by "case", a parameterised case counting its
    parameters; suites in run order, cases by name), each with one cell
    per boot (_cell)."""
    boots: list[tuple[str, Tier]] = []
    for t in tiers:
        name, _, boot = t.name.partition('@')
        if name == tier:
            boots.append((boot or 'default', t))
    depth = 1 if by == 'suite' else 2
    keys: list[str] = []
    cells: dict[tuple[str, str], list[Leaf]] = {}
    for boot, t in boots:
        for leaf in t.leaves:
            key = '.'.join(leaf.path[:depth])
            if key not in keys:
                keys.append(key)
            cells.setdefault((key, boot), []).append(leaf)
    # Suites in the order they ran; cases by name within a suite (the
    # results list a suite's plain cases before its parameterised ones).
    suites = list(dict.fromkeys(key.split('.')[0] for key in keys))
    keys.sort(key=lambda k: (suites.index(k.split('.')[0]), k))
    rows = [(key, [_cell(cells.get((key, boot), [])) for boot, _ in boots]) for key in keys]
    return [boot for boot, _ in boots], rows


def boot_table(tiers: list[Tier], tier: str = 'kunit') -> list[str]:
    """The terminal table of @tier by boot: one row per suite, one column
    per boot; nothing when the tier ran in one boot only."""
    boots, rows = boot_columns(tiers, tier, by='suite')
    if len(boots) < 2:
        return []
    first = max([len(tier)] + [len(k) for k, _ in rows])
    widths = [max([len(b)] + [len(r[1][i]) for r in rows]) for i, b in enumerate(boots)]
    out = [' '.join([f'{tier:<{first}}'] + [f'{b:<{w}}' for b, w in zip(boots, widths)])]
    out += [' '.join([f'{key:<{first}}'] + [f'{c:<{w}}' for c, w in zip(cs, widths)])
            for key, cs in rows]
    return [row.rstrip() for row in out]


def summary(run_id: str, verdict: bool, info: list[tuple[str, str]], tiers: list[Tier],
            splats: list[Splat], problems: list[str], timings: list[tuple[str, float]]) -> str:
    """summary.md."""
    out = [f'# allocsuite run {run_id}: {"PASS" if verdict else "FAIL"}', '']
    out += [f'- **{key}**: {value}' for key, value in info]
    out += ['', '## Results', '', '| tier | suite | passed | failed | skipped |',
            '|---|---|---:|---:|---:|']
    for tier in tiers:
        for suite in tier.suites():
            p, f, s = tier.counts(suite)
            out.append(f'| {tier.name} | {suite} | {p} | {f} | {s} |')
        p, f, s = tier.counts()
        out.append(f'| **{tier.name}** | all | {p} | {f} | {s} |')
    boots, rows = boot_columns(tiers, 'kunit')
    if len(boots) > 1:
        out += ['', '## KUnit by boot', '',
                'One column per boot of the kunit tier (its kernel arguments are in the '
                'boot lines above): pass, fail or skip, or for a parameterised case how '
                'many of its parameters did each.', '',
                '| suite.case | ' + ' | '.join(boots) + ' |',
                '|---|' + '---|' * len(boots)]
        out += [f'| {key} | ' + ' | '.join(cs) + ' |' for key, cs in rows]
    failed = [lf for t in tiers for lf in t.leaves if lf.status not in ('PASS', 'SKIP')]
    if failed:
        out += ['', '## Failed tests', '']
        out += [f'- {lf.tier}: `{lf.dotted}` ({lf.status})' for lf in failed]
    skipped = [lf for t in tiers for lf in t.leaves if lf.status == 'SKIP']
    if skipped:
        out += ['', '## Skipped tests', '']
        out += [f'- {lf.tier}: `{lf.dotted}`: '
                + next((t.skip_reasons.get(lf.dotted, '') for t in tiers if t.name == lf.tier), '')
                for lf in skipped]
    xfail = [(t.name, d) for t in tiers for d in t.deviations if d[1] == 'XFAIL']
    xpass = [(t.name, d) for t in tiers for d in t.deviations if d[1] == 'XPASS']
    if xfail:
        out += ['', '## Known kernel deviations', '',
                'The kernel breaks a documented contract here; the test expects it '
                '(XFAIL) and does not fail the run.', '']
        out += [f'- {tier}: `{test}`: {reason}' for tier, (test, _, reason) in xfail]
    if xpass:
        out += ['', '## Unexpected passes', '',
                'A known deviation did not show: the kernel now keeps the contract. This '
                'fails the run; the deviation entry can go.', '']
        out += [f'- {tier}: `{test}`: {reason}' for tier, (test, _, reason) in xpass]
    out += ['', '## Kernel reports', '']
    if splats:
        out += [f'- {"(expected) " if s.expected else ""}{s.describe()}' for s in splats]
    else:
        out.append('none')
    if problems:
        out += ['', '## Problems', ''] + [f'- {p}' for p in problems]
    out += ['', '## Timings', '', '| step | seconds |', '|---|---:|']
    out += [f'| {step} | {secs:.1f} |' for step, secs in timings]
    return '\n'.join(out) + '\n'
