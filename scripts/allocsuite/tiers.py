# SPDX-License-Identifier: GPL-2.0
"""The tiers, in one registry: what each builds, what the init runs for
it, and how its output is read.

A tier's results come either from the kernel log (KUnit: its KTAP is
printed by the kernel between the init's markers) or from the logs of the
programs the init runs (kselftests and scripts: each program's TAP goes to
<tier>/<program>.log). A new tier is one entry of TIERS.
"""

from __future__ import annotations

import dataclasses
import shlex
from pathlib import Path

from util import UsageError


@dataclasses.dataclass(frozen=True)
class Tier:
    """One tier: what it builds and runs, and how it is read."""
    name: str
    modules: tuple[str, ...] = ()        # module folders it builds
    # The module it loads: KUnit's test module (insmod and rmmod), or the
    # one its script is given with -m; relative to the built modules.
    module: str = ''
    collections: tuple[str, ...] = ()    # kselftest collections it installs and runs
    kernel_log: bool = False             # KTAP from the kernel log (KUnit), not from programs
    own_kernel: bool = False             # a kernel of its own where kernels run side by side
    # Its programs are scripts named by their file's stem (alloc_torture.sh:
    # program alloc_torture), given the tier's module with -m; their test
    # names come from the script's KINDS and EXTRA until it answers -l.
    script: bool = False
    # The module the init loads around each program of a collection.
    collection_modules: tuple[tuple[str, str], ...] = ()


TIERS: tuple[Tier, ...] = (
    Tier('kunit', modules=('kunit',), module='kunit/alloc_kunit.ko', kernel_log=True),
    # The stress tier takes as long as the others together: on UML, its own
    # kernel beside theirs halves the wall time.
    Tier('stress', modules=('modules/alloc_torture',),
         module='modules/alloc_torture/alloc_torture.ko', collections=('alloc_torture',),
         own_kernel=True, script=True),
    Tier('kselftest', modules=('modules/uaccess_probe',), collections=('uaccess', 'drop_caches'),
         collection_modules=(('uaccess', 'modules/uaccess_probe/uaccess_probe.ko'),)),
)
BY_NAME = {t.name: t for t in TIERS}
NAMES = tuple(BY_NAME)


def parse(value: str) -> list[str]:
    """TIER=kunit,stress,... (default: every tier), in registry order."""
    if not value:
        return list(NAMES)
    chosen = [t.strip() for t in value.split(',') if t.strip()]
    for name in chosen:
        if name not in BY_NAME:
            raise UsageError(f'TIER={value}: unknown tier "{name}"; '
                             f'expected one or more of {", ".join(NAMES)}, comma-separated')
    return [t for t in NAMES if t in chosen]


def collections(names: list[str]) -> dict[str, list[str]]:
    """The kselftest collections of each of @names that has any."""
    return {n: list(BY_NAME[n].collections) for n in names if BY_NAME[n].collections}


def _installed_programs(ksft: Path, collection: str) -> list[str]:
    """The programs of @collection in the installed kselftest-list.txt."""
    progs = []
    for line in (ksft / 'kselftest-list.txt').read_text().split():
        coll, _, prog = line.partition(':')
        if coll == collection:
            progs.append(prog)
    return progs


def plan(names: list[str], modules: Path, ksft: Path) -> list[tuple[str, str, str]]:
    """(tier, program, shell command) for each program the init runs for
    @names, in registry order. @modules is where the module folders were
    built (one folder per module folder), @ksft the installed kselftests."""
    q = shlex.quote
    lines = []
    for tier in (BY_NAME[n] for n in names):
        if tier.kernel_log:
            ko = modules / tier.module
            lines.append((tier.name, ko.stem, f'insmod {q(str(ko))} && rmmod {ko.stem}'))
            continue
        around = dict(tier.collection_modules)
        for collection in tier.collections:
            for prog in _installed_programs(ksft, collection):
                if tier.script:
                    ko = modules / tier.module
                    lines.append((tier.name, Path(prog).stem,
                                  f'{q(str(ksft / collection / prog))} -m {q(str(ko))}'))
                    continue
                run = f'cd {q(str(ksft / collection))} && ./{q(prog)}'
                if collection in around:
                    ko = modules / around[collection]
                    run = (f'insmod {q(str(ko))} || exit 1; ({run}); rc=$?; '
                           f'rmmod {ko.stem} || rc=1; exit $rc')
                lines.append((tier.name, prog, run))
    return lines
