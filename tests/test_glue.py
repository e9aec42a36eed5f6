# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the runner's glue on recorded console logs (tests/logs):
report detection, attribution of reports to tests, hang and crash
verdicts, and the results it writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path
from xml.etree import ElementTree as ET

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / 'scripts' / 'allocsuite'))

import console  # noqa: E402
import ktap  # noqa: E402
import report  # noqa: E402

LOGS = REPO / 'tests' / 'logs'
PLAN = [('kunit', 'alloc_kunit', 'insmod alloc_kunit.ko'),
        ('stress', 'alloc_torture', 'alloc_torture.sh'),
        ('kselftest', 'uaccess_test', 'uaccess_test')]


def runner():
    """The runner's entry module, imported under another name."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'allocsuite_main', REPO / 'scripts' / 'allocsuite' / '__main__.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def kunit_py() -> Path | None:
    """kunit.py of the default tree, if it is there."""
    try:
        tree = subprocess.run([sys.executable, str(REPO / 'scripts/allocsuite'), 'tree'],
                              capture_output=True, text=True, check=True).stdout.strip()
    except subprocess.CalledProcessError:
        return None
    path = Path(tree) / 'tools/testing/kunit/kunit.py'
    return path if path.is_file() else None


class ConsoleTest(unittest.TestCase):
    def parse(self, name: str) -> console.Console:
        return console.parse((LOGS / name).read_text())

    def test_clean_run_has_no_report(self):
        con = self.parse('clean.log')
        self.assertEqual([], con.splats)
        self.assertTrue(con.userspace)
        self.assertTrue(con.all_done)
        self.assertEqual(['kunit/alloc_kunit', 'stress/alloc_torture', 'kselftest/uaccess_test'],
                         [s.key for s in con.segments])
        self.assertEqual(['0', '0', '0'], [s.exit for s in con.segments])
        self.assertGreater(con.segments[1].seconds, 1.0)

    def test_report_in_the_middle_of_a_kunit_case(self):
        con = self.parse('splat-in-test.log')
        self.assertEqual(1, len(con.splats))
        splat = con.splats[0]
        self.assertEqual('WARNING', splat.kind)
        self.assertEqual('kunit/alloc_kunit', splat.where)
        # Printed after parameter 1000 passed: it belongs to the next one.
        self.assertEqual('alloc_kmalloc.kzalloc_test_zeroed.4096', splat.test)
        self.assertIn('__fortify_report', splat.text)

    def test_kernel_died_in_a_test(self):
        con = self.parse('died-in-test.log')
        kinds = [s.kind for s in con.splats]
        self.assertEqual(['WARNING', 'BUG', 'panic'], kinds)
        self.assertTrue(all(s.where == 'stress/alloc_torture' for s in con.splats))
        self.assertTrue(con.userspace)
        self.assertFalse(con.all_done)
        self.assertEqual('stress/alloc_torture', con.running().key)

    def test_hung_kernel(self):
        con = self.parse('hung.log')
        self.assertEqual([], con.splats)
        self.assertFalse(con.all_done)
        self.assertEqual('stress/alloc_torture', con.running().key)
        self.assertEqual('', con.last_test(con.running()))
        kunit = con.segments[0]
        self.assertEqual('alloc_kmalloc', con.last_test(kunit))

    def test_death_during_boot(self):
        con = self.parse('boot-death.log')
        self.assertFalse(con.userspace)
        self.assertEqual(['panic'], [s.kind for s in con.splats])
        self.assertEqual('boot', con.splats[0].where)

    def test_expected_report_is_marked(self):
        text = ('allocsuite: userspace up\nallocsuite: begin kunit/m\n'
                'allocsuite: expected report begin\n'
                'BUG: sleeping function called from invalid context at x\n'
                'allocsuite: expected report end\n'
                'WARNING: CPU: 0 PID: 1 at y\n'
                'allocsuite: end kunit/m exit=0 ms=5\n')
        con = console.parse(text)
        self.assertEqual([(True, 'might_sleep'), (False, 'WARNING')],
                         [(s.expected, s.kind) for s in con.splats])

    def test_prefixes_are_stripped(self):
        self.assertEqual('BUG: x', console.strip_prefix('[   12.345678] BUG: x\n'))
        self.assertEqual('ok 1 a', console.strip_prefix('<6>ok 1 a'))

    def test_every_report_kind_is_recognised(self):
        lines = [
            ('KASAN', 'BUG: KASAN: slab-out-of-bounds in foo+0x1/0x2'),
            ('UBSAN', 'UBSAN: array-index-out-of-bounds in x.c:1:2'),
            ('kmemleak', 'kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)'),
            ('might_sleep', 'BUG: sleeping function called from invalid context at mm.h:321'),
            ('lockdep', 'WARNING: possible recursive locking detected'),
            ('lockdep', 'INFO: trying to register non-static key.'),
            ('slab corruption', 'BUG kmalloc-64 (Tainted: G): Poison overwritten'),
            ('BUG', 'kernel BUG at mm/slub.c:123!'),
            ('WARNING', 'WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:4832 f+0x1/0x2'),
            ('Oops', 'Oops: 0000 [#1] PREEMPT'),
            ('panic', 'Kernel panic - not syncing: BUG!'),
            ('UML fault', 'Kernel mode fault at addr 0x0, ip 0x6000'),
            ('stall', 'rcu: INFO: rcu_sched detected stalls on CPUs/tasks:'),
            ('unexpected gfp', 'Unexpected gfp: 0x2 (__GFP_HIGHMEM). Fixing up to gfp: 0xcc0'),
        ]
        for kind, line in lines:
            con = console.parse(line + '\n')
            self.assertEqual([kind], [s.kind for s in con.splats], line)
        quiet = ['ok 1 kzalloc_test_zeroed', 'FAULT_INJECTION: forcing a failure.',
                 '# WARNING is just a word here', 'kmemleak: Kernel memory leak detector initialized']
        for line in quiet:
            self.assertEqual([], console.parse(line + '\n').splats, line)


class KtapTest(unittest.TestCase):
    def test_tier_document_nests_finished_programs(self):
        doc = ktap.tier_document([('a', ['TAP version 13', '1..1', 'ok 1 x'], '0'),
                                  ('b', ['TAP version 13', '1..1'], None),
                                  ('c', ['no tap here'], '4')])
        self.assertEqual(['KTAP version 1', '1..3', '    TAP version 13', '    1..1',
                          '    ok 1 x', 'ok 1 a', '# TAP version 13', '# 1..1',
                          'not ok 2 b # did not finish', '# no tap here', 'ok 3 c # SKIP'],
                         doc)

    def test_deviations_are_collected(self):
        lines = ['ok 1 a.b', 'ok 2 a.c # XFAIL UML: strnlen_user(p, 0) returns 1',
                 'ok 3 a.d # XPASS fixed', 'ok 4 a.e # SKIP no module']
        self.assertEqual([('a.c', 'XFAIL', 'UML: strnlen_user(p, 0) returns 1'),
                          ('a.d', 'XPASS', 'fixed')], ktap.deviations(lines))

    def test_skip_reasons_by_path(self):
        doc = ['KTAP version 1', '1..1', '    # Subtest: s', '    1..2',
               '    ok 1 a # SKIP Test requires: IS_ENABLED(CONFIG_ZONE_DMA)',
               '    ok 2 b', 'ok 1 s']
        self.assertEqual({'s.a': 'Test requires: IS_ENABLED(CONFIG_ZONE_DMA)'},
                         console.skip_reasons(doc))

    def test_kunit_document_stops_after_the_last_result(self):
        lines = ['boot noise', 'KTAP version 1', '1..1', '    ok 1 t', 'ok 1 s',
                 'alloc_kunit: unloaded']
        self.assertEqual(['KTAP version 1', '1..1', '    ok 1 t', 'ok 1 s'],
                         ktap.kunit_document(lines))
        self.assertEqual([], ktap.kunit_document(['no ktap']))


@unittest.skipIf(kunit_py() is None, 'needs the default kernel tree for kunit.py')
class ResultsTest(unittest.TestCase):
    """Judge recorded boots end to end and read back what was written."""

    def judge(self, log: str, timed_out: bool = False, edit=lambda text: text):
        out = Path(tempfile.mkdtemp(prefix='allocsuite-test-'))
        self.addCleanup(shutil.rmtree, out)
        con = console.parse(edit((LOGS / log).read_text()))
        # The programs' own logs hold what they printed between markers.
        for seg in con.segments:
            if seg.tier != 'kunit':
                (out / seg.tier).mkdir(exist_ok=True)
                (out / seg.tier / f'{seg.name}.log').write_text(
                    '\n'.join(con.segment_lines(seg)) + '\n')
        verdict, tiers, problems = runner().write_results(
            out, 'test', con, PLAN, kunit_py(), timed_out, 900, '', [('kernel', 'test')], [])
        return out, verdict, {t.name: t for t in tiers}, problems

    def test_clean(self):
        out, verdict, tiers, problems = self.judge('clean.log')
        self.assertEqual([], problems)
        self.assertTrue(verdict)
        self.assertEqual((10, 0, 0), tiers['kunit'].counts())
        self.assertEqual((1, 0, 0), tiers['stress'].counts())
        self.assertEqual((2, 0, 0), tiers['kselftest'].counts())
        merged = json.loads((out / 'kunit.json').read_text())
        self.assertEqual(['kunit', 'stress', 'kselftest'], [g['name'] for g in merged['sub_groups']])
        suites = ET.parse(out / 'junit.xml').getroot().findall('testsuite')
        self.assertEqual(['kunit.alloc_kmalloc', 'stress.alloc_torture',
                          'kselftest.uaccess_test'], [s.get('name') for s in suites])
        self.assertIn('PASS', (out / 'summary.md').read_text().splitlines()[0])

    def test_known_deviations_are_listed_and_do_not_fail(self):
        def edit(text):
            return text.replace('ok 2 probe.copy_from_user_fault_boundary',
                                'ok 2 probe.copy_from_user_fault_boundary # XFAIL seeded reason')
        out, verdict, tiers, problems = self.judge('clean.log', edit=edit)
        self.assertTrue(verdict)
        self.assertEqual([('uaccess_test.probe.copy_from_user_fault_boundary', 'XFAIL',
                           'seeded reason')], tiers['kselftest'].deviations)
        summary = (out / 'summary.md').read_text()
        self.assertIn('## Known kernel deviations', summary)
        self.assertIn('`uaccess_test.probe.copy_from_user_fault_boundary`: seeded reason', summary)

    def test_report_fails_the_run_and_names_the_test(self):
        out, verdict, tiers, problems = self.judge('splat-in-test.log')
        self.assertFalse(verdict)
        self.assertEqual(1, len(problems))
        self.assertIn('kunit/alloc_kunit: alloc_kmalloc.kzalloc_test_zeroed.4096', problems[0])
        case = [c for c in ET.parse(out / 'junit.xml').getroot().iter('testcase')
                if c.get('name') == 'kzalloc_test_zeroed.4096'][0]
        self.assertEqual('kernel-report', case.find('failure').get('type'))
        summary = (out / 'summary.md').read_text()
        self.assertIn('FAIL', summary.splitlines()[0])
        self.assertIn('WARNING at console line', summary)

    def test_hung(self):
        _, verdict, tiers, problems = self.judge('hung.log', timed_out=True)
        self.assertFalse(verdict)
        self.assertIn('the kernel hung: killed after 900s while running stress/alloc_torture',
                      problems[-1])
        self.assertIn('kselftest/uaccess_test never ran', problems)
        self.assertEqual((0, 1, 0), tiers['stress'].counts())

    def test_died_in_test(self):
        _, verdict, tiers, problems = self.judge('died-in-test.log')
        self.assertFalse(verdict)
        self.assertTrue(any('died while running stress/alloc_torture' in p for p in problems))
        self.assertEqual(3, sum('kernel report' in p for p in problems))

    def test_boot_death(self):
        _, verdict, tiers, problems = self.judge('boot-death.log')
        self.assertFalse(verdict)
        self.assertTrue(any('died during boot' in p for p in problems))
        self.assertTrue(any('panic at console line' in p and 'during boot' in p
                            for p in problems))


if __name__ == '__main__':
    unittest.main()
