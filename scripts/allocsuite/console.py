# SPDX-License-Identifier: GPL-2.0
"""Read a UML console log: the program markers, kernel reports, and which
test was running when each report was printed."""

from __future__ import annotations

import dataclasses
import re
from typing import Optional

# "[   12.345678] " (printk.time) and "<5>" prefixes, as kunit.py strips them.
_PREFIX = re.compile(r'^(?:\[\s*\d+\.\d+\]\s?)?(?:<\d+>)?')
_BEGIN = re.compile(r'^allocsuite: begin (\w+)/([\w.-]+)$')
_END = re.compile(r'^allocsuite: end (\w+)/([\w.-]+) exit=(\S+)(?: ms=(\d+))?$')
_USERSPACE = 'allocsuite: userspace up'
_ALL_DONE = 'allocsuite: all done'
_EXPECT_BEGIN = 'allocsuite: expected report begin'
_EXPECT_END = 'allocsuite: expected report end'

# Kernel reports that fail a run, most specific first. Each is the first
# line of a report; the lines that follow it (registers, stack) are not
# reports of their own.
SPLATS: list[tuple[str, re.Pattern[str]]] = [
    ('KASAN', re.compile(r'\bBUG: KASAN: ')),
    ('UBSAN', re.compile(r'\bUBSAN: ')),
    ('kmemleak', re.compile(r'kmemleak: \d+ new suspected memory leak|'
                            r'^unreferenced object 0x')),
    ('might_sleep', re.compile(r'BUG: sleeping function called from '
                               r'invalid context')),
    ('lockdep', re.compile(r'WARNING: (possible (recursive|circular) '
                           r'locking|inconsistent lock state|possible irq '
                           r'lock inversion|suspicious RCU usage|lock held)|'
                           r'BUG: (lock held|held lock freed|bad unlock)|'
                           r'DEBUG_LOCKS_WARN_ON|'
                           # lockdep turns itself off after this one
                           r'INFO: trying to register non-static key')),
    ('slab corruption', re.compile(r'^BUG [\w.:-]+ \(.*\): ')),
    ('BUG', re.compile(r'\bkernel BUG at |\bBUG: ')),
    ('WARNING', re.compile(r'\bWARNING: ')),
    ('Oops', re.compile(r'\bOops\b|general protection fault|'
                        r'Unable to handle kernel')),
    ('panic', re.compile(r'Kernel panic - not syncing')),
    ('UML fault', re.compile(r'Kernel mode fault at addr|'
                             r'Segfault with no mm|Kernel mode signal')),
    ('stall', re.compile(r'rcu: INFO: .*detected stalls|'
                         r'INFO: task \S+ blocked for more than|'
                         r'soft lockup - CPU')),
    ('unexpected gfp', re.compile(r'Unexpected gfp: ')),
]

_RESULT = re.compile(r'^(\s*)(not ok|ok) \d+ (\S+)(.*)$')
_SUBTEST = re.compile(r'^(\s*)# Subtest: (\S+)')
_HARNESS_RUN = re.compile(r'^#\s+RUN\s+(\S+)')


def strip_prefix(line: str) -> str:
    """Return a console line without its printk time stamp or level."""
    return _PREFIX.sub('', line.rstrip('\r\n'), count=1)


@dataclasses.dataclass
class Segment:
    """The console lines of one program of the plan."""
    tier: str
    name: str
    first: int                       # index of the begin marker
    last: Optional[int] = None       # index of the end marker
    exit: Optional[str] = None       # exit status, None if it never ended
    seconds: float = 0.0             # how long it ran

    @property
    def key(self) -> str:
        return f'{self.tier}/{self.name}'


@dataclasses.dataclass
class Splat:
    """A kernel report found in the console log."""
    kind: str
    line_no: int                     # 1-based line in the console log
    text: str
    where: str                       # 'boot', 'shutdown' or '<tier>/<name>'
    test: str                        # the test it happened in, or ''
    expected: bool = False

    def describe(self) -> str:
        place = self.where + (f': {self.test}' if self.test else '')
        return f'{self.kind} at console line {self.line_no} during {place}: {self.text}'


@dataclasses.dataclass
class Console:
    """What a console log says about a boot."""
    lines: list[str]
    segments: list[Segment]
    splats: list[Splat]
    userspace: bool                  # init reached user space
    all_done: bool                   # init finished the plan

    def segment_lines(self, seg: Segment) -> list[str]:
        """The lines a program printed between its markers."""
        end = seg.last if seg.last is not None else len(self.lines)
        return self.lines[seg.first + 1:end]

    def running(self) -> Optional[Segment]:
        """The program that began and never ended, if any."""
        for seg in self.segments:
            if seg.exit is None:
                return seg
        return None

    def last_test(self, seg: Segment) -> str:
        """The last test a program started or finished, for a hang report."""
        found = ''
        for line in self.segment_lines(seg):
            m = _HARNESS_RUN.match(line)
            if m:
                found = m.group(1)
            m = _RESULT.match(line)
            if m:
                found = m.group(3)
        return found


def skip_reasons(lines: list[str]) -> dict[str, str]:
    """The reason of every skipped test in a KTAP document, by dotted path."""
    reasons = {}
    for i, path in _kunit_results(lines):
        m = re.search(r'#\s*SKIP\b\s*(.*)$', _RESULT.match(lines[i]).group(4))
        if m:
            reasons[path] = m.group(1).strip() or 'no reason given'
    return reasons


def _kunit_results(lines: list[str]) -> list[tuple[int, str]]:
    """(index, dotted path) of every KTAP result line in a kunit segment."""
    stack: list[tuple[int, str]] = []
    results = []
    for i, line in enumerate(lines):
        m = _SUBTEST.match(line)
        if m:
            # A subtest's own result line is one level (4 spaces) out.
            stack.append((len(m.group(1)) - 4, m.group(2)))
            continue
        m = _RESULT.match(line)
        if m:
            level = len(m.group(1))
            path = [name for lvl, name in stack if lvl < level]
            results.append((i, '.'.join(path + [m.group(3)])))
            stack = [(lvl, name) for lvl, name in stack if lvl < level]
    return results


def _attribute(tier: str, lines: list[str], index: int) -> str:
    """The test running at lines[index] of a program's segment."""
    if tier == 'kunit':
        # KUnit prints no start line per case: a report belongs to the
        # first result printed after it.
        for i, path in _kunit_results(lines):
            if i > index:
                return path
        return ''
    test = ''
    for line in lines[:index]:
        m = _HARNESS_RUN.match(line)
        if m:
            test = m.group(1)
    return test


def parse(text: str) -> Console:
    """Parse a whole console log."""
    lines = [strip_prefix(raw) for raw in text.splitlines()]
    segments: list[Segment] = []
    open_seg: Optional[Segment] = None
    userspace = all_done = False
    expecting = False
    found: list[tuple[int, str, Optional[Segment], bool]] = []
    for i, line in enumerate(lines):
        m = _BEGIN.match(line)
        if m:
            open_seg = Segment(m.group(1), m.group(2), i)
            segments.append(open_seg)
            continue
        m = _END.match(line)
        if m and open_seg is not None and open_seg.key == f'{m.group(1)}/{m.group(2)}':
            open_seg.last, open_seg.exit = i, m.group(3)
            open_seg.seconds = int(m.group(4) or 0) / 1000
            open_seg = None
            continue
        if line.startswith(_USERSPACE):
            userspace = True
        elif line.startswith(_ALL_DONE):
            all_done = True
        elif line.startswith(_EXPECT_BEGIN):
            expecting = True
        elif line.startswith(_EXPECT_END):
            expecting = False
        for kind, pattern in SPLATS:
            if pattern.search(line):
                found.append((i, kind, open_seg, expecting))
                break

    console = Console(lines, segments, [], userspace, all_done)
    for i, kind, seg, expected in found:
        if seg is not None:
            seg_lines = console.segment_lines(seg)
            test = _attribute(seg.tier, seg_lines, i - seg.first - 1)
            where = seg.key
        else:
            test = ''
            where = 'shutdown' if any(s.first < i for s in segments) else 'boot'
        console.splats.append(Splat(kind, i + 1, lines[i].strip(), where,
                                    test, expected))
    return console
