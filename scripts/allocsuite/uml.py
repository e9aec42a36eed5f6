# SPDX-License-Identifier: GPL-2.0
"""Boot the UML kernel with the project's init, follow its console, and
stop it if it hangs."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Optional

import console
from util import progress

_RESULT = re.compile(r'^(\s*)(not ok|ok) \d+ (\S+)(.*)$')
# The kernel's ring buffer: big enough that no record of a whole run is
# overwritten before the init's reader saves it to kmsg.log. A run of
# every tier writes about 120 KiB of records (kunit 35 KiB, stress and
# kselftest 81 KiB, measured); the default on UML is 128 KiB.
LOG_BUF_LEN = '8M'


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


def boot(linux: Path, init: Path, out: Path, plan: Path, timeout: int,
         extra_args: list[str], label: str = '',
         last: Optional[dict[str, float]] = None) -> tuple[str, Optional[int], bool, float]:
    """Boot UML and run the plan; @label prefixes its progress lines, which
    give the seconds each tier took in the last run (@last).

    Returns (console text, exit status or None if killed, timed out,
    seconds). The console is also written to out/console.log as it comes.
    """
    # UML keeps its mconsole socket in ~/.uml/<umid>: name it, to remove it
    # even when the kernel had to be killed.
    # Kernels booted side by side by one runner need their own.
    umid = f'allocsuite-{os.getpid()}-{threading.get_ident()}-{int(time.time())}'

    args = [str(linux), f'umid={umid}', 'mem=1G', 'con=null', 'con0=null,fd:1', 'ssl=null',
            'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'ro',
            f'init={init}', 'printk.devkmsg=on', f'log_buf_len={LOG_BUF_LEN}',
            f'ALLOCSUITE_OUT={out}', f'ALLOCSUITE_PLAN={plan}'] + extra_args
    log_path = out / 'console.log'
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
                watcher.feed(line)
            status = proc.wait()
        finally:
            timer.cancel()
            # UML leaves helper processes in its session: none may survive.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            shutil.rmtree(Path.home() / '.uml' / umid, ignore_errors=True)
    return ''.join(chunks), (None if timed_out.is_set() else status), \
        timed_out.is_set(), time.monotonic() - started
