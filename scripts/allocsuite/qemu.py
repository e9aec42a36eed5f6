# SPDX-License-Identifier: GPL-2.0
"""The x86_64 target: the kernel under test in qemu-system-x86_64 with
several CPUs, the host root read-only over 9p, the run folder as the one
writable 9p mount, the console on the first serial port.

TCG by default: KVM in a virtual machine (nested) hangs or crashes on many
CI hosts. ACCEL=kvm uses KVM only after a probe boot with it succeeded,
and TCG otherwise, with the reason in the summary."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Optional

from target import Boot, MEMORY_MIB, Target, follow, init_args
from util import UsageError, progress

QEMU = 'qemu-system-x86_64'
# qboot starts the kernel faster than SeaBIOS (kunit.py uses it too).
QBOOT = Path('/usr/share/qemu/qboot.rom')
MAX_CPUS = 64                        # CONFIG_NR_CPUS of configs/arch/x86_64.config
ACCELS = ('tcg', 'kvm')
PROBE_SECONDS = 60
# The 9p mount tag of the run folder, which the init mounts read-write.
OUT_TAG = 'allocsuite_out'


def _qemu_path(path: Path) -> str:
    """A path as a QEMU option value: a comma is written twice."""
    return str(path).replace(',', ',,')


class QemuX86_64(Target):
    """x86_64 under QEMU, SMP."""

    name = 'qemu-x86_64'
    arch = 'x86_64'
    image = 'arch/x86/boot/bzImage'
    process = 'QEMU'

    def __init__(self, cpus: str = '', accel: str = '') -> None:
        cpus = cpus or '2'
        if not re.fullmatch(r'\d+', cpus) or not 2 <= int(cpus) <= MAX_CPUS:
            raise UsageError(f'CPUS={cpus} is invalid; expected a whole number from 2 to '
                             f'{MAX_CPUS} (virtual CPUs of the x86_64 target: the stress '
                             'tier needs at least 2)')
        accel = accel or 'tcg'
        if accel not in ACCELS:
            raise UsageError(f'ACCEL={accel} is invalid; expected tcg (the default) or kvm '
                             '(used after a probe boot with it succeeds, TCG otherwise)')
        self.cpus = int(cpus)
        self.asked = accel
        self.accel = 'tcg'
        self.why = '' if accel == 'tcg' else 'not probed yet'

    def check_host(self) -> None:
        if not shutil.which(QEMU):
            raise UsageError(f'{QEMU} is missing: install it with "apt-get install '
                             'qemu-system-x86" (or run make deps ARCH=x86_64 as root)')

    def lanes(self, host_cpus: int) -> int:
        # Every virtual CPU is a host thread under TCG: no more kernels at
        # once than the host CPUs carry.
        return max(1, min(2, host_cpus // self.cpus))

    def describe(self) -> list[tuple[str, str]]:
        accel = self.accel.upper() if self.accel == 'tcg' else 'KVM'
        why = f' ({self.why})' if self.why else ''
        return [('target', f'qemu-x86_64 ({self.cpus} CPUs, {accel}{why})')]

    def _args(self, image: Path, out: Path, accel: str) -> list[str]:
        args = [QEMU, '-accel', 'tcg,thread=multi' if accel == 'tcg' else 'kvm',
                '-cpu', 'max' if accel == 'tcg' else 'host',
                '-smp', str(self.cpus), '-m', str(MEMORY_MIB),
                '-nodefaults', '-no-reboot', '-display', 'none', '-serial', 'stdio',
                '-kernel', str(image),
                '-fsdev', 'local,id=root,path=/,readonly=on,security_model=none,'
                'multidevs=remap',
                '-device', 'virtio-9p-pci,fsdev=root,mount_tag=/dev/root',
                '-fsdev', f'local,id=out,path={_qemu_path(out)},security_model=none',
                '-device', f'virtio-9p-pci,fsdev=out,mount_tag={OUT_TAG}']
        if QBOOT.is_file():
            args += ['-bios', str(QBOOT)]
        return args

    def _cmdline(self, init: Path, out: Path, plan: Path, extra: list[str]) -> str:
        # The root is read-only and nothing changes it during a run:
        # cache=loose spares a round trip to the host per file lookup.
        return ' '.join(['console=ttyS0', 'root=/dev/root', 'rootfstype=9p',
                         'rootflags=trans=virtio,version=9p2000.L,cache=loose', 'ro',
                         'panic=-1'] + init_args(init, out, plan) +
                        ['ALLOCSUITE_MOUNT=9p', f'ALLOCSUITE_MOUNT_TAG={OUT_TAG}',
                         'ALLOCSUITE_HALT=reboot'] + extra)

    def prepare(self, image: Path, init: Path, scratch: Path, timeout: int) -> None:
        """With ACCEL=kvm: one boot with KVM and an empty plan; KVM only
        when it reached the end of the init."""
        if self.asked != 'kvm':
            return
        if not os.access('/dev/kvm', os.R_OK | os.W_OK):
            self.why = 'ACCEL=kvm, but /dev/kvm is missing or not usable'
            progress(f'KVM: {self.why}; using TCG')
            return
        scratch.mkdir(parents=True, exist_ok=True)
        plan = scratch / 'plan'
        plan.write_text('')
        progress(f'probing KVM: booting {image} with an empty plan '
                 f'(at most {min(timeout, PROBE_SECONDS)}s)')
        boot = follow(self._args(image, scratch, 'kvm') +
                      ['-append', self._cmdline(init, scratch, plan, [])],
                      scratch / 'console.log', min(timeout, PROBE_SECONDS), quiet=True)
        if boot.status == 0 and 'allocsuite: all done' in boot.text:
            self.accel, self.why = 'kvm', f'probe boot passed in {boot.seconds:.1f}s'
        else:
            how = 'hung' if boot.timed_out else f'exit status {boot.status}, no "all done"'
            self.why = f'ACCEL=kvm, but the KVM probe boot failed ({how}, ' \
                       f'see {scratch / "console.log"})'
        progress(f'KVM: {self.why}; using {self.accel.upper()}')

    def boot(self, image: Path, init: Path, out: Path, plan: Path, timeout: int,
             extra_args: list[str], label: str = '',
             last: Optional[dict[str, float]] = None) -> Boot:
        args = self._args(image, out, self.accel) + \
            ['-append', self._cmdline(init, out, plan, extra_args)]
        return follow(args, out / 'console.log', timeout, label, last)
