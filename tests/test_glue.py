# SPDX-License-Identifier: GPL-2.0
"""Unit tests of the runner's glue on recorded console logs (tests/logs)
and synthetic edits of them: report detection, attribution of reports to
tests, expected-report windows, the ring buffer cross-check, exit
statuses, hang and crash verdicts, and the results it writes."""

from __future__ import annotations

import contextlib
import io
import json
import re
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
import target  # noqa: E402

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


def kmsg_of(text: str, first_seq: int = 0) -> bytes:
    """A kmsg.log as the init's reader saves it, for a console log: one
    record per line (the comment line of the command line left out),
    escaped the way /dev/kmsg escapes, with a continuation line now and
    then."""
    out = []
    lines = [console.strip_prefix(raw) for raw in text.splitlines()
             if not raw.startswith('# /')]
    for seq, line in enumerate(lines, first_seq):
        body = ''.join(f'\\x{ord(c):02x}' if ord(c) < 32 or c == '\\' else c
                       for c in line)
        out.append(f'4,{seq},{seq * 1000},-;{body}\n')
        if seq % 10 == 0:
            out.append(' SUBSYSTEM=test\n')
    return ''.join(out).encode()


# Expected-report windows, as protocol 1 writes them.
BEGIN = 'allocsuite: expected report begin kind={} count={}'
END = 'allocsuite: expected report END'.replace('END', 'end')
MIGHT_SLEEP = 'BUG: sleeping function called from invalid context at include/linux/sched/mm.h:321'
WARNING = 'WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:4832 f+0x1/0x2'
# warn_alloc()'s first line and some of what follows it (6.12 on UML).
ALLOC_FAILURE = ('kunit_try_catch: page allocation failure: order:4, '
                 'mode:0x40800(__GFP_COMP|__GFP_KSWAPD_RECLAIM), nodemask=(null)')
SHOW_MEM = [
    'CPU: 0 UID: 0 PID: 58 Comm: kunit_try_catch Tainted: G           O     N 6.12.117 #4',
    'Call Trace:', ' [<60186756>] ? warn_alloc+0x116/0x1c0', 'Mem-Info:',
    'active_anon:3 inactive_anon:697 isolated_anon:0',
    'Normal free:898692kB boost:4096kB min:8044kB low:9028kB high:10012kB '
    'reserved_highatomic:0KB active_anon:12kB',
    'lowmem_reserve[]: 0 0', 'Normal: 15003*4kB (U) 14985*8kB (U) 0*64kB = 898692kB',
    '333 total pagecache pages', '0 pages in swap cache', 'Free swap  = 0kB',
    '287624 pages RAM', '0 pages HighMem/MovableOnly', '43766 pages reserved',
]
# Where a KUnit case provokes its report in clean.log: between two
# parameters of kzalloc_test_zeroed.
IN_CASE = '        ok 5 1000\n'


def in_case(*lines: str):
    """An edit of clean.log: @lines inside a KUnit case."""
    return lambda text: text.replace(IN_CASE, IN_CASE + ''.join(f'{ln}\n' for ln in lines), 1)


def exits(status: str):
    """An edit of clean.log: uaccess_test exits with @status."""
    return lambda text: text.replace('end kselftest/uaccess_test exit=0',
                                     f'end kselftest/uaccess_test exit={status}')


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

    def window(self, *body: str) -> console.Console:
        """A console with @body inside a KUnit program."""
        return console.parse('allocsuite: userspace up\nallocsuite: begin kunit/m\n'
                             + ''.join(f'{line}\n' for line in body)
                             + 'allocsuite: end kunit/m exit=0 ms=5\n')

    def test_expected_report_is_marked(self):
        con = self.window(BEGIN.format('might_sleep', 1), MIGHT_SLEEP, END, WARNING)
        self.assertEqual([(True, 'might_sleep'), (False, 'WARNING')],
                         [(s.expected, s.kind) for s in con.splats])
        self.assertEqual([], con.window_problems)

    def test_window_counts_exactly(self):
        con = self.window(BEGIN.format('WARNING', 2), WARNING, WARNING, END)
        self.assertEqual([True, True], [s.expected for s in con.splats])
        self.assertEqual([], con.window_problems)
        con = self.window(BEGIN.format('slab_corruption', 1),
                          'BUG kmalloc-64 (Tainted: G): Poison overwritten', END)
        self.assertEqual([], con.window_problems)

    def test_window_wrong_kind(self):
        con = self.window(BEGIN.format('might_sleep', 1), WARNING, END)
        self.assertEqual([False], [s.expected for s in con.splats])
        self.assertEqual(1, len(con.window_problems))
        self.assertIn('0 might_sleep reports came; other reports came: WARNING',
                      con.window_problems[0])

    def test_window_too_many(self):
        con = self.window(BEGIN.format('might_sleep', 1), MIGHT_SLEEP, MIGHT_SLEEP, END)
        self.assertEqual([True, False], [s.expected for s in con.splats])
        self.assertIn('2 might_sleep reports came', con.window_problems[0])

    def test_window_too_few(self):
        con = self.window(BEGIN.format('might_sleep', 2), MIGHT_SLEEP, END)
        self.assertEqual('expected-report window (kind=might_sleep count=2) at console line 3 '
                         'during kunit/m: 1 might_sleep report came', con.window_problems[0])

    def test_window_closed_by_result_line(self):
        con = self.window(BEGIN.format('might_sleep', 1), MIGHT_SLEEP,
                          '    ok 1 context_test_gfp_kernel_caught', WARNING, END)
        self.assertEqual([True, False], [s.expected for s in con.splats])
        self.assertIn('still open at the result line of context_test_gfp_kernel_caught',
                      con.window_problems[0])
        # The end marker then closes nothing.
        self.assertIn('without a begin', con.window_problems[1])

    def test_late_result_line_of_a_program_is_no_closer(self):
        # The previous test's result comes through the init's pipe, after
        # the marker the next test wrote to /dev/kmsg itself.
        con = console.parse('allocsuite: begin kselftest/t\n' + BEGIN.format('might_sleep', 1)
                            + '\nok 1 a.first\n' + MIGHT_SLEEP + '\n' + END
                            + '\nok 2 a.second\nallocsuite: end kselftest/t exit=0 ms=1\n')
        self.assertEqual([], con.window_problems)
        self.assertEqual([True], [s.expected for s in con.splats])

    def test_window_never_closed(self):
        con = self.window(BEGIN.format('might_sleep', 1), MIGHT_SLEEP, WARNING)
        self.assertEqual([True, False], [s.expected for s in con.splats])
        self.assertIn('still open at the end of kunit/m', con.window_problems[0])
        con = console.parse('allocsuite: begin kunit/m\n' + BEGIN.format('WARNING', 1)
                            + '\n' + WARNING + '\n')
        self.assertIn('never closed: the log ended', con.window_problems[0])

    def test_window_without_kind_and_count(self):
        con = self.window('allocsuite: expected report begin', MIGHT_SLEEP,
                          'allocsuite: expected report end')
        self.assertEqual([False], [s.expected for s in con.splats])
        self.assertIn('expected-report window without kind/count', con.window_problems[0])
        for bad in ('kind=BUG count=0', 'kind=BUGS count=1', 'count=1 kind=BUG'):
            con = self.window(f'allocsuite: expected report begin {bad}', END)
            self.assertIn(f'with an invalid "{bad}"', con.window_problems[0], bad)

    def test_windows_never_nest(self):
        con = self.window(BEGIN.format('WARNING', 1), BEGIN.format('WARNING', 1), WARNING, END)
        self.assertIn('windows never nest', con.window_problems[0])
        self.assertEqual(1, len(con.window_problems))

    def test_modules_left_and_dropped_lines(self):
        con = console.parse('allocsuite: test modules loaded after the plan: uaccess_probe \n'
                            '** 12 printk messages dropped **\nallocsuite: all done\n')
        self.assertEqual(['uaccess_probe'], con.modules_left)
        self.assertEqual([(2, 12)], con.dropped)
        con = console.parse('allocsuite: test modules loaded after the plan: none\n')
        self.assertEqual([], con.modules_left)

    def test_kmsg_records(self):
        data = (b'6,0,10,-;first\\x0asecond \\x5c done\n SUBSYSTEM=x\n'
                b'12,1,20,c;caf\\xc3\\xa9\n4,2,30,-,caller=T1;x\n')
        records, problems = console.parse_kmsg(data)
        self.assertEqual([], problems)
        self.assertEqual([(6, 0, 'first\nsecond \\ done'), (4, 1, 'caf\u00e9'), (4, 2, 'x')],
                         [(r.level, r.seq, r.text) for r in records])
        _, problems = console.parse_kmsg(b'6,0,1,-;a\n6,3,1,-;b\nnonsense\n')
        self.assertEqual(2, len(problems))
        self.assertIn('records 1..2 are missing', problems[1])
        self.assertIn('line 3 is not a /dev/kmsg record', problems[0])
        _, problems = console.parse_kmsg(b'6,5,1,-;a\n')
        self.assertIn('records 0..4 are missing: the ring buffer overwrote them before '
                      'the reader started', problems[0])

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
            ('alloc failure', ALLOC_FAILURE),
            ('alloc failure', 'insmod: vmalloc error: size 4294967296, exceeds total pages, '
                              'mode:0xcc0(GFP_KERNEL), nodemask=(null)'),
            ('alloc failure', 'SLUB: Unable to allocate memory on node -1, '
                              'gfp=0x820(GFP_ATOMIC)'),
            ('oom', 'sh invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, '
                    'oom_score_adj=0'),
            ('oom', 'Out of memory: Killed process 42 (sh) total-vm:1000kB, anon-rss:8kB'),
            ('oom', 'Out of memory and no killable processes...'),
            ('panic', 'Kernel panic - not syncing: System is deadlocked on memory'),
        ]
        for kind, line in lines:
            con = console.parse(line + '\n')
            self.assertEqual([kind], [s.kind for s in con.splats], line)
        quiet = ['ok 1 kzalloc_test_zeroed', 'FAULT_INJECTION: forcing a failure.',
                 '# WARNING is just a word here', 'kmemleak: Kernel memory leak detector initialized']
        for line in quiet:
            self.assertEqual([], console.parse(line + '\n').splats, line)


class AllocFailureTest(unittest.TestCase):
    """warn_alloc()'s report and the OOM killer's, as report kinds of
    their own: one report each, however long the lines that follow it
    (stack, show_mem), expected only in a window of their kind."""

    def window(self, *body: str) -> console.Console:
        return console.parse('allocsuite: userspace up\nallocsuite: begin kunit/m\n'
                             + ''.join(f'{line}\n' for line in body)
                             + '    ok 1 failure_test_order_reported\n'
                             + 'allocsuite: end kunit/m exit=0 ms=5\n')

    def test_report_with_its_stack_and_show_mem_is_one_report(self):
        con = self.window(BEGIN.format('alloc_failure', 1), ALLOC_FAILURE, *SHOW_MEM, END)
        self.assertEqual([('alloc failure', True)], [(s.kind, s.expected) for s in con.splats])
        self.assertEqual([], con.window_problems)
        self.assertEqual('failure_test_order_reported', con.splats[0].test)

    def test_report_outside_a_window_is_unexpected(self):
        con = self.window(ALLOC_FAILURE, *SHOW_MEM)
        self.assertEqual([('alloc failure', False)], [(s.kind, s.expected) for s in con.splats])

    def test_second_report_in_a_window_of_one_fails(self):
        con = self.window(BEGIN.format('alloc_failure', 1), ALLOC_FAILURE, ALLOC_FAILURE, END)
        self.assertEqual([True, False], [s.expected for s in con.splats])
        self.assertIn('2 alloc_failure reports came', con.window_problems[0])

    def test_oom_kill_in_an_alloc_failure_window_fails(self):
        con = self.window(BEGIN.format('alloc_failure', 1), ALLOC_FAILURE,
                          'kunit_try_catch invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), '
                          'order=0, oom_score_adj=0',
                          'Out of memory: Killed process 1 (init) total-vm:1kB', END)
        self.assertEqual(['alloc failure', 'oom', 'oom'], [s.kind for s in con.splats])
        self.assertEqual([True, False, False], [s.expected for s in con.splats])
        self.assertIn('other reports came: oom, oom', con.window_problems[0])

    def test_marker_kinds(self):
        self.assertEqual('alloc failure', console.MARKER_KINDS['alloc_failure'])
        self.assertEqual('oom', console.MARKER_KINDS['oom'])

    def test_the_module_and_the_runner_agree_on_the_kind(self):
        header = (REPO / 'kunit' / 'alloc_kunit.h').read_text()
        m = re.search(r'#define ALLOC_REPORT_ALLOC_FAILURE\s+"(\w+)"', header)
        self.assertIsNotNone(m)
        self.assertIn(m.group(1), console.MARKER_KINDS)


class ProgressTest(unittest.TestCase):
    """The progress lines on the terminal, which CI systems scan for BUG:
    and WARNING:."""

    def lines(self, *body: str) -> str:
        watcher = target._Progress()
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            for line in ('allocsuite: begin kunit/alloc_kunit',) + body:
                watcher.feed(line + '\n')
        return out.getvalue()

    def test_expected_report_prints_no_bug_or_warning(self):
        out = self.lines(BEGIN.format('might_sleep', 1), f'[  1.5] {MIGHT_SLEEP}', END,
                         BEGIN.format('WARNING', 1), WARNING, END)
        self.assertIn('kernel report (might_sleep, expected in window)', out)
        self.assertIn('kernel report (WARNING, expected in window)', out)
        self.assertNotIn('BUG:', out)
        self.assertNotIn('WARNING:', out)

    def test_unexpected_report_shows_its_text(self):
        out = self.lines(BEGIN.format('might_sleep', 1), WARNING, MIGHT_SLEEP, END, MIGHT_SLEEP)
        self.assertIn(f'kernel report (WARNING): {WARNING}', out)
        self.assertIn(f'kernel report (might_sleep): {MIGHT_SLEEP}', out)
        self.assertEqual(1, out.count('expected in window'))


    def test_label_and_last_time(self):
        watcher = target._Progress('default (stress)', {'stress': 31.8})
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            for line in ('allocsuite: begin stress/alloc_torture', 'ok 1 tasklet',
                         'allocsuite: end stress/alloc_torture 0', 'ok 2 stray'):
                watcher.feed(line + '\n')
        self.assertEqual('[allocsuite] [default (stress)] running stress/alloc_torture (tier '
                         'stress took 31.8s last time)\n'
                         '[allocsuite] [default (stress)]   ok tasklet\n', out.getvalue())


class BuildPlanTest(unittest.TestCase):
    """The estimate of what a kernel build has to compile."""

    def test_stale_objects_and_new_folder(self):
        import kernel
        import os
        with tempfile.TemporaryDirectory() as tmp:
            kdir, build = Path(tmp) / 'src', Path(tmp) / 'build' / 'linux-6.12-um-base'
            for rel in ('mm/a', 'mm/b', 'lib/c'):
                (kdir / rel).parent.mkdir(parents=True, exist_ok=True)
                (kdir / f'{rel}.c').write_text('int x;\n')
                (build / rel).parent.mkdir(parents=True, exist_ok=True)
                (build / f'{rel}.o').write_text('')
                os.utime(kdir / f'{rel}.c', (1000, 1000))
            (build / 'vmlinux').write_text('')
            os.utime(kdir / 'mm/b.c', None)          # edited after its object
            self.assertEqual(1, kernel.build_plan(kdir, build)[0])
            kernel._save_stats(build)
            fresh = build.parent / 'linux-6.13-um-base'
            fresh.mkdir()
            self.assertEqual((3, 'the last full build of linux-6.12-um-base'),
                             kernel.build_plan(kdir, fresh))
            self.assertEqual((None, ''), kernel.build_plan(kdir, build.parent / 'x-um-debug'))
            # Another architecture's build says nothing about this one.
            self.assertEqual((None, ''), kernel.build_plan(kdir, build.parent / 'x-x86_64-base'))


class KtapTest(unittest.TestCase):
    def test_tier_document_nests_finished_programs(self):
        doc = ktap.tier_document([('a', ['TAP version 13', '1..1', 'ok 1 x'], '0'),
                                  ('b', ['TAP version 13', '1..1'], None),
                                  ('c', ['no tap here'], '4')])
        self.assertEqual(['KTAP version 1', '1..3', '    TAP version 13', '    1..1',
                          '    ok 1 x', 'ok 1 a', '# TAP version 13', '# 1..1',
                          'not ok 2 b # did not finish', '# no tap here', 'ok 3 c # SKIP'],
                         doc)

    def test_exit_status(self):
        self.assertEqual([], ktap.program_problems('kselftest/a', '0', []))
        self.assertEqual([], ktap.program_problems('kselftest/a', None, []))
        self.assertEqual(['kselftest/a exited with status 1'],
                         ktap.program_problems('kselftest/a', '1', ['ok 1 x']))
        self.assertEqual(['kselftest/a exited with status unknown'],
                         ktap.program_problems('kselftest/a', 'unknown', []))
        self.assertIn('status 4 (skip) without a reason',
                      ktap.program_problems('kselftest/a', '4', ['TAP version 13', '1..0',
                                                                 '# Totals: pass:0'])[0])
        self.assertEqual([], ktap.program_problems('kselftest/a', '4', ['1..0 # SKIP no dev']))

    def test_skip_reason(self):
        self.assertEqual('needs root', ktap.skip_reason(['TAP version 13',
                                                         '1..0 # SKIP needs root']))
        self.assertEqual('no /dev/x', ktap.skip_reason(['# no /dev/x', '# Totals: pass:0']))
        self.assertEqual('', ktap.skip_reason(['TAP version 13', '1..0', '# SKIP']))

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

    def judge(self, log: str, timed_out: bool = False, edit=lambda text: text,
              kmsg=lambda text: kmsg_of(text)):
        """Judge @log, edited by @edit, with the kmsg.log that @kmsg makes
        of it (None: no kmsg.log)."""
        out = Path(tempfile.mkdtemp(prefix='allocsuite-test-'))
        self.addCleanup(shutil.rmtree, out)
        text = edit((LOGS / log).read_text())
        con = console.parse(text)
        saved = kmsg(text) if kmsg else None
        if saved is not None:
            (out / 'kmsg.log').write_bytes(saved)
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

    def test_exit_status_after_passing_results_fails(self):
        out, verdict, tiers, problems = self.judge('clean.log', edit=exits('1'))
        self.assertFalse(verdict)
        self.assertEqual((2, 0, 0), tiers['kselftest'].counts())
        self.assertEqual(['kselftest/uaccess_test exited with status 1'], problems)
        # A CI that reads only junit.xml sees it too.
        failures = [f.get('message') for f in ET.parse(out / 'junit.xml').getroot().iter('failure')]
        self.assertEqual(['kselftest/uaccess_test exited with status 1'], failures)

    def test_exit_4_needs_a_reason(self):
        def no_reason(text):
            text = exits('4')(text)
            return text[:text.index('TAP version 13\n1..2')] + 'TAP version 13\n1..0\n' + \
                text[text.index('allocsuite: end kselftest'):]
        _, verdict, _, problems = self.judge('clean.log', edit=no_reason)
        self.assertFalse(verdict)
        self.assertTrue(any('kselftest/uaccess_test exited with status 4 (skip) without a reason'
                            in p for p in problems), problems)

        def reason(text):
            return no_reason(text).replace('1..0\n',
                                           '1..0 # SKIP /dev/uaccess_probe: no such file\n')
        out, _, tiers, problems = self.judge('clean.log', edit=reason)
        self.assertFalse(any('exited' in p for p in problems), problems)
        self.assertIn('ok 1 uaccess_test # SKIP /dev/uaccess_probe: no such file',
                      (out / 'kselftest.ktap').read_text())

    def test_xpass_fails_the_run(self):
        def edit(text):
            return text.replace('ok 2 probe.copy_from_user_fault_boundary',
                                'ok 2 probe.copy_from_user_fault_boundary # XPASS seeded reason')
        _, verdict, tiers, problems = self.judge('clean.log', edit=edit)
        self.assertFalse(verdict)
        self.assertEqual(['unexpected pass: kselftest uaccess_test.probe.copy_from_user_fault_'
                          'boundary: seeded reason: the kernel now keeps the contract, the '
                          'known deviation entry can go'], problems)

    def test_group_result_and_parse_errors_count(self):
        # A suite whose own result is not ok, all its cases passing.
        _, verdict, _, problems = self.judge(
            'clean.log', edit=lambda t: t.replace('\nok 1 alloc_kmalloc',
                                                  '\nnot ok 1 alloc_kmalloc'))
        self.assertFalse(verdict)
        self.assertEqual(["kunit alloc_kmalloc: the group's own result is FAILURE though none "
                          'of its tests failed'], problems)
        # A result numbered wrong: kunit.py says so, its JSON does not.
        _, verdict, _, problems = self.judge(
            'clean.log', edit=lambda t: t.replace('ok 2 probe.copy', 'ok 3 probe.copy'))
        self.assertFalse(verdict)
        self.assertEqual(['kunit.py parse, tier kselftest: probe.copy_from_user_fault_boundary: '
                          'Expected test number 2 but found 3'], problems)

    def test_module_left_loaded_fails_the_run(self):
        _, verdict, _, problems = self.judge('clean.log', edit=lambda t: t.replace(
            'after the plan: none', 'after the plan: uaccess_probe'))
        self.assertFalse(verdict)
        self.assertEqual(['test modules still loaded after the plan (rmmod failed or never '
                          'ran): uaccess_probe'], problems)
        _, verdict, _, problems = self.judge('clean.log', edit=lambda t: t.replace(
            'allocsuite: test modules loaded after the plan: none\n', ''))
        self.assertFalse(verdict)
        self.assertIn('the init did not say which test modules', problems[0])

    def test_expected_report_in_window_passes(self):
        _, verdict, _, problems = self.judge('clean.log', edit=in_case(
            BEGIN.format('might_sleep', 1), MIGHT_SLEEP, 'in_atomic(): 1, irqs_disabled(): 0',
            END))
        self.assertEqual([], problems)
        self.assertTrue(verdict)

    def assert_window_fails(self, edit, *wanted: str):
        _, verdict, _, problems = self.judge('clean.log', edit=edit)
        self.assertFalse(verdict)
        for text in wanted:
            self.assertTrue(any(text in p for p in problems), (text, problems))
        return problems

    def test_window_with_wrong_kind_fails(self):
        problems = self.assert_window_fails(in_case(BEGIN.format('might_sleep', 1), WARNING, END),
                                            'other reports came: WARNING',
                                            f'kernel report: WARNING at console line')
        self.assertTrue(any('kunit/alloc_kunit: alloc_kmalloc.kzalloc_test_zeroed.4096: WARNING'
                            in p for p in problems), problems)

    def test_window_with_too_many_fails(self):
        self.assert_window_fails(in_case(BEGIN.format('might_sleep', 1), MIGHT_SLEEP,
                                         MIGHT_SLEEP, END),
                                 '2 might_sleep reports came', 'kernel report: might_sleep')

    def test_window_with_too_few_fails(self):
        self.assert_window_fails(in_case(BEGIN.format('might_sleep', 1), END),
                                 '(kind=might_sleep count=1) at console line 84 during '
                                 'kunit/alloc_kunit: 0 might_sleep reports came')

    def test_window_never_closed_fails(self):
        # A window left open lets nothing through: not the reports of
        # later programs, nor those at shutdown.
        def edit(text):
            return text.replace('# Totals: pass:2', f'{BEGIN.format("might_sleep", 1)}\n'
                                f'{MIGHT_SLEEP}\n# Totals: pass:2').replace(
                'reboot: Power down', f'{WARNING}\nOops: 0000 [#1]\nreboot: Power down')
        self.assert_window_fails(edit, 'still open at the end of kselftest/uaccess_test',
                                 'kernel report: WARNING', 'kernel report: Oops')

    def test_window_closed_by_result_line_fails(self):
        self.assert_window_fails(
            lambda t: t.replace(IN_CASE, BEGIN.format('might_sleep', 1) + '\n' + IN_CASE
                                + MIGHT_SLEEP + '\n' + END + '\n'),
            'still open at the result line of 1000', 'kernel report: might_sleep')

    def test_old_style_markers_fail(self):
        self.assert_window_fails(in_case('allocsuite: expected report begin', MIGHT_SLEEP,
                                         'allocsuite: expected report end'),
                                 'expected-report window without kind/count',
                                 'kernel report: might_sleep')

    def test_report_only_in_kmsg_fails(self):
        def kmsg(text):
            return kmsg_of(in_case(WARNING)(text))
        _, verdict, _, problems = self.judge('clean.log', kmsg=kmsg)
        self.assertFalse(verdict)
        self.assertEqual(1, len(problems))
        self.assertRegex(problems[0], r'^report in kmsg.log \(record \d+\) but not on the '
                         r'console: WARNING report "WARNING: CPU: 0 PID: 1 at mm/page_alloc')

    def test_report_only_on_console_fails(self):
        _, verdict, _, problems = self.judge('splat-in-test.log',
                                             kmsg=lambda t: kmsg_of(t.replace('WARNING: ', 'W: ')))
        self.assertFalse(verdict)
        self.assertTrue(any(p.startswith('report on the console (line ') and
                            'but not in kmsg.log: WARNING report "WARNING: ' in p
                            for p in problems), problems)

    def test_expected_report_only_in_kmsg_names_no_bug(self):
        def kmsg(text):
            return kmsg_of(in_case(BEGIN.format('might_sleep', 1), MIGHT_SLEEP, END)(text))
        _, verdict, _, problems = self.judge(
            'clean.log', edit=in_case(BEGIN.format('might_sleep', 1), END), kmsg=kmsg)
        self.assertFalse(verdict)
        self.assertTrue(any(re.match(r'report in kmsg.log \(record \d+\) but not on the '
                                     r'console: might_sleep report, expected in its '
                                     r'window$', p)
                            for p in problems), problems)
        self.assertFalse(any('BUG:' in p for p in problems), problems)

    def test_kmsg_sequence_gap_fails(self):
        def kmsg(text):
            return b'\n'.join(line for line in kmsg_of(text).split(b'\n')
                              if not line.startswith(b'4,40,'))
        _, verdict, _, problems = self.judge('clean.log', kmsg=kmsg)
        self.assertFalse(verdict)
        self.assertEqual(['kmsg.log: records 40..40 are missing: the ring buffer overwrote '
                          'them before the reader read them'], problems)
        _, verdict, _, problems = self.judge('clean.log', kmsg=lambda t: kmsg_of(t, 3))
        self.assertFalse(verdict)
        self.assertIn('before the reader started', problems[0])

    def test_kmsg_missing_or_short_fails(self):
        _, verdict, _, problems = self.judge('clean.log', kmsg=None)
        self.assertFalse(verdict)
        self.assertIn('the ring buffer was not saved', problems[0])
        _, verdict, _, problems = self.judge(
            'clean.log', kmsg=lambda t: kmsg_of(t[:t.index('allocsuite: all done')]))
        self.assertFalse(verdict)
        self.assertIn('kmsg.log ends before the "allocsuite: all done" record', problems[0])

    def test_messages_dropped_fails(self):
        def edit(text):
            return text.replace('allocsuite: begin kselftest',
                                '** 7 printk messages dropped **\nallocsuite: begin kselftest')
        _, verdict, _, problems = self.judge('clean.log', edit=edit)
        self.assertFalse(verdict)
        self.assertIn('printk dropped 7 messages before the console printed them', problems[0])

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

    def test_uml_fp_registers_on_an_amx_host_are_explained(self):
        def edit(text):
            return text.replace('Kernel panic', 'userspace - ptrace set fp regs failed, '
                                'errno = 14\nKernel panic', 1)
        _, verdict, _, problems = self.judge('boot-death.log', edit=edit)
        self.assertFalse(verdict)
        self.assertTrue(any('uml-host-xstate-size.patch' in p for p in problems))


if __name__ == '__main__':
    unittest.main()
