# SPDX-License-Identifier: GPL-2.0
"""Read a UML console log: the program markers, kernel reports, and which
test was running when each report was printed; the expected-report
windows tests open around reports they provoke; and the kernel's own
ring buffer (kmsg.log), to cross-check the console against it."""

from __future__ import annotations

import collections
import dataclasses
import re
from pathlib import Path
from typing import Optional

import ktap
import tiers as tier_registry

# "[   12.345678] " (printk.time) and "<5>" prefixes, as kunit.py strips them.
_PREFIX = re.compile(r'^(?:\[\s*\d+\.\d+\]\s?)?(?:<\d+>)?')
_BEGIN = re.compile(r'^allocsuite: begin (\w+)/([\w.-]+)$')
_END = re.compile(r'^allocsuite: end (\w+)/([\w.-]+) exit=(\S+)(?: ms=(\d+))?$')
_USERSPACE = 'allocsuite: userspace up'
_ALL_DONE = 'allocsuite: all done'
_EXPECT_BEGIN = 'allocsuite: expected report begin'
_EXPECT_END = 'allocsuite: expected report end'
_WINDOW_ARGS = re.compile(r'^kind=(\S+) count=(\d+)$')
# What the init says after the plan about the test modules still loaded.
_MODULES_LEFT = 'allocsuite: test modules loaded after the plan: '
# printk's notice that records were lost before a console printed them
# (kernel/printk/printk.c); older kernels leave out "printk ".
_DROPPED = re.compile(r'\*\* (\d+) (?:printk )?messages dropped \*\*')

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
    # warn_alloc() (page allocator, vmalloc) and slab_out_of_memory()
    ('alloc failure', re.compile(r'page allocation failure: order:|'
                                 r'vmalloc error: size|'
                                 r'SLUB: Unable to allocate memory on node')),
    ('oom', re.compile(r'invoked oom-killer|Out of memory: Killed process|'
                       r'Out of memory and no killable processes')),
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

# The names the expected-report markers use for each kind.
MARKER_KINDS = {kind.replace(' ', '_'): kind for kind, _ in SPLATS}

_HARNESS_RUN = re.compile(r'^#\s+RUN\s+(\S+)')


def strip_prefix(line: str) -> str:
    """Return a console line without its printk time stamp or level."""
    return _PREFIX.sub('', line.rstrip('\r\n'), count=1)


def report_kind(line: str) -> Optional[str]:
    """The kind of kernel report whose first line @line is, or None."""
    for kind, pattern in SPLATS:
        if pattern.search(line):
            return kind
    return None


@dataclasses.dataclass
class Window:
    """An expected-report window: a test is about to provoke @count
    reports of @kind (None when the begin marker did not say)."""
    kind: Optional[str]
    count: int
    line_no: int                     # 1-based line of the begin marker
    where: str                       # the program it was opened in
    seen: int = 0                    # reports of @kind in it
    others: list[str] = dataclasses.field(default_factory=list)

    def place(self, unit: str) -> str:
        """Where the window opened, for a problem line."""
        return f'at {unit} {self.line_no}' + (f' during {self.where}' if self.where else '')


class WindowTracker:
    """Follows the expected-report windows of a stream of lines (console
    or ring buffer), line by line, as protocol 1 of the project defines
    them:

        allocsuite: expected report begin kind=<KIND> count=<N>
        ... exactly N reports of KIND, nothing else ...
        allocsuite: expected report end

    A window still open at a KTAP result line of KUnit (at any depth: the
    end of the test case), at a program's end marker or at the end of the
    log fails, as does a window with other reports, more or fewer than N,
    or markers without kind and count. The result lines of user-space
    programs reach the kernel log through the init's pipe, after the
    markers they write to /dev/kmsg themselves, so the previous test's
    result may come inside a window: only the program's end closes their
    windows. Problems collect in @problems."""

    def __init__(self, unit: str = 'console line') -> None:
        self.unit = unit                 # what the numbers fed count
        self.open: Optional[Window] = None
        self.problems: list[str] = []

    def _close(self, why: str = '') -> None:
        win = self.open
        self.open = None
        if win is None or win.kind is None:
            return
        marker = next(k for k, v in MARKER_KINDS.items() if v == win.kind)
        wrong = []
        if why:
            wrong.append(why)
        if win.seen != win.count:
            wrong.append(f'{win.seen} {marker} report{"s" if win.seen != 1 else ""} came')
        if win.others:
            wrong.append('other reports came: ' + ', '.join(win.others))
        if wrong:
            self.problems.append(f'expected-report window (kind={marker} count={win.count}) '
                                 f'{win.place(self.unit)}: ' + '; '.join(wrong))

    def feed(self, line_no: int, line: str, where: str) -> Optional[bool]:
        """Take one line (prefix stripped; @line_no 1-based) printed while
        program @where ran ('' outside any). For a report line, returns
        whether it was expected; otherwise None."""
        if line.startswith(_EXPECT_BEGIN):
            if self.open is not None:
                self._close(f'still open when another window opened at {self.unit} '
                            f'{line_no} (windows never nest)')
            args = line[len(_EXPECT_BEGIN):].strip()
            m = _WINDOW_ARGS.match(args)
            kind = MARKER_KINDS.get(m.group(1)) if m else None
            count = int(m.group(2)) if m else 0
            self.open = Window(kind, count, line_no, where)
            if kind is None or count < 1:
                self.open.kind = None
                what = ('expected-report window without kind/count' if not args else
                        f'expected-report window with an invalid "{args}"')
                self.problems.append(
                    f'{what} {self.open.place(self.unit)}: the marker must say '
                    f'"kind=<KIND> count=<N>", KIND one of {", ".join(MARKER_KINDS)}, N >= 1')
            return None
        if line.startswith(_EXPECT_END):
            if self.open is None:
                self.problems.append(f'expected-report end at {self.unit} {line_no} without '
                                     'a begin' + (f' during {where}' if where else ''))
            self._close()
            return None
        if self.open is not None:
            m = ktap.RESULT.match(line) if where.startswith('kunit/') else None
            if m:
                self._close(f'still open at the result line of {m.group(3)} '
                            f'({self.unit} {line_no})')
            elif _END.match(line) or line.startswith(_ALL_DONE):
                self._close(f'still open at the end of {where or "the plan"} '
                            f'({self.unit} {line_no})')
        kind = report_kind(line)
        if kind is None:
            return None
        win = self.open
        if win is None or win.kind is None:
            return False
        if kind == win.kind and win.seen < win.count:
            win.seen += 1
            return True
        if kind == win.kind:
            win.seen += 1
        else:
            win.others.append(kind)
        return False

    def finish(self) -> None:
        """The log ended."""
        if self.open is not None:
            self._close('never closed: the log ended')


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
    origin: str = ''                 # the boot and console of a run's other kernels

    def describe(self) -> str:
        place = self.where + (f': {self.test}' if self.test else '')
        return f'{self.kind} at console line {self.line_no} during {place}: {self.text}' + \
            (f' ({self.origin})' if self.origin else '')


@dataclasses.dataclass
class Console:
    """What a console log says about a boot."""
    lines: list[str]
    segments: list[Segment]
    splats: list[Splat]
    userspace: bool                  # init reached user space
    all_done: bool                   # init finished the plan
    # problems of the expected-report windows
    window_problems: list[str] = dataclasses.field(default_factory=list)
    # test modules the init found loaded after the plan; None if it did
    # not say
    modules_left: Optional[list[str]] = None
    # (line, count) of printk's "messages dropped" notices
    dropped: list[tuple[int, int]] = dataclasses.field(default_factory=list)
    all_done_line: Optional[int] = None  # index of the "all done" marker

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
            m = ktap.RESULT.match(line)
            if m:
                found = m.group(3)
        return found


def skip_reasons(lines: list[str]) -> dict[str, str]:
    """The reason of every skipped test in a KTAP document, by dotted path."""
    return ktap.skip_reasons(lines, empty='no reason given')


def _attribute(tier: str, lines: list[str], index: int) -> str:
    """The test running at lines[index] of a program's segment."""
    spec = tier_registry.BY_NAME.get(tier)
    if spec and spec.kernel_log:
        # KUnit prints no start line per case: a report belongs to the
        # first result printed after it.
        for i, path, _ in ktap.results(lines):
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
    windows = WindowTracker()
    found: list[tuple[int, str, Optional[Segment], bool]] = []
    modules_left: Optional[list[str]] = None
    dropped: list[tuple[int, int]] = []
    all_done_line: Optional[int] = None
    for i, line in enumerate(lines):
        expected = windows.feed(i + 1, line, open_seg.key if open_seg else '')
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
            all_done_line = i
        elif line.startswith(_MODULES_LEFT):
            modules_left = [mod for mod in line[len(_MODULES_LEFT):].split() if mod != 'none']
        m = _DROPPED.search(line)
        if m:
            dropped.append((i + 1, int(m.group(1))))
        if expected is not None:
            found.append((i, report_kind(line) or '', open_seg, expected))
    windows.finish()

    console = Console(lines, segments, [], userspace, all_done, windows.problems,
                      modules_left, dropped, all_done_line)
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


@dataclasses.dataclass
class Record:
    """One record of the kernel's ring buffer, as /dev/kmsg gives it."""
    level: int
    seq: int
    text: str                        # unescaped; may hold several lines


_KMSG_HEAD = re.compile(rb'^(\d+),(\d+),(\d+),[^;]*;(.*)$')


def parse_kmsg(data: bytes) -> tuple[list[Record], list[str]]:
    """Parse kmsg.log, the records read from /dev/kmsg one by one:
    "prio,seq,ts,flags;text" with \\xNN escapes, and continuation lines
    (" KEY=value") that belong to the record above. Returns the records
    and what is wrong with the file: unreadable lines, and sequence
    numbers that do not start at 0 or skip (records overwritten in the
    ring buffer before the reader got them)."""
    records: list[Record] = []
    problems: list[str] = []
    for n, raw in enumerate(data.split(b'\n'), 1):
        if not raw or raw.startswith(b' '):
            continue
        m = _KMSG_HEAD.match(raw)
        if not m:
            problems.append(f'kmsg.log line {n} is not a /dev/kmsg record: '
                            f'{raw[:80].decode(errors="replace")!r}')
            continue
        body = re.sub(rb'\\x([0-9a-fA-F]{2})', lambda e: bytes([int(e.group(1), 16)]),
                      m.group(4))
        records.append(Record(int(m.group(1)) & 7, int(m.group(2)),
                              body.decode(errors='replace')))
    expect = 0
    for rec in records:
        if rec.seq > expect:
            what = ('before the reader started (log_buf_len too small?)' if expect == 0
                    else 'before the reader read them')
            problems.append(f'kmsg.log: records {expect}..{rec.seq - 1} are missing: '
                            f'the ring buffer overwrote them {what}')
        elif rec.seq < expect:
            problems.append(f'kmsg.log: record {rec.seq} comes after record {expect - 1}')
        expect = rec.seq + 1
    return records, problems


def _describe(kind: str, text: str, expected: bool) -> str:
    """A report for a problem line: its text only when it was not
    expected, so that an expected report prints no BUG:/WARNING:."""
    return f'{kind} report, expected in its window' if expected else f'{kind} report "{text}"'


def cross_check(con: Console, records: list[Record]) -> list[str]:
    """Compare the reports on the console with those in the ring buffer,
    up to the "all done" marker, as multisets of (kind, text): a report
    in one and not the other means that a line was lost. Only records
    below KERN_DEBUG count, as the console shows only those."""
    problems = []
    if con.all_done_line is None:
        return ['the console has no "all done" marker to compare kmsg.log up to']
    on_console = collections.Counter(
        (s.kind, s.text) for s in con.splats if s.line_no - 1 < con.all_done_line)
    console_where = {(s.kind, s.text): s for s in con.splats}
    in_kmsg: collections.Counter[tuple[str, str]] = collections.Counter()
    kmsg_where: dict[tuple[str, str], tuple[int, bool]] = {}
    windows = WindowTracker('kmsg.log record')
    done = False
    where = ''
    for rec in records:
        for line in rec.text.split('\n'):
            if line.startswith(_ALL_DONE):
                done = True
                break
            if rec.level >= 7:
                continue
            expected = windows.feed(rec.seq, line, where)
            m = _BEGIN.match(line)
            if m:
                where = f'{m.group(1)}/{m.group(2)}'
            elif _END.match(line):
                where = ''
            if expected is not None:
                key = (report_kind(line) or '', line.strip())
                in_kmsg[key] += 1
                kmsg_where.setdefault(key, (rec.seq, expected))
        if done:
            break
    if not done:
        problems.append('kmsg.log ends before the "allocsuite: all done" record: '
                        'the reader stopped early or lost records')
    for key, n in sorted((on_console - in_kmsg).items()):
        s = console_where[key]
        problems.append(f'report on the console (line {s.line_no}) but not in kmsg.log'
                        f'{f" ({n} times)" if n > 1 else ""}: '
                        + _describe(key[0], key[1], s.expected))
    for key, n in sorted((in_kmsg - on_console).items()):
        seq, expected = kmsg_where[key]
        problems.append(f'report in kmsg.log (record {seq}) but not on the console'
                        f'{f" ({n} times)" if n > 1 else ""}: '
                        + _describe(key[0], key[1], expected))
    return problems


def log_problems(con: Console, kmsg_log: Path) -> list[str]:
    """What the logs themselves say is wrong, beyond the tests' results:
    expected-report windows that did not hold; test modules left loaded
    after the plan; printk's "messages dropped" notices; and, when the
    plan finished, the ring buffer saved in @kmsg_log disagreeing with
    the console."""
    problems = list(con.window_problems)
    for line_no, count in con.dropped:
        problems.append(f'printk dropped {count} messages before the console printed them '
                        f'(console line {line_no}): reports may be missing')
    if not con.all_done:
        # A kernel that died or hung fails already; its logs end anywhere.
        return problems
    if con.modules_left is None:
        problems.append('the init did not say which test modules were left loaded '
                        'after the plan')
    elif con.modules_left:
        problems.append('test modules still loaded after the plan (rmmod failed or never '
                        'ran): ' + ', '.join(con.modules_left))
    try:
        data = kmsg_log.read_bytes()
    except OSError as e:
        problems.append(f'the ring buffer was not saved: cannot read {kmsg_log}: {e.strerror}')
        return problems
    records, kmsg_problems = parse_kmsg(data)
    return problems + kmsg_problems + cross_check(con, records)
