# SPDX-License-Identifier: GPL-2.0
"""Small helpers shared by the runner."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Optional


class UsageError(Exception):
    """A bad variable or argument: the message says what was expected."""


class Failure(Exception):
    """Something the run needs failed (a build, a boot): not a test verdict."""


def positive_int(name: str, value: str, upper: int) -> int:
    """Parse a Makefile number, naming the variable when it is wrong."""
    if not re.fullmatch(r'\d+', value or '') or not 1 <= int(value) <= upper:
        raise UsageError(f'{name}={value} is invalid; expected a whole number from 1 to {upper}')
    return int(value)


def progress(msg: str) -> None:
    """One progress line on the terminal."""
    print(f'[allocsuite] {msg}', flush=True)


def run_logged(cmd: list[str], log: Path, cwd: Optional[Path] = None,
               env: Optional[dict[str, str]] = None) -> bool:
    """Run a command with its output in a log file; True if it succeeded."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, 'w') as out:
        out.write('$ ' + ' '.join(cmd) + '\n')
        out.flush()
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                              env=env, stdin=subprocess.DEVNULL, check=False)
    return proc.returncode == 0


def die(msg: str, status: int = 1) -> None:
    """Print an error and exit."""
    print(f'allocsuite: error: {msg}', file=sys.stderr)
    sys.exit(status)
