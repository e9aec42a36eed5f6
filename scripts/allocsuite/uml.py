# SPDX-License-Identifier: GPL-2.0
"""The UML target: the kernel under test as a process of the host, one
CPU, the host root over hostfs."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path
from typing import Optional

from target import Boot, MEMORY_MIB, Target, follow, init_args
from util import UsageError


class Uml(Target):
    """User Mode Linux: the fast default."""

    name = 'uml'
    arch = 'um'
    image = 'linux'
    process = 'UML'

    def __init__(self, cpus: str = '', accel: str = '') -> None:
        if cpus not in ('', '1'):
            raise UsageError(f'CPUS={cpus} is invalid for ARCH=um: User Mode Linux has '
                             'one CPU; expected 1 or nothing (ARCH=x86_64 has several)')
        if accel:
            raise UsageError(f'ACCEL={accel} is invalid for ARCH=um, which runs as a host '
                             'process; ACCEL (tcg, kvm) is for ARCH=x86_64')
        self.cpus = 1

    def lanes(self, host_cpus: int) -> int:
        # A UML kernel uses one host CPU: one per host CPU, two at most.
        return max(1, min(2, host_cpus))

    def describe(self) -> list[tuple[str, str]]:
        return [('target', 'uml (User Mode Linux, 1 CPU)')]

    def boot(self, image: Path, init: Path, out: Path, plan: Path, timeout: int,
             extra_args: list[str], label: str = '',
             last: Optional[dict[str, float]] = None) -> Boot:
        # UML keeps its mconsole socket in ~/.uml/<umid>: name it, to remove
        # it even when the kernel had to be killed. Kernels booted side by
        # side by one runner need their own.
        umid = f'allocsuite-{os.getpid()}-{threading.get_ident()}-{int(time.time())}'
        args = [str(image), f'umid={umid}', f'mem={MEMORY_MIB}M', 'con=null',
                'con0=null,fd:1', 'ssl=null', 'root=/dev/root', 'rootfstype=hostfs',
                'rootflags=/', 'ro'] + init_args(init, out, plan) + \
            ['ALLOCSUITE_MOUNT=hostfs', 'ALLOCSUITE_HALT=poweroff'] + extra_args
        return follow(args, out / 'console.log', timeout, label, last,
                      cleanup=lambda: shutil.rmtree(Path.home() / '.uml' / umid,
                                                    ignore_errors=True))
