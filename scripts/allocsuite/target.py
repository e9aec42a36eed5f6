# SPDX-License-Identifier: GPL-2.0
"""Targets: where the kernel under test runs.

A target knows how to configure, build, boot, stop and collect a kernel
of one architecture: which config fragments it adds to configs/base.config,
which kunit.py --arch builds it, which file is its kernel, how many of its
kernels run side by side, and how to boot one with the project's init
(scripts/init.sh) and follow its console. Everything after the console
(the verdict, the result files) is the same for every target.

A new target is a module with a Target subclass and one entry in
TARGETS below.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
import re
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Callable, Optional

import console
from util import UsageError, progress

_RESULT = re.compile(r'^(\s*)(not ok|ok) \d+ (\S+)(.*)$')
# The kernel's ring buffer: big enough that no record of a whole run is
# overwritten before the init's reader saves it to kmsg.log. A run of
# every tier writes about 120 KiB of records (kunit 35 KiB, stress and
# kselftest 81 KiB, measured); the default on UML is 128 KiB.
LOG_BUF_LEN = '8M'
# Memory of every kernel under test (the stress tier's pressure and the
# failure suite's hog are sized from what is free, not from this).
MEMORY_MIB = 1024


@dataclasses.dataclass
class Boot:
    """What one boot of a kernel left: its console, how it ended."""
    text: str
    status: Optional[int]            # exit status of the kernel's process; None: killed
    timed_out: bool
    seconds: float


class _Progress:
    """Turns console lines into progress lines: which program runs, and
    the result of each KUnit suite and each kselftest."""

    def __init__(self, label: str = '', last: Optional[dict[str, float]] = None) -> None:
        # Kernels running side by side say whose line it is.
        self.prefix = f'[{label}] ' if label else ''
        self.last = last or {}           # seconds each tier took in the last run
        self.tier = ''
        self.program = ''
        self.line_no = 0
        # The same windows as console.parse() finds afterwards: a report
        # expected in one prints no BUG:/WARNING: on the terminal (CI
        # systems scan the output for those words).
        self.windows = console.WindowTracker()

    def feed(self, raw: str) -> None:
        line = console.strip_prefix(raw)
        self.line_no += 1
        expected = self.windows.feed(self.line_no, line, self.program)
        if line.startswith('allocsuite: begin '):
            self.program = line.split()[2]
            tier = self.program.split('/')[0]
            if self.tier != tier and tier in self.last:
                took = f' (tier {tier} took {self.last[tier]:.1f}s last time)'
            else:
                took = ''
            self.tier = tier
            progress(f'{self.prefix}running {self.program}{took}')
        elif line.startswith('allocsuite: end '):
            self.program = ''
        elif self.program:
            m = _RESULT.match(line)
            # Top level: KUnit suites, and the tests of the other programs.
            if m and not m.group(1):
                progress(f'{self.prefix}  {m.group(2)} {m.group(3)}{m.group(4)}')
        if expected:
            progress(f'{self.prefix}  kernel report ({console.report_kind(line)}, expected in window)')
        elif expected is not None:
            progress(f'{self.prefix}  kernel report ({console.report_kind(line)}): {line.strip()}')


def follow(args: list[str], log_path: Path, timeout: int, label: str = '',
           last: Optional[dict[str, float]] = None,
           cleanup: Optional[Callable[[], None]] = None, quiet: bool = False) -> Boot:
    """Run a kernel's process (@args), its console on stdout, into
    @log_path line by line and into progress lines (none if @quiet); kill
    its whole session after @timeout seconds and when it ends (no helper
    process survives it), then call @cleanup."""
    started = time.monotonic()
    chunks: list[str] = []
    watcher = _Progress(label, last)
    with open(log_path, 'w') as log:
        log.write('# ' + ' '.join(args) + '\n')
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                cwd='/', text=True, errors='replace')
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                chunks.append(line)
                log.write(line)
                log.flush()
                if not quiet:
                    watcher.feed(line)
            status = proc.wait()
        finally:
            timer.cancel()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            if cleanup:
                cleanup()
    return Boot(''.join(chunks), None if timed_out.is_set() else status,
                timed_out.is_set(), time.monotonic() - started)


def init_args(init: Path, out: Path, plan: Path) -> list[str]:
    """The kernel arguments every target passes to the project's init."""
    return [f'init={init}', 'printk.devkmsg=on', f'log_buf_len={LOG_BUF_LEN}',
            f'ALLOCSUITE_OUT={out}', f'ALLOCSUITE_PLAN={plan}']


class Target:
    """Where kernels run: one architecture, booted one way."""

    name = ''                        # as the summary names it: uml, qemu-x86_64
    arch = ''                        # ARCH= of the kernel build and of the modules
    image = ''                       # the kernel, relative to its build folder
    process = ''                     # what exits with the status the summary gives

    def fragments(self, repo: Path) -> list[Path]:
        """This target's config fragment, added after configs/base.config."""
        return [repo / 'configs' / 'arch' / f'{self.arch}.config']

    def check_host(self) -> None:
        """Stop with what to install when the host cannot run this target."""

    def lanes(self, host_cpus: int) -> int:
        """How many of this target's kernels run side by side."""
        return 1

    def prepare(self, image: Path, init: Path, scratch: Path, timeout: int) -> None:
        """Once per run, before the first boot (for example a probe)."""

    def describe(self) -> list[tuple[str, str]]:
        """(what, value) lines for the summary: the target and how it ran."""
        return [('target', self.name)]

    def boot(self, image: Path, init: Path, out: Path, plan: Path, timeout: int,
             extra_args: list[str], label: str = '',
             last: Optional[dict[str, float]] = None) -> Boot:
        """Boot @image with the project's init running @plan, results in
        @out (the only place it writes); the console goes to
        out/console.log as it comes."""
        raise NotImplementedError


# ARCH= value: (module, class) of its target.
TARGETS: dict[str, tuple[str, str]] = {
    'um': ('uml', 'Uml'),
    'x86_64': ('qemu', 'QemuX86_64'),
}
DEFAULT_ARCH = 'um'


def for_arch(arch: str, cpus: str = '', accel: str = '') -> Target:
    """The target of ARCH=@arch, with CPUS and ACCEL validated for it."""
    arch = arch or DEFAULT_ARCH
    if arch not in TARGETS:
        raise UsageError(f'ARCH={arch} is not supported; expected one of: '
                         f'{", ".join(TARGETS)} (um, User Mode Linux, is the default)')
    module, cls = TARGETS[arch]
    return getattr(importlib.import_module(module), cls)(cpus, accel)
