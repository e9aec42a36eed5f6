# SPDX-License-Identifier: GPL-2.0
"""What must run, known from the build, and the run compared against it.

The manifest lists every KUnit suite and case (read from kunit/*.c: the
kunit_suite definitions, their KUNIT_CASE* tables and the
kunit_test_suites() list in kunit/suites.c, FILTER applied), every
kselftest program the collection Makefiles build (TEST_GEN_PROGS and
TEST_PROGS, checked against the installed kselftest-list.txt and the
installed files) and each program's test names (its `-l` output; for the
stress script, until it answers -l, its KINDS and EXTRA variables). It is
written to manifest.json in the run folder.

check() fails the run on a suite, case, program or test missing from the
results, a result the manifest does not know, a count that differs, a
parameterised case without a parameter, a skip without a reason, and, on
every target, a skip that tests/expected-skips.txt does not list for
that tier, boot and architecture.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import re
import subprocess
from pathlib import Path
from typing import Any, Iterable, Optional

import ktap
from util import UsageError

# The boots of a run: (name, tiers, extra kernel arguments). The default
# boot runs every selected tier; each other boot runs its tiers again with
# its arguments, in its own UML, into its own sub-folder of the run folder,
# and shows up as tier "<tier>@<boot>".
BOOTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ('default', ('kunit', 'stress', 'kselftest'), ()),
    ('init_on_alloc', ('kunit',), ('init_on_alloc=1',)),
    ('init_on_free', ('kunit',), ('init_on_free=1',)),
    ('slub_debug', ('kunit',), ('slub_debug=FZPU',)),
)
DEFAULT_BOOT = 'default'
# Boots a config leaves out, with the reason (the summary and the terminal
# say it): with CONFIG=debug's generic KASAN, UML 6.12 reports a
# slab-out-of-bounds in SLUB's own code while booting in these modes,
# before any test runs (seen in every boot).
LEFT_OUT: dict[tuple[str, str], str] = {
    ('init_on_free', 'debug'): 'generic KASAN reports slab-out-of-bounds in kfree() while '
                               'booting with init_on_free=1 (UML 6.12)',
    ('slub_debug', 'debug'): 'generic KASAN reports slab-out-of-bounds in init_object() while '
                             'booting with slub_debug=FZPU (UML 6.12)',
}
# How many names a problem lists before it says "and N more".
SHOW = 8


# Tiers that get a kernel of their own in a boot that runs them, where the
# target runs kernels side by side: the stress tier takes as long as all
# the others together, and UML uses one host CPU, so its own kernel beside
# the rest halves the wall time.
OWN_KERNEL = ('stress',)


@dataclasses.dataclass
class Part:
    """One UML kernel of a run: a boot of BOOTS, or the share of one boot's
    tiers that runs in a kernel of its own (same arguments)."""
    boot: str
    tiers: list[str]
    args: list[str]
    folder: str                      # under the run folder; '' is the run folder
    primary: bool                    # the first part of its boot

    @property
    def name(self) -> str:
        """How problems and progress lines name the part."""
        return self.boot if self.primary else f'{self.boot} ({", ".join(self.tiers)})'


def boots_for(tiers: list[str], config: str = 'base') -> list[tuple[str, list[str], list[str]]]:
    """(boot, its tiers among @tiers, extra kernel arguments) of every boot
    that has something to run: a second boot only when its tiers are
    selected, and not when @config leaves it out (LEFT_OUT)."""
    chosen = []
    for name, boot_tiers, args in BOOTS:
        mine = [t for t in tiers if t in boot_tiers]
        if mine and (name, config) not in LEFT_OUT:
            chosen.append((name, mine, list(args)))
    return chosen


def left_out(tiers: list[str], config: str) -> list[tuple[str, str]]:
    """(boot, reason) of the boots @config leaves out that would run @tiers."""
    return [(name, LEFT_OUT[(name, config)]) for name, boot_tiers, _ in BOOTS
            if (name, config) in LEFT_OUT and any(t in boot_tiers for t in tiers)]


def parts_for(tiers: list[str], config: str = 'base', split: bool = True) -> list[Part]:
    """The kernels that run the boots of @tiers: with @split (the target
    runs kernels side by side), each tier of OWN_KERNEL in a kernel of its
    own, the rest of a boot in one; without, one kernel per boot."""
    parts = []
    for boot, boot_tiers, args in boots_for(tiers, config):
        base = '' if boot == DEFAULT_BOOT else boot
        rest = [t for t in boot_tiers if t not in OWN_KERNEL or not split]
        own = [t for t in boot_tiers if t not in rest]
        if rest or not own:
            parts.append(Part(boot, rest, args, base, True))
        for tier in own:
            primary = not rest and tier == own[0]
            parts.append(Part(boot, [tier], args,
                              base if primary else f'{base or boot}-{tier}', primary))
    return parts


def tier_label(tier: str, boot: str) -> str:
    """The name a tier of a boot has in tables and results."""
    return tier if boot == DEFAULT_BOOT else f'{tier}@{boot}'


# --- KUnit: suites and cases from the sources -----------------------------

_COMMENTS = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
_SUITE = re.compile(r'struct\s+kunit_suite\s+(\w+)\s*=\s*\{(.*?)\n\s*\};', re.S)
_CASE_TABLE = re.compile(r'struct\s+kunit_case\s+(\w+)\s*\[\s*\]\s*=\s*\{(.*?)\n\s*\};', re.S)
_CASE = re.compile(r'\bKUNIT_CASE(|_SLOW|_ATTR|_PARAM|_PARAM_ATTR)\s*\(\s*(\w+)')
_SUITE_LIST = re.compile(r'\bkunit_test_suites?\s*\((.*?)\)\s*;', re.S)


@dataclasses.dataclass
class Case:
    """One KUnit case; a parameterised one reports one result per parameter."""
    name: str
    param: bool


@dataclasses.dataclass
class Suite:
    """One KUnit suite and the file that defines it."""
    name: str
    file: str
    cases: list[Case]


def _c_source(path: Path) -> str:
    """A C file without its comments."""
    return _COMMENTS.sub(' ', path.read_text(errors='replace'))


def filter_matches(filter_glob: str, suite: str, case: Optional[str] = None) -> bool:
    """kunit.filter_glob semantics: "suite_glob" or "suite_glob.case_glob"."""
    if not filter_glob:
        return True
    suite_glob, _, case_glob = filter_glob.partition('.')
    if not fnmatch.fnmatchcase(suite, suite_glob):
        return False
    return case is None or not case_glob or fnmatch.fnmatchcase(case, case_glob)


def kunit_suites(kunit_dir: Path, filter_glob: str = '') -> tuple[list[Suite], list[str]]:
    """The suites the module registers, in kunit_test_suites() order, with
    the cases FILTER keeps; and problems (a registered suite or a case
    table that cannot be found)."""
    problems: list[str] = []
    defined: dict[str, tuple[str, str, str]] = {}   # symbol -> (name, table, file)
    tables: dict[str, list[Case]] = {}
    registered: list[str] = []
    for path in sorted(kunit_dir.glob('*.c')):
        text = _c_source(path)
        for m in _CASE_TABLE.finditer(text):
            tables[m.group(1)] = [Case(c.group(2), 'PARAM' in c.group(1))
                                  for c in _CASE.finditer(m.group(2))]
        for m in _SUITE.finditer(text):
            name = re.search(r'\.name\s*=\s*"([^"]+)"', m.group(2))
            table = re.search(r'\.test_cases\s*=\s*(\w+)', m.group(2))
            if not name or not table:
                problems.append(f'manifest: the kunit_suite {m.group(1)} in '
                                f'{path.relative_to(kunit_dir.parent)} has no .name '
                                'or .test_cases')
                continue
            defined[m.group(1)] = (name.group(1), table.group(1),
                                   str(path.relative_to(kunit_dir.parent)))
        for m in _SUITE_LIST.finditer(text):
            registered += re.findall(r'&\s*(\w+)', m.group(1))
    if not registered:
        problems.append(f'manifest: no kunit_test_suites() list in {kunit_dir}')
    suites = []
    for symbol in registered:
        if symbol not in defined:
            problems.append(f'manifest: kunit_test_suites() names {symbol}, which no '
                            f'file in {kunit_dir.name}/ defines')
            continue
        name, table, file = defined[symbol]
        if table not in tables:
            problems.append(f'manifest: suite {name} uses the case table {table}, '
                            f'which {file} does not define')
            continue
        if not filter_matches(filter_glob, name):
            continue
        cases = [c for c in tables[table] if filter_matches(filter_glob, name, c.name)]
        if cases:
            suites.append(Suite(name, file, cases))
    return suites, problems


# --- kselftests: programs from the Makefiles, tests from -l ---------------

@dataclasses.dataclass
class Program:
    """One kselftest program of a tier and the tests it must report."""
    tier: str
    collection: str
    file: str                        # as kselftest-list.txt names it
    name: str                        # as the plan and the results name it
    tests: list[str]
    tests_from: str                  # where the names came from


def makefile_programs(makefile: Path) -> list[str]:
    """TEST_GEN_PROGS then TEST_PROGS of a collection Makefile."""
    text = makefile.read_text(errors='replace').replace('\\\n', ' ')
    found: dict[str, list[str]] = {'TEST_GEN_PROGS': [], 'TEST_PROGS': []}
    for m in re.finditer(r'^\s*(TEST_GEN_PROGS|TEST_PROGS)\s*(\+=|:=|\?=|=)\s*(.*)$',
                         text, re.M):
        words = m.group(3).split('#')[0].split()
        if m.group(2) == '+=':
            found[m.group(1)] += words
        else:
            found[m.group(1)] = words
    return found['TEST_GEN_PROGS'] + found['TEST_PROGS']


def plan_name(tier: str, file: str) -> str:
    """The name the plan gives a program: the stress script runs as its stem."""
    return Path(file).stem if tier == 'stress' else file


def harness_list(text: str) -> list[str]:
    """Test names from `-l`: the kselftest harness's FIXTURE/VARIANT/TEST
    table (fixture.variant.test for every variant and test, as the harness
    names them when it runs), or one name per line."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith('# FIXTURE'):
        return [ln.strip() for ln in lines if ln.strip() and not ln.startswith('#')]
    names: list[str] = []
    blocks: list[list[str]] = [[]]
    for line in lines[1:]:
        if re.fullmatch(r'-{20,}', line.strip()):
            blocks.append([])
        else:
            blocks[-1].append(line)
    for block in blocks:
        fixture, variants, tests = '', [], []
        for line in block:
            # "%-20s %-25s %s": a field wider than its width pushes the
            # next one right by as much.
            pos = 21
            if line[:1] not in ('', ' '):
                fixture = line.split()[0]
                pos = max(20, len(fixture)) + 1
            rest = line[pos:]
            if rest[:1] not in ('', ' '):
                variant = rest.split()[0]
                variants.append(variant)
                test = rest[max(25, len(variant)) + 1:].strip()
            else:
                test = rest[26:].strip()
            if test:
                tests.append(test)
        for variant in variants or ['']:
            names += [f'{fixture}.{variant}.{t}' if variant else f'{fixture}.{t}'
                      for t in tests]
    return names


def _script_tests(script: Path) -> list[str]:
    """The stress script's tests from its KINDS and EXTRA variables (the
    plan runs it without -s, so both)."""
    text = script.read_text(errors='replace')
    names: list[str] = []
    for var in ('KINDS', 'EXTRA'):
        m = re.search(rf'^{var}="([^"]*)"', text, re.M)
        if m:
            names += m.group(1).split()
    return names


def answers_l(source: Path) -> bool:
    """Whether a program's source handles -l (the kselftest harness does,
    a script must have a -l case): a program that does not might run its
    tests on the host instead of listing them."""
    try:
        text = source.read_text(errors='replace')
    except OSError:
        return False
    if source.suffix == '.c':
        return 'kselftest_harness.h' in text
    return re.search(r'^\s*-l\)', text, re.M) is not None or \
        re.search(r'getopts\s+["\']?[^"\'\s]*l', text) is not None


def program_tests(path: Path, tier: str,
                  source: Optional[Path] = None) -> tuple[list[str], str, Optional[str]]:
    """(test names, where they came from, problem) of one installed program
    built from @source (the script itself when None)."""
    source = source or path
    if not answers_l(source):
        if tier == 'stress' and path.suffix == '.sh' and _script_tests(path):
            return _script_tests(path), 'KINDS and EXTRA', None
        return [], 'none', (f'manifest: {source.name} does not answer -l (no '
                            'kselftest harness, no -l option), so its tests are unknown')
    try:
        proc = subprocess.run([str(path), '-l'], capture_output=True, text=True,
                              timeout=30, stdin=subprocess.DEVNULL, cwd=path.parent,
                              check=False)
        listed = harness_list(proc.stdout + proc.stderr) \
            if proc.returncode in (ktap.KSFT_PASS, ktap.KSFT_SKIP) else []
    except (OSError, subprocess.TimeoutExpired) as e:
        listed, proc = [], None
        why = str(e)
    if listed:
        return listed, '-l', None
    if tier == 'stress' and path.suffix == '.sh':
        names = _script_tests(path)
        if names:
            return names, 'KINDS and EXTRA', None
    why = f'exit status {proc.returncode}' if proc is not None else why
    return [], '-l', f'manifest: {path.name} -l listed no test ({why})'


def kselftest_programs(tier_collections: dict[str, list[str]], repo: Path,
                       ksft: Path) -> tuple[list[Program], list[str]]:
    """Every program the collections of the selected tiers build, with its
    tests; and problems (a program missing from kselftest-list.txt or not
    installed, a listed program no Makefile builds)."""
    problems = []
    list_file = ksft / 'kselftest-list.txt'
    listed = set(list_file.read_text().split()) if list_file.exists() else set()
    programs = []
    for tier, collections in tier_collections.items():
        for collection in collections:
            built = makefile_programs(repo / 'kselftest' / collection / 'Makefile')
            if not built:
                problems.append(f'manifest: kselftest/{collection}/Makefile builds no '
                                'program (no TEST_GEN_PROGS or TEST_PROGS)')
            for file in built:
                if f'{collection}:{file}' not in listed:
                    problems.append(f'manifest: {collection}:{file} is built by '
                                    f'kselftest/{collection}/Makefile but missing from '
                                    'kselftest-list.txt, so it would never run')
                path = ksft / collection / file
                if not path.is_file():
                    problems.append(f'manifest: {collection}/{file} is not installed '
                                    f'in {ksft}')
                    tests, source = [], 'not installed'
                else:
                    src = repo / 'kselftest' / collection / file
                    if not src.exists():
                        src = src.with_suffix('.c')
                    tests, source, problem = program_tests(path, tier, src)
                    if problem:
                        problems.append(problem)
                programs.append(Program(tier, collection, file, plan_name(tier, file),
                                        tests, source))
            for entry in sorted(listed):
                coll, _, file = entry.partition(':')
                if coll == collection and file not in built:
                    problems.append(f'manifest: kselftest-list.txt lists {entry}, which '
                                    f'kselftest/{collection}/Makefile does not build')
    return programs, problems


# --- the manifest ----------------------------------------------------------

@dataclasses.dataclass
class Manifest:
    """What must run: KUnit suites, kselftest programs and their tests."""
    filter: str
    suites: list[Suite]
    programs: list[Program]
    problems: list[str]

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> 'Manifest':
        return cls(doc['filter'],
                   [Suite(s['name'], s['file'], [Case(**c) for c in s['cases']])
                    for s in doc['suites']],
                   [Program(**p) for p in doc['programs']], doc['problems'])

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + '\n')


def build(repo: Path, tiers: list[str], tier_collections: dict[str, list[str]],
          ksft: Optional[Path], filter_glob: str) -> Manifest:
    """The manifest of the selected tiers, from the sources and the
    installed kselftests in @ksft."""
    suites, problems = kunit_suites(repo / 'kunit', filter_glob) \
        if 'kunit' in tiers else ([], [])
    if 'kunit' in tiers and filter_glob and not suites:
        raise UsageError(f'FILTER={filter_glob} matches no KUnit suite or case of kunit/ '
                         f'(suites: {", ".join(s.name for s in kunit_suites(repo / "kunit")[0])})')
    wanted = {t: tier_collections.get(t, []) for t in tiers if tier_collections.get(t)}
    programs: list[Program] = []
    if wanted and ksft is not None:
        programs, more = kselftest_programs(wanted, repo, ksft)
        problems += more
    return Manifest(filter_glob, suites, programs, problems)


# --- expected skips --------------------------------------------------------

@dataclasses.dataclass
class SkipRule:
    """One line of tests/expected-skips.txt."""
    tier: str
    boot: Optional[str]              # None: every boot
    glob: str
    kernel: Optional[tuple[str, tuple[int, int]]]   # ('<' or '>=', version)
    why: str
    line: int
    config: Optional[str] = None     # None: every CONFIG (base, debug)
    arch: Optional[str] = None       # None: every ARCH (um, x86_64)


def parse_skip_rules(text: str) -> list[SkipRule]:
    """Parse expected-skips.txt; a malformed line raises ValueError."""
    rules = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        fields = line.split(None, 2)
        if len(fields) < 3:
            raise ValueError(f'expected-skips line {n}: expected "<tier>[@<boot>] '
                             f'<test glob> [kernel<X.Y|kernel>=X.Y] [config=NAME] [arch=ARCH] <why>": '
                             f'{raw}')
        scope, glob, rest = fields
        tier, _, boot = scope.partition('@')
        kernel, config, arch = None, None, None
        # The conditions, in any order, before the reason.
        while True:
            m = re.match(r'kernel(<|>=)(\d+)\.(\d+)(?:\s+(.*))?$', rest)
            if m and kernel is None:
                kernel = (m.group(1), (int(m.group(2)), int(m.group(3))))
                rest = m.group(4) or ''
                continue
            m = re.match(r'(config|arch)=(\w+)(?:\s+(.*))?$', rest)
            if m and (config if m.group(1) == 'config' else arch) is None:
                if m.group(1) == 'config':
                    config = m.group(2)
                else:
                    arch = m.group(2)
                rest = m.group(3) or ''
                continue
            break
        if not rest.strip():
            raise ValueError(f'expected-skips line {n}: no <why> after the conditions: {raw}')
        rules.append(SkipRule(tier, boot or None, glob, kernel, rest.strip(), n, config, arch))
    return rules


def load_skip_rules(path: Path) -> list[SkipRule]:
    """The expected skips of a file, or none if it does not exist."""
    return parse_skip_rules(path.read_text()) if path.exists() else []


def _version(release: str) -> Optional[tuple[int, int]]:
    m = re.match(r'(\d+)\.(\d+)', release)
    return (int(m.group(1)), int(m.group(2))) if m else None


def rule_for(rules: list[SkipRule], tier: str, boot: str, test: str,
             release: str, config: str = 'base', arch: str = 'um') -> Optional[SkipRule]:
    """The first rule that allows @test of @tier to skip in @boot of a
    kernel built with @config for @arch."""
    version = _version(release)
    for rule in rules:
        if rule.tier != tier or (rule.boot is not None and rule.boot != boot):
            continue
        if rule.config is not None and rule.config != config:
            continue
        if rule.arch is not None and rule.arch != arch:
            continue
        if not fnmatch.fnmatchcase(test, rule.glob):
            continue
        if rule.kernel is not None:
            if version is None:
                continue
            op, bound = rule.kernel
            if (op == '<') != (version < bound):
                continue
        return rule
    return None


# --- the run against the manifest -----------------------------------------

_RESULT = re.compile(r'^(\s*)(?:not ok|ok) \d+ (\S+)(.*)$')
_SUBTEST = re.compile(r'^(\s*)# Subtest: (\S+)')
_SKIP = re.compile(r'#\s*SKIP\b(.*)$', re.I)


def skip_reasons(lines: Iterable[str], prefix: str = '') -> dict[str, str]:
    """The reason ('' when none) of every skipped result in TAP/KTAP lines,
    by dotted path (nesting from "# Subtest:" lines)."""
    stack: list[tuple[int, str]] = []
    reasons = {}
    for line in lines:
        m = _SUBTEST.match(line)
        if m:
            stack.append((len(m.group(1)) - 4, m.group(2)))
            continue
        m = _RESULT.match(line)
        if not m:
            continue
        level = len(m.group(1))
        path = [prefix] if prefix else []
        path += [name for lvl, name in stack if lvl < level] + [m.group(2)]
        stack = [(lvl, name) for lvl, name in stack if lvl < level]
        skip = _SKIP.search(m.group(3))
        if skip:
            reasons['.'.join(path)] = skip.group(1).strip()
    return reasons


def _names(items: list[str]) -> str:
    shown = ', '.join(items[:SHOW])
    return shown + (f' and {len(items) - SHOW} more' if len(items) > SHOW else '')


def _compare(label: str, what: str, expected: list[str], seen: list[str]) -> list[str]:
    """Problems of one suite or program: missing, unknown, repeated names."""
    problems = []
    counts: dict[str, int] = {}
    for name in seen:
        counts[name] = counts.get(name, 0) + 1
    missing = [n for n in expected if n not in counts]
    unknown = [n for n in counts if n not in expected]
    repeated = [f'{n} ({c} times)' for n, c in counts.items() if c > 1]
    if missing:
        problems.append(f'{label}: {what} missing from the results ({len(missing)} of '
                        f'{len(expected)} in the manifest): {_names(missing)}')
    if unknown:
        problems.append(f'{label}: ran but not in the manifest: {_names(unknown)}')
    if repeated:
        problems.append(f'{label}: reported more than once: {_names(repeated)}')
    if len(seen) != len(expected) and not missing and not unknown:
        problems.append(f'{label}: {len(seen)} results, the manifest has {len(expected)}')
    return problems


def _check_kunit(mf: Manifest, label: str, leaves: list) -> list[str]:
    problems = []
    by_suite: dict[str, list] = {}
    # kunit.py names no test of a document cut short: the problem that
    # it was cut short is the one to read.
    for leaf in leaves:
        if leaf.path[0]:
            by_suite.setdefault(leaf.path[0], []).append(leaf)
    known = {s.name for s in mf.suites}
    if mf.suites and not known & set(by_suite):
        # The module did not run or printed no KTAP: the other problems
        # of the run say why; one line here says what is missing.
        return [f'{label}: none of the {len(mf.suites)} suites of the manifest '
                f'({sum(len(s.cases) for s in mf.suites)} cases) reported a result']
    for suite in mf.suites:
        got = by_suite.get(suite.name, [])
        if not got:
            problems.append(f'{label}: suite {suite.name} ({suite.file}, '
                            f'{len(suite.cases)} cases) reported no result')
            continue
        seen_cases: list[str] = []
        for leaf in got:
            case = leaf.path[1] if len(leaf.path) > 1 else ''
            param = next((c.param for c in suite.cases if c.name == case), None)
            if param and len(leaf.path) == 2:
                problems.append(f'{label}: {suite.name}.{case} is a parameterised case '
                                'and reported no parameter')
            if not param or len(leaf.path) == 2 or case not in seen_cases:
                seen_cases.append(case)
        problems += _compare(f'{label} suite {suite.name}', 'cases',
                             [c.name for c in suite.cases], seen_cases)
    unknown = [s for s in by_suite if s not in known]
    if unknown:
        problems.append(f'{label}: suites ran but are not in the manifest'
                        + (f' (FILTER={mf.filter})' if mf.filter else '')
                        + f': {_names(unknown)}')
    return problems


def _check_programs(mf: Manifest, tier: str, label: str, leaves: list,
                    out: Path) -> list[str]:
    problems = []
    by_prog: dict[str, list] = {}
    for leaf in leaves:
        by_prog.setdefault(leaf.path[0], []).append(leaf)
    programs = [p for p in mf.programs if p.tier == tier]
    for prog in programs:
        got = by_prog.get(prog.name, [])
        tests = ['.'.join(lf.path[1:]) for lf in got if len(lf.path) > 1]
        if not got:
            problems.append(f'{label}: program {prog.collection}/{prog.file} did not run '
                            f'({len(prog.tests)} tests in the manifest)')
        elif not tests and not (out / tier / f'{prog.name}.log').exists():
            continue             # it never started: the run's problems say so
        elif not tests:
            problems.append(f'{label}: program {prog.name} reported no test result '
                            f'({len(prog.tests)} tests in the manifest, from '
                            f'{prog.tests_from})')
        else:
            problems += _compare(f'{label} program {prog.name}', 'tests', prog.tests, tests)
    unknown = [p for p in by_prog if p not in {q.name for q in programs}]
    if unknown:
        problems.append(f'{label}: programs ran but are not in the manifest: '
                        f'{_names(unknown)}')
    return problems


def run_skip_reasons(out: Path, tier: str, programs: list[str]) -> dict[str, str]:
    """Skip reasons of a tier's results in a boot's folder, by dotted path."""
    if tier == 'kunit':
        ktap_file = out / 'kunit.ktap'
        return skip_reasons(ktap_file.read_text(errors='replace').splitlines()) \
            if ktap_file.exists() else {}
    reasons: dict[str, str] = {}
    for name in programs:
        log = out / tier / f'{name}.log'
        if log.exists():
            reasons.update(skip_reasons(log.read_text(errors='replace').splitlines(), name))
    return reasons


@dataclasses.dataclass
class Expected:
    """What a boot's results are judged against."""
    manifest: Manifest
    rules: list[SkipRule]
    boot: str = DEFAULT_BOOT
    arch: str = 'um'                 # the target's ARCH: skip rules name it
    primary: bool = True             # the manifest's own problems are said once
    config: str = 'base'

    def check(self, tiers: list, out: Path) -> list[str]:
        """Problems of a boot's tier results (report.Tier) in @out; records
        the reason of every skip in tier.skip_reasons."""
        return check(self, tiers, out)


def check(exp: Expected, tiers: list, out: Path) -> list[str]:
    """Compare a boot's results with the manifest and the expected skips."""
    mf = exp.manifest
    problems = list(mf.problems) if exp.boot == DEFAULT_BOOT and exp.primary else []
    release_file = out / 'kernel-release'
    release = release_file.read_text().strip() if release_file.exists() else ''
    for tier in tiers:
        label = tier_label(tier.name, exp.boot)
        if tier.name == 'kunit':
            problems += _check_kunit(mf, label, tier.leaves)
        else:
            problems += _check_programs(mf, tier.name, label, tier.leaves, out)
        skipped = [lf for lf in tier.leaves if lf.status == 'SKIP']
        if not skipped:
            continue
        reasons = run_skip_reasons(out, tier.name, sorted({lf.path[0] for lf in skipped}))
        # The programs' own logs name their skips by program.test: let
        # summary.md show those reasons too.
        tier.skip_reasons.update({k: v for k, v in reasons.items() if v})
        empty, unexpected = [], []
        for leaf in skipped:
            reason = reasons.get(leaf.dotted, '')
            if not reason:
                empty.append(leaf.dotted)
            if rule_for(exp.rules, tier.name, exp.boot, leaf.dotted, release,
                        exp.config, exp.arch) is None:
                unexpected.append(f'{leaf.dotted} ({reason or "no reason"})')
        if empty:
            problems.append(f'{label}: skipped with an empty reason: {_names(empty)}')
        if unexpected:
            problems.append(f'{label}: skipped without an expected-skip entry in '
                            f'tests/expected-skips.txt (boot {exp.boot}): '
                            f'{_names(unexpected)}')
    return problems
