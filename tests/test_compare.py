# SPDX-License-Identifier: GPL-2.0
"""make compare on the two recorded run folders of tests/compare/: NEW
has one test that failed and one stress context at half the rate of BASE.
Run: python3 -m unittest tests/test_compare.py"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / 'scripts' / 'allocsuite'))

import compare  # noqa: E402

RECORDED = REPO / 'tests' / 'compare'
# Debian's python3 has python3-matplotlib (make deps); another may not.
PYTHON = '/usr/bin/python3' if Path('/usr/bin/python3').exists() else sys.executable


def run(*args: str, results: Path) -> subprocess.CompletedProcess:
    return subprocess.run([PYTHON, str(REPO / 'scripts/allocsuite'), 'compare',
                           '--results', str(results)] + list(args),
                          capture_output=True, text=True, check=False)


class CompareTest(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix='allocsuite-compare-'))

    def tearDown(self) -> None:
        shutil.rmtree(self.tmp)

    def test_worse_verdict_and_rate(self):
        p = run('--base', str(RECORDED / 'base'), '--new', str(RECORDED / 'new'),
                results=self.tmp)
        self.assertEqual(1, p.returncode, p.stdout + p.stderr)
        self.assertIn('- kunit alloc_pages.pages_test_block.order_0: PASS -> FAIL', p.stdout)
        self.assertIn('- stress rate hrtimer_hard: 787/s -> 394/s (-50%', p.stdout)
        out = next(self.tmp.glob('compare-*'))
        res = json.loads((out / 'compare.json').read_text())
        self.assertEqual(2, len(res['worse']), res['worse'])
        self.assertEqual([], res['better'])
        # Only the halved context is flagged; the others did not move.
        self.assertEqual(['hrtimer_hard'], [r['context'] for r in res['rates'] if r['flagged']])
        self.assertIn('](rates.png)', (out / 'compare.md').read_text())
        self.assertTrue((out / 'rates.png').stat().st_size > 1000)

    def test_the_other_way_round_is_better(self):
        p = run('--base', str(RECORDED / 'new'), '--new', str(RECORDED / 'base'),
                results=self.tmp)
        self.assertEqual(0, p.returncode, p.stdout + p.stderr)
        self.assertIn('NOTHING WORSE', p.stdout)
        self.assertIn('- kunit alloc_pages.pages_test_block.order_0: FAIL -> PASS', p.stdout)

    def test_a_new_kernel_report_is_worse(self):
        new = self.tmp / 'new'
        shutil.copytree(RECORDED / 'base', new)
        v = json.loads((new / 'verdict.json').read_text())
        v['reports'].append({'kind': 'WARNING', 'where': 'kunit/alloc_kunit',
                             'test': 'alloc_pages', 'expected': False, 'origin': '',
                             'text': 'WARNING: CPU: 0 PID: 31 at mm/page_alloc.c:4700 x+0x1f'})
        (new / 'verdict.json').write_text(json.dumps(v))
        p = run('--base', str(RECORDED / 'base'), '--new', str(new), results=self.tmp / 'r')
        self.assertEqual(1, p.returncode, p.stdout + p.stderr)
        self.assertIn('new kernel report: WARNING: CPU: 0 PID: 31 at mm/page_alloc.c:4700',
                      p.stdout)

    def test_noise_of_repeated_runs(self):
        def side(rates: list[float]) -> compare.Side:
            s = compare.Side.__new__(compare.Side)
            s.rates = lambda: {'timer': rates}  # type: ignore[method-assign]
            s.statuses = lambda: {}  # type: ignore[method-assign]
            s.deviations = lambda: set()  # type: ignore[method-assign]
            s.reports = lambda: {}  # type: ignore[method-assign]
            s.problems = lambda: set()  # type: ignore[method-assign]
            s.spec, s.runs, s.verdicts = 'x', [], [{'info': {'tiers': 'stress'},
                                                     'verdict': 'PASS'}]
            return s
        # Within 3 standard deviations: not flagged, though 10% lower.
        res = compare.compare(side([1000, 900, 1100]), side([900, 800, 1000]))
        self.assertEqual([], res['worse'])
        # Tight runs: 10% lower is beyond the noise.
        res = compare.compare(side([1000, 1001, 999]), side([900, 901, 899]))
        self.assertEqual(1, len(res['worse']), res)

    def test_bad_input(self):
        cases = [
            (['--base', '/etc'], 'BASE=/etc is neither a kernel source tree'),
            (['--base', str(self.tmp / 'none')], 'does not exist; expected a kernel source'),
            (['--base', ''], 'BASE= is empty'),
            (['--base', str(RECORDED / 'base'), '--runs', '0'],
             'RUNS=0 is invalid; expected a whole number from 1 to 100'),
        ]
        other = self.tmp / 'other'
        shutil.copytree(RECORDED / 'new', other)
        v = json.loads((other / 'verdict.json').read_text())
        v['info']['tiers'] = 'kunit'
        (other / 'verdict.json').write_text(json.dumps(v))
        cases.append((['--base', str(RECORDED / 'base'), '--new', str(other)],
                      'BASE ran tiers "kunit, stress"'))
        for args, message in cases:
            with self.subTest(args=args):
                p = run(*args, results=self.tmp / 'r')
                self.assertEqual(2, p.returncode, p.stdout + p.stderr)
                self.assertIn(message, p.stderr)
        # Bad input made no compare folder.
        self.assertFalse(list((self.tmp / 'r').glob('compare-*')))


class LoopTest(unittest.TestCase):
    """make bench's pre-submit loop: the one-file change and its table."""

    def test_one_file_patch_applies_and_is_unique(self):
        import loop
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp)
            (tree / 'mm').mkdir()
            (tree / 'mm/slub.c').write_text('int a;\n\nint b;\n')
            text = loop.one_file_patch(tree, '1_0')
            self.assertTrue(text.startswith('Expect-pass: '))
            self.assertNotEqual(text, loop.one_file_patch(tree, '1_1'))
            patch = tree / 'x.patch'
            patch.write_text(text)
            subprocess.run(['patch', '-p1', '--quiet', '-i', str(patch)], cwd=tree, check=True)
            self.assertEqual('int a;\n\nint b;\n\nint allocsuite_bench_1_0;\n',
                             (tree / 'mm/slub.c').read_text())

    def test_table_says_whether_each_target_is_met(self):
        import loop
        rows = loop.table({'warm re-run, nothing changed': [40.0, 41.0, 61.0],
                           'one .c file changed in mm/, to verdict': [80.0, 85.0, 88.0],
                           'outside the tests': []})
        self.assertIn('| warm re-run, nothing changed | 40.0 s | 41.0 s | 61.0 s | 60 s | no |',
                      rows)
        self.assertIn('| one .c file changed in mm/, to verdict | 80.0 s | 85.0 s | 88.0 s | '
                      '90 s | yes |', rows)
        self.assertEqual(4, len(rows))      # header, rule, two figures


if __name__ == '__main__':
    unittest.main()
