# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the manifest (scripts/allocsuite/manifest.py) on
synthetic sources and run folders: what must run is read from the build,
and a run that lacks a program, a test or a case, reports one twice or
one the manifest does not know, or skips without an entry or a reason,
fails. Also: the stable build folder name, the expected-skips file, the
boot table, and make soak's bookkeeping."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'scripts' / 'allocsuite'))
sys.path.insert(0, str(REPO / 'tests'))

import kernel  # noqa: E402
import manifest  # noqa: E402
import report  # noqa: E402
import soak  # noqa: E402

SUITES_C = '''\
// SPDX-License-Identifier: GPL-2.0
#include <kunit/test.h>
/* struct kunit_suite fake = { .name = "commented_out" }; */
kunit_test_suites(&one_suite, &two_suite);
'''
ONE_C = '''\
static struct kunit_case one_cases[] = {
	KUNIT_CASE_PARAM(p_test_rows, rows_gen_params),
	/* KUNIT_CASE(commented_test), */
	KUNIT_CASE(plain_test),
	KUNIT_CASE_SLOW(slow_test),
	{}
};

struct kunit_suite one_suite = {
	.name = "alloc_one",
	.test_cases = one_cases,
};

static struct kunit_case two_cases[] = {
	KUNIT_CASE(two_test),
	{}
};

struct kunit_suite two_suite = {
	.name = "alloc_two",
	.test_cases = two_cases,
};
'''
# What the kselftest harness prints for -l (kselftest_harness.h).
HARNESS_LIST = '''\
# FIXTURE            VARIANT                   TEST
global                                         plain
--------------------------------------------------------------------------------
fx                   v1                        t1
                     v2                        t2
--------------------------------------------------------------------------------
a_fixture_name_over_twenty a_variant_name_longer_than_25 only
'''


def leaf(tier, dotted, status='PASS'):
    return report.Leaf(tier, dotted.split('.'), status)


class Scratch(unittest.TestCase):
    """A scratch checkout: kunit/ sources and kselftest collections."""

    def setUp(self):
        self.dir = Path(tempfile.mkdtemp(prefix='allocsuite-manifest-'))
        self.addCleanup(shutil.rmtree, self.dir)
        (self.dir / 'kunit').mkdir()
        (self.dir / 'kunit' / 'suites.c').write_text(SUITES_C)
        (self.dir / 'kunit' / 'one_kunit.c').write_text(ONE_C)
        for coll, make in (('uaccess', 'TEST_GEN_PROGS := prog_a \\\n\tprog_b\n'),
                           ('alloc_torture', 'TEST_PROGS := torture.sh\n')):
            (self.dir / 'kselftest' / coll).mkdir(parents=True)
            (self.dir / 'kselftest' / coll / 'Makefile').write_text(
                make + 'include ../ksft.mk\n')
        for prog in ('prog_a', 'prog_b'):
            (self.dir / 'kselftest' / 'uaccess' / f'{prog}.c').write_text(
                '#include "kselftest_harness.h"\nTEST_HARNESS_MAIN\n')
        (self.dir / 'kselftest' / 'alloc_torture' / 'torture.sh').write_text(
            'KINDS="tasklet timer"\nEXTRA="cleanup"\n')
        self.ksft = self.dir / 'install'
        self.install('uaccess', 'prog_a', '#!/bin/sh\necho "# FIXTURE  VARIANT  TEST" >&2\n'
                     'echo "t  x" >&2\nexit 4\n')
        self.install('uaccess', 'prog_b', '#!/bin/sh\nprintf "b1\\nb2\\n"\n')
        self.install('alloc_torture', 'torture.sh', '#!/bin/sh\nexit 1\n'
                     'KINDS="tasklet timer"\nEXTRA="cleanup"\n')
        self.listing(['uaccess:prog_a', 'uaccess:prog_b', 'alloc_torture:torture.sh'])

    def install(self, coll, name, text):
        path = self.ksft / coll / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)

    def listing(self, entries):
        (self.ksft / 'kselftest-list.txt').write_text(''.join(e + '\n' for e in entries))

    def build(self, tiers=('kunit', 'stress', 'kselftest'), filter_glob=''):
        return manifest.build(self.dir, list(tiers),
                              {'stress': ['alloc_torture'], 'kselftest': ['uaccess']},
                              self.ksft, filter_glob)


class BuildTest(Scratch):
    def test_kunit_suites_and_cases_from_the_sources(self):
        mf = self.build(['kunit'])
        self.assertEqual([], mf.problems)
        self.assertEqual(['alloc_one', 'alloc_two'], [s.name for s in mf.suites])
        self.assertEqual([('p_test_rows', True), ('plain_test', False), ('slow_test', False)],
                         [(c.name, c.param) for c in mf.suites[0].cases])

    def test_filter_is_honoured(self):
        mf = self.build(['kunit'], 'alloc_one.p_*')
        self.assertEqual([('alloc_one', ['p_test_rows'])],
                         [(s.name, [c.name for c in s.cases]) for s in mf.suites])
        self.assertEqual(['alloc_two'], [s.name for s in self.build(['kunit'], '*two').suites])
        with self.assertRaisesRegex(manifest.UsageError, r'FILTER=alloc_x matches no KUnit '
                                    r'suite or case of kunit/ \(suites: alloc_one, alloc_two\)'):
            self.build(['kunit'], 'alloc_x')

    def test_a_registered_suite_nobody_defines(self):
        (self.dir / 'kunit' / 'suites.c').write_text(
            SUITES_C.replace('&two_suite', '&two_suite, &gone_suite'))
        self.assertIn('names gone_suite', ' '.join(self.build(['kunit']).problems))

    def test_program_tests_from_l_and_from_the_script(self):
        mf = self.build(['stress', 'kselftest'])
        got = {p.name: (p.tests, p.tests_from) for p in mf.programs}
        # prog_a's -l table lists no test (a manifest problem); prog_b lists one a line.
        self.assertEqual((['b1', 'b2'], '-l'), got['prog_b'])
        self.assertEqual((['tasklet', 'timer', 'cleanup'], 'KINDS and EXTRA'), got['torture'])

    def test_a_program_without_l_is_not_run_on_the_host(self):
        (self.dir / 'kselftest' / 'uaccess' / 'prog_b.c').write_text('int main(void) {}\n')
        self.install('uaccess', 'prog_b', '#!/bin/sh\ntouch "$0.ran"\n')
        mf = self.build(['kselftest'])
        self.assertIn('manifest: prog_b.c does not answer -l (no kselftest harness, no -l '
                      'option), so its tests are unknown', mf.problems)
        self.assertFalse((self.ksft / 'uaccess' / 'prog_b.ran').exists())

    def test_a_script_that_answers_l_is_preferred(self):
        script = '#!/bin/sh\nKINDS="a"\ncase "$1" in\n-l) echo x; echo y; exit 0 ;;\nesac\n'
        (self.dir / 'kselftest' / 'alloc_torture' / 'torture.sh').write_text(script)
        self.install('alloc_torture', 'torture.sh', script)
        got = {p.name: (p.tests, p.tests_from) for p in self.build(['stress']).programs}
        self.assertEqual((['x', 'y'], '-l'), got['torture'])

    def test_harness_list_format(self):
        self.assertEqual(['global.plain', 'fx.v1.t1', 'fx.v1.t2', 'fx.v2.t1', 'fx.v2.t2',
                          'a_fixture_name_over_twenty.a_variant_name_longer_than_25.only'],
                         manifest.harness_list(HARNESS_LIST))

    def test_program_missing_from_the_list(self):
        self.listing(['uaccess:prog_a', 'alloc_torture:torture.sh'])
        problems = self.build(['kselftest']).problems
        self.assertIn('manifest: uaccess:prog_b is built by kselftest/uaccess/Makefile but '
                      'missing from kselftest-list.txt, so it would never run', problems)

    def test_program_not_installed_and_listed_but_not_built(self):
        (self.ksft / 'uaccess' / 'prog_b').unlink()
        self.listing(['uaccess:prog_a', 'uaccess:prog_b', 'uaccess:stale',
                      'alloc_torture:torture.sh'])
        problems = ' | '.join(self.build(['kselftest']).problems)
        self.assertIn('uaccess/prog_b is not installed', problems)
        self.assertIn('kselftest-list.txt lists uaccess:stale, which '
                      'kselftest/uaccess/Makefile does not build', problems)

    def test_json_round_trip(self):
        mf = self.build()
        mf.write(self.dir / 'manifest.json')
        import json
        again = manifest.Manifest.from_json(json.loads((self.dir / 'manifest.json').read_text()))
        self.assertEqual(mf, again)


class CheckTest(Scratch):
    """A boot's results (report.Tier) against the manifest."""

    def setUp(self):
        super().setUp()
        self.out = self.dir / 'run'
        (self.out / 'kselftest').mkdir(parents=True)
        (self.out / 'kernel-release').write_text('6.12.117\n')
        self.mf = self.build()

    def good(self):
        kunit = report.Tier('kunit', leaves=[
            leaf('kunit', 'alloc_one.p_test_rows.1'), leaf('kunit', 'alloc_one.p_test_rows.2'),
            leaf('kunit', 'alloc_one.plain_test'), leaf('kunit', 'alloc_one.slow_test'),
            leaf('kunit', 'alloc_two.two_test')])
        ksft = report.Tier('kselftest', leaves=[
            leaf('kselftest', 'prog_b.b1'), leaf('kselftest', 'prog_b.b2')])
        stress = report.Tier('stress', leaves=[
            leaf('stress', f'torture.{t}') for t in ('tasklet', 'timer', 'cleanup')])
        return kunit, ksft, stress

    def check(self, tiers, rules='', boot='default'):
        # prog_a's -l said nothing usable: the manifest problem is expected
        # in every check; leave it out of what the tests compare.
        exp = manifest.Expected(self.mf, manifest.parse_skip_rules(rules), boot)
        return [p for p in exp.check(list(tiers), self.out) if 'prog_a' not in p]

    def test_a_complete_run_passes(self):
        self.assertEqual([], self.check(self.good()))

    def test_a_missing_test(self):
        kunit, ksft, stress = self.good()
        ksft.leaves.pop()
        self.assertEqual(['kselftest program prog_b: tests missing from the results '
                          '(1 of 2 in the manifest): b2'], self.check([kunit, ksft, stress]))

    def test_a_missing_case_and_an_unknown_suite(self):
        kunit, ksft, stress = self.good()
        kunit.leaves = [lf for lf in kunit.leaves if lf.path[1] != 'slow_test']
        kunit.leaves.append(leaf('kunit', 'alloc_new.x'))
        problems = self.check([kunit])
        self.assertIn('kunit suite alloc_one: cases missing from the results (1 of 3 in the '
                      'manifest): slow_test', problems)
        self.assertIn('kunit: suites ran but are not in the manifest: alloc_new', problems)

    def test_a_program_that_did_not_run_or_printed_no_tap(self):
        kunit, ksft, stress = self.good()
        ksft.leaves = []
        self.assertIn('kselftest: program uaccess/prog_b did not run (2 tests in the '
                      'manifest)', self.check([ksft]))
        ksft.leaves = [leaf('kselftest', 'prog_b', 'FAIL')]
        # Never started (no log): "never ran" is the run's own problem.
        self.assertEqual([], self.check([ksft]))
        self.write_log(['exited before any TAP'])
        self.assertIn('kselftest: program prog_b reported no test result (2 tests in the '
                      'manifest, from -l)', self.check([ksft]))

    def test_a_test_not_in_the_manifest(self):
        kunit, ksft, stress = self.good()
        stress.leaves.append(leaf('stress', 'torture.extra'))
        self.assertEqual(['stress program torture: ran but not in the manifest: extra'],
                         self.check([stress]))

    def test_count_mismatch(self):
        kunit, ksft, stress = self.good()
        kunit.leaves.append(leaf('kunit', 'alloc_two.two_test'))
        self.assertEqual(['kunit suite alloc_two: reported more than once: two_test (2 times)',
                          'kunit suite alloc_two: 2 results, the manifest has 1'],
                         self.check([kunit]))

    def test_a_parameterised_case_without_a_parameter(self):
        kunit, ksft, stress = self.good()
        kunit.leaves = [lf for lf in kunit.leaves if lf.path[1] != 'p_test_rows']
        kunit.leaves.append(leaf('kunit', 'alloc_one.p_test_rows', 'SKIP'))
        problems = self.check([kunit], 'kunit alloc_one.* test')
        self.assertIn('kunit: alloc_one.p_test_rows is a parameterised case and reported '
                      'no parameter', problems)

    def test_nothing_of_the_module_ran(self):
        self.assertEqual(['kunit: none of the 2 suites of the manifest (4 cases) reported a '
                          'result'], self.check([report.Tier('kunit', leaves=[
                              leaf('kunit', 'alloc_kunit', 'FAIL')])]))

    def write_log(self, lines):
        (self.out / 'kselftest' / 'prog_b.log').write_text('\n'.join(lines) + '\n')

    def test_an_unexpected_skip(self):
        kunit, ksft, stress = self.good()
        ksft.leaves[1].status = 'SKIP'
        self.write_log(['TAP version 13', '1..2', 'ok 1 b1', 'ok 2 b2 # SKIP no ZONE_DMA'])
        self.assertEqual(['kselftest: skipped without an expected-skip entry in '
                          'tests/expected-skips.txt (boot default): prog_b.b2 (no ZONE_DMA)'],
                         self.check([ksft]))
        self.assertEqual([], self.check([ksft], 'kselftest prog_b.b2 UML has no ZONE_DMA'))
        # An entry for another tier or another boot does not count.
        self.assertEqual(1, len(self.check([ksft], 'kunit prog_b.b2 x\n'
                                           'kselftest@other prog_b.b2 x')))

    def test_an_empty_skip_reason(self):
        kunit, ksft, stress = self.good()
        ksft.leaves[1].status = 'SKIP'
        self.write_log(['TAP version 13', '1..2', 'ok 1 b1', 'ok 2 b2 # SKIP'])
        self.assertEqual(['kselftest: skipped with an empty reason: prog_b.b2'],
                         self.check([ksft], 'kselftest prog_b.* listed'))

    def test_kunit_skip_reasons_and_boot_rules(self):
        kunit, ksft, stress = self.good()
        kunit.leaves[2].status = 'SKIP'
        (self.out / 'kunit.ktap').write_text('\n'.join([
            'KTAP version 1', '1..2', '    # Subtest: alloc_one', '    1..3',
            '        # Subtest: p_test_rows', '        ok 1 1', '        ok 2 2',
            '    ok 1 p_test_rows', '    ok 2 plain_test # SKIP off on this boot',
            '    ok 3 slow_test', 'ok 1 alloc_one']) + '\n')
        rules = 'kunit@default alloc_one.plain_test off on the default boot'
        self.assertEqual([], self.check([kunit], rules))
        problems = self.check([kunit], rules, boot='init_on_alloc')
        self.assertEqual(['kunit@init_on_alloc: skipped without an expected-skip entry in '
                          'tests/expected-skips.txt (boot init_on_alloc): alloc_one.plain_test '
                          '(off on this boot)'], problems)

    def test_kernel_version_qualifier(self):
        rules = manifest.parse_skip_rules('stress t.bh_work kernel<6.9 no WQ_BH before 6.9')
        self.assertEqual('no WQ_BH before 6.9', rules[0].why)
        self.assertIsNotNone(manifest.rule_for(rules, 'stress', 'default', 't.bh_work', '6.1.1'))
        self.assertIsNone(manifest.rule_for(rules, 'stress', 'default', 't.bh_work', '6.12.117'))

    def test_a_malformed_entry(self):
        with self.assertRaises(ValueError):
            manifest.parse_skip_rules('kunit onlytwo')


class ExpectedSkipsFileTest(unittest.TestCase):
    def test_the_file_parses(self):
        rules = manifest.load_skip_rules(REPO / 'tests' / 'expected-skips.txt')
        self.assertTrue(rules)
        self.assertTrue(all(r.why for r in rules))
        tiers = {t for _, ts, _ in manifest.BOOTS for t in ts}
        self.assertTrue(all(r.tier in tiers for r in rules))
        boots = {b for b, _, _ in manifest.BOOTS}
        self.assertTrue(all(r.boot is None or r.boot in boots for r in rules))

    def test_init_on_alloc_must_run_in_its_boot(self):
        rules = manifest.load_skip_rules(REPO / 'tests' / 'expected-skips.txt')
        case = 'alloc_kmalloc.kmalloc_test_init_on_alloc'
        self.assertIsNotNone(manifest.rule_for(rules, 'kunit', 'default', case, '6.12.117'))
        self.assertIsNone(manifest.rule_for(rules, 'kunit', 'init_on_alloc', case, '6.12.117'))

    def test_the_uaccess_u8_straddle_skips_are_not_excused(self):
        rules = manifest.load_skip_rules(REPO / 'tests' / 'expected-skips.txt')
        self.assertIsNone(manifest.rule_for(rules, 'kselftest', 'default',
                                            'uaccess_scalar_test.scalar.u8.get_user_straddle',
                                            '6.12.117'))


    def test_each_mode_suite_must_run_in_its_boot_only(self):
        rules = manifest.load_skip_rules(REPO / 'tests' / 'expected-skips.txt')
        for suite, boot in (('alloc_init_on_free', 'init_on_free'),
                            ('alloc_slub_debug', 'slub_debug')):
            case = f'{suite}.some_test.some_row'
            self.assertIsNone(manifest.rule_for(rules, 'kunit', boot, case, '6.12.117'),
                              f'{suite} may skip in boot {boot}')
            for other in ('default', 'init_on_alloc', 'init_on_free', 'slub_debug'):
                if other != boot:
                    self.assertIsNotNone(
                        manifest.rule_for(rules, 'kunit', other, case, '6.12.117'),
                        f'{suite} may not skip in boot {other}')

    def test_config_qualifier(self):
        rules = manifest.parse_skip_rules('kunit@b s.c.* config=debug KASAN here\n'
                                          'kunit s.k kernel<6.9 config=debug old and KASAN\n')
        self.assertEqual('debug', rules[0].config)
        self.assertEqual('KASAN here', rules[0].why)
        self.assertIsNotNone(manifest.rule_for(rules, 'kunit', 'b', 's.c.x', '6.12.1', 'debug'))
        self.assertIsNone(manifest.rule_for(rules, 'kunit', 'b', 's.c.x', '6.12.1', 'base'))
        self.assertIsNone(manifest.rule_for(rules, 'kunit', 'b', 's.c.x', '6.12.1'))
        self.assertEqual(('<', (6, 9)), rules[1].kernel)
        self.assertIsNotNone(manifest.rule_for(rules, 'kunit', 'b', 's.k', '6.1.1', 'debug'))
        self.assertIsNone(manifest.rule_for(rules, 'kunit', 'b', 's.k', '6.12.1', 'debug'))
        with self.assertRaises(ValueError):
            manifest.parse_skip_rules('kunit s.c config=debug')

    def test_no_skip_entry_for_a_boot_its_config_leaves_out(self):
        # CONFIG=debug does not boot init_on_free or slub_debug at all
        # (manifest.LEFT_OUT): an entry for them there would never apply.
        text = (REPO / 'tests' / 'expected-skips.txt').read_text()
        for boot, config in manifest.LEFT_OUT:
            for line in text.splitlines():
                fields = line.split()
                self.assertFalse(fields and fields[0] == f'kunit@{boot}'
                                 and f'config={config}' in fields, line)

    def test_krealloc_red_zone_skip_only_below_the_class_in_slub_debug(self):
        rules = manifest.load_skip_rules(REPO / 'tests' / 'expected-skips.txt')
        case = 'alloc_kmalloc.krealloc_test_gfp_zero_grows_zeroed.'
        for row in ('100->120', '100->5000', '1->max'):
            self.assertIsNotNone(manifest.rule_for(rules, 'kunit', 'slub_debug', case + row,
                                                   '6.12.117'))
            self.assertIsNone(manifest.rule_for(rules, 'kunit', 'default', case + row,
                                                '6.12.117'))
        for row in ('8->16', '4096->cache_max+1', 'cache_max+1->64KiB'):
            self.assertIsNone(manifest.rule_for(rules, 'kunit', 'slub_debug', case + row,
                                                '6.12.117'))


class BootsTest(unittest.TestCase):
    def test_second_boot_only_with_kunit(self):
        self.assertEqual([('default', ['stress'], [])], manifest.boots_for(['stress']))
        self.assertEqual([('default', ['kunit', 'kselftest'], []),
                          ('init_on_alloc', ['kunit'], ['init_on_alloc=1']),
                          ('init_on_free', ['kunit'], ['init_on_free=1']),
                          ('slub_debug', ['kunit'], ['slub_debug=FZPU'])],
                         manifest.boots_for(['kunit', 'kselftest']))
        self.assertEqual('kunit@init_on_alloc', manifest.tier_label('kunit', 'init_on_alloc'))
        self.assertEqual('kunit@slub_debug', manifest.tier_label('kunit', 'slub_debug'))
        self.assertEqual('kunit', manifest.tier_label('kunit', 'default'))

    def test_stress_has_a_kernel_of_its_own(self):
        parts = manifest.parts_for(['kunit', 'stress', 'kselftest'])
        self.assertEqual([('default', ['kunit', 'kselftest'], '', True),
                          ('default', ['stress'], 'default-stress', False)],
                         [(p.boot, p.tiers, p.folder, p.primary) for p in parts[:2]])
        self.assertEqual('default (stress)', parts[1].name)
        self.assertTrue(all(p.boot != 'default' and p.tiers == ['kunit'] and p.primary
                            and p.folder == p.boot for p in parts[2:]))
        # Alone, the stress tier is the boot's primary part, in the run folder.
        self.assertEqual([('default', ['stress'], '', True)],
                         [(p.boot, p.tiers, p.folder, p.primary)
                          for p in manifest.parts_for(['stress'])])

    def test_debug_config_leaves_out_the_boots_kasan_breaks(self):
        names = [p.boot for p in manifest.parts_for(['kunit', 'stress'], 'debug')]
        self.assertEqual(['default', 'default', 'init_on_alloc'], names)
        self.assertEqual(['init_on_free', 'slub_debug'],
                         [b for b, _ in manifest.left_out(['kunit'], 'debug')])
        self.assertEqual([], manifest.left_out(['stress'], 'debug'))
        self.assertEqual([], manifest.left_out(['kunit'], 'base'))
        self.assertTrue(all(b in {n for n, _, _ in manifest.BOOTS} and r
                            for (b, _), r in manifest.LEFT_OUT.items()))

    def test_every_boot_but_the_default_runs_only_kunit_with_one_argument(self):
        self.assertEqual(manifest.DEFAULT_BOOT, manifest.BOOTS[0][0])
        for name, tiers, args in manifest.BOOTS[1:]:
            self.assertEqual(('kunit',), tiers, name)
            self.assertEqual(1, len(args), name)
            self.assertTrue(args[0].startswith(name + '='), (name, args))


def _leaf(tier: str, path: str, status: str) -> 'report.Leaf':
    return report.Leaf(tier, path.split('.'), status)


class BootColumnsTest(unittest.TestCase):
    """The kunit tier's results, one column per boot."""

    def tiers(self) -> list:
        default = report.Tier('kunit', leaves=[
            _leaf('kunit', 'b.mode', 'SKIP'),
            _leaf('kunit', 'a.rows.r1', 'PASS'), _leaf('kunit', 'a.rows.r2', 'SKIP'),
            _leaf('kunit', 'a.plain', 'PASS')])
        stress = report.Tier('stress', leaves=[_leaf('stress', 'alloc_torture.timer', 'PASS')])
        second = report.Tier('kunit@init_on_free', leaves=[
            _leaf('kunit@init_on_free', 'a.plain', 'FAIL'),
            _leaf('kunit@init_on_free', 'a.rows.r1', 'PASS'),
            _leaf('kunit@init_on_free', 'a.rows.r2', 'FAIL'),
            _leaf('kunit@init_on_free', 'b.mode', 'PASS'),
            _leaf('kunit@init_on_free', 'c.only_here', 'PASS')])
        return [default, stress, second]

    def test_one_row_per_case_one_column_per_boot(self):
        boots, rows = report.boot_columns(self.tiers())
        self.assertEqual(['default', 'init_on_free'], boots)
        # Suites in run order, cases by name within a suite.
        self.assertEqual([('b.mode', ['skip', 'pass']),
                          ('a.plain', ['pass', 'fail']),
                          ('a.rows', ['1 pass, 1 skip', '1 fail, 1 pass']),
                          ('c.only_here', ['-', 'pass'])], rows)

    def test_rows_per_suite_on_the_terminal(self):
        self.assertEqual(['kunit default        init_on_free',
                          'b     skip           pass',
                          'a     2 pass, 1 skip 2 fail, 1 pass',
                          'c     -              pass'], report.boot_table(self.tiers()))

    def test_one_boot_no_table(self):
        self.assertEqual([], report.boot_table(self.tiers()[:2]))
        self.assertEqual(['default'], report.boot_columns(self.tiers()[:2])[0])

    def test_the_summary_has_the_boot_columns(self):
        text = report.summary('r', False, [], self.tiers(), [], [], [])
        self.assertIn('## KUnit by boot', text)
        self.assertIn('| suite.case | default | init_on_free |', text)
        self.assertIn('| a.rows | 1 pass, 1 skip | 1 fail, 1 pass |', text)
        self.assertIn('| c.only_here | - | pass |', text)


class BuildDirTest(unittest.TestCase):
    def name_in_a_new_process(self, kdir: Path, seed: str) -> str:
        env = dict(os.environ, PYTHONHASHSEED=seed)
        return subprocess.run([sys.executable, str(REPO / 'scripts/allocsuite'), 'build-dir',
                               '--kdir', str(kdir), '--config', 'base'], env=env,
                              capture_output=True, text=True, check=True).stdout.strip()

    def test_two_processes_name_the_same_folder(self):
        kdir = Path(tempfile.mkdtemp(prefix='linux-tree-'))
        self.addCleanup(shutil.rmtree, kdir)
        # Different hash seeds: hash(str) would differ, the digest does not.
        first = self.name_in_a_new_process(kdir, '1')
        second = self.name_in_a_new_process(kdir, '2')
        self.assertEqual(first, second)
        self.assertEqual(str(kernel.build_dir(kdir, 'base')), first)
        self.assertRegex(Path(first).name, rf'^{kdir.name}-[0-9a-f]{{12}}-um-base$')
        # The same tree through another path is the same folder.
        self.assertEqual(first, self.name_in_a_new_process(kdir / '..' / kdir.name, '3'))

    def test_config_and_tree_are_in_the_name(self):
        a = Path(tempfile.mkdtemp(prefix='linux-a-'))
        b = Path(tempfile.mkdtemp(prefix='linux-b-'))
        self.addCleanup(shutil.rmtree, a)
        self.addCleanup(shutil.rmtree, b)
        self.assertNotEqual(kernel.build_dir(a, 'base'), kernel.build_dir(a, 'debug'))
        self.assertTrue(kernel.build_dir(a, 'debug').name.endswith('-debug'))
        self.assertNotEqual(kernel.build_dir(a, 'base').name.split('-')[-3],
                            kernel.build_dir(b, 'base').name.split('-')[-3])
        self.assertNotEqual(kernel.build_dir(a, 'base'), kernel.build_dir(a, 'base',
                                                                           arch='x86_64'))
        self.assertTrue(kernel.build_dir(a, 'base', arch='x86_64').name.endswith(
            '-x86_64-base'))
        self.assertEqual(Path('/r') / kernel.build_dir(a, 'base').name,
                         kernel.build_dir(a, 'base', Path('/r')))

    def test_the_default_tree_keeps_its_plain_name_and_arch(self):
        cache = Path(tempfile.mkdtemp(prefix='allocsuite-cache-'))
        self.addCleanup(shutil.rmtree, cache)
        tree = cache / 'allocsuite' / 'src' / 'linux-6.12.117'
        tree.mkdir(parents=True)
        (tree / f'.{kernel.DEFAULT_PACKAGE}_1').touch()
        old = os.environ.get('XDG_CACHE_HOME')
        os.environ['XDG_CACHE_HOME'] = str(cache)
        try:
            self.assertEqual(cache / 'allocsuite' / 'build' / 'linux-6.12.117-um-base',
                             kernel.build_dir(tree, 'base'))
            # A UML folder named before architectures is renamed, not rebuilt.
            legacy = cache / 'allocsuite' / 'build' / 'linux-6.12.117-debug'
            legacy.mkdir(parents=True)
            (legacy / 'linux').touch()
            self.assertEqual(legacy.with_name('linux-6.12.117-um-debug'),
                             kernel.build_dir(tree, 'debug'))
            self.assertTrue((legacy.with_name('linux-6.12.117-um-debug') / 'linux').is_file())
            self.assertTrue(legacy.is_symlink())
        finally:
            if old is None:
                del os.environ['XDG_CACHE_HOME']
            else:
                os.environ['XDG_CACHE_HOME'] = old


def kunit_py():
    """kunit.py of the default tree, as the glue tests find it."""
    import test_glue
    return test_glue.kunit_py()


@unittest.skipIf(kunit_py() is None, 'needs the default kernel tree for kunit.py')
class SecondBootTest(unittest.TestCase):
    """Two boots judged into one run folder (tests/logs/clean.log as both)."""

    def test_tiers_of_the_second_boot_are_named_and_its_files_kept_apart(self):
        import test_glue
        out = Path(tempfile.mkdtemp(prefix='allocsuite-boots-'))
        self.addCleanup(shutil.rmtree, out)
        con = test_glue.console.parse((test_glue.LOGS / 'clean.log').read_text())
        for seg in con.segments:
            if seg.tier != 'kunit':
                (out / seg.tier).mkdir(exist_ok=True)
                (out / seg.tier / f'{seg.name}.log').write_text(
                    '\n'.join(con.segment_lines(seg)) + '\n')
        second = out / 'init_on_alloc'
        second.mkdir()
        text = (test_glue.LOGS / 'clean.log').read_text()
        text += 'WARNING: CPU: 0 PID: 1 at mm/slub.c:1 x+0x1/0x2\n'
        con2 = test_glue.console.parse(text)
        # Each boot saved its ring buffer; the WARNING came after the plan.
        (out / 'kmsg.log').write_bytes(
            test_glue.kmsg_of((test_glue.LOGS / 'clean.log').read_text()))
        (second / 'kmsg.log').write_bytes(test_glue.kmsg_of(text))
        plan2 = [p for p in test_glue.PLAN if p[0] == 'kunit']
        verdict, tiers, problems = test_glue.runner().write_results(
            out, 'test', con, test_glue.PLAN, kunit_py(), False, 900, '', [], [], None,
            [(manifest.Part('init_on_alloc', ['kunit'], ['init_on_alloc=1'], 'init_on_alloc',
                            True), second, con2, plan2, False)])
        self.assertEqual(['kunit', 'stress', 'kselftest', 'kunit@init_on_alloc'],
                         [t.name for t in tiers])
        self.assertEqual((10, 0, 0), tiers[-1].counts())
        self.assertTrue((second / 'kunit.ktap').exists())
        self.assertFalse(verdict)
        self.assertEqual(['kernel report: WARNING at console line 127 during shutdown: '
                          'WARNING: CPU: 0 PID: 1 at mm/slub.c:1 x+0x1/0x2 (boot init_on_alloc, '
                          'init_on_alloc/console.log)'], problems)
        self.assertIn('| kunit@init_on_alloc | alloc_kmalloc | 10 | 0 | 0 |',
                      (out / 'summary.md').read_text())


class SoakTest(unittest.TestCase):
    def test_failures_of_one_run(self):
        out = textwrap.dedent('''\
            problem: kernel report: WARNING at console line 812 during stress/x: y
            failed: kselftest uaccess_race_test.race.copy_to_user (FAIL)
            FAIL: results in /r/20261201-1 (also results/latest)
            ''')
        self.assertEqual(('FAIL', ['kselftest uaccess_race_test.race.copy_to_user',
                                   'problem: kernel report: WARNING at console line N during '
                                   'stress/x: y'], '/r/20261201-1'), soak.failures(out))
        self.assertEqual(('PASS', [], '/r/2'), soak.failures('PASS: results in /r/2 (also)\n'))
        self.assertEqual('FAIL', soak.failures('allocsuite: error: x\n')[0])

    def test_table_counts_flakes_by_name(self):
        runs = [{'failed': ['kunit a.b']}, {'failed': []}, {'failed': ['kunit a.b', 'x y']}]
        rows = soak.table(runs)
        self.assertIn('kunit a.b', rows[1])
        self.assertIn('2 of 3', rows[1])
        self.assertIn('1 of 3', rows[2])
        self.assertEqual(['no test failed in 1 runs'], soak.table([{'failed': []}]))

    def test_n_is_validated(self):
        for bad in ('0', '1001', 'x', ''):
            proc = subprocess.run(['make', '--no-print-directory', '-C', str(REPO), 'soak',
                                   f'N={bad}'], capture_output=True, text=True, check=False)
            self.assertEqual(2, proc.returncode, bad)
            self.assertIn(f'N={bad} is invalid; expected a whole number from 1 to 1000',
                          proc.stderr)


if __name__ == '__main__':
    unittest.main()
