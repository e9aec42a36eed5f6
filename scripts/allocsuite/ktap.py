# SPDX-License-Identifier: GPL-2.0
"""Turn what the tiers printed into one KTAP document per tier."""

from __future__ import annotations

import re
from typing import Optional

_START = re.compile(r'^\s*(K?TAP version \d+)\s*$')

# kselftest exit statuses (tools/testing/selftests/kselftest.h)
KSFT_PASS = 0
KSFT_SKIP = 4


def from_start(lines: list[str]) -> list[str]:
    """The lines from the first KTAP/TAP version line on, or []."""
    for i, line in enumerate(lines):
        if _START.match(line):
            return lines[i:]
    return []


def kunit_document(lines: list[str]) -> list[str]:
    """The KTAP document KUnit printed to the kernel log between markers:
    KTAP lines only, so that kernel messages do not break the plan."""
    doc = from_start(lines)
    # Kernel reports and other messages stay in as test logs; the module's
    # own rmmod or load messages after the last top-level result do not.
    last = max((i for i, line in enumerate(doc)
                if re.match(r'^(not ok|ok) \d+ ', line)), default=len(doc) - 1)
    return doc[:last + 1]


def program_result(name: str, index: int, exit_status: Optional[str]) -> str:
    """The KTAP result line of one program from its exit status."""
    if exit_status is None:
        return f'not ok {index} {name} # did not finish'
    if exit_status == str(KSFT_PASS):
        return f'ok {index} {name}'
    if exit_status == str(KSFT_SKIP):
        return f'ok {index} {name} # SKIP'
    return f'not ok {index} {name} # exit status {exit_status}'


def tier_document(programs: list[tuple[str, list[str], Optional[str]]],
                  nest: bool = True) -> list[str]:
    """One KTAP document for a tier whose programs print TAP themselves.

    programs: (name, output lines, exit status or None if it never ended).
    With @nest, the TAP of each program that finished becomes a subtest,
    indented one level; otherwise its output is kept as diagnostics, for
    output too broken to parse.
    """
    doc = ['KTAP version 1', f'1..{len(programs)}']
    for index, (name, output, status) in enumerate(programs, 1):
        nested = from_start(output) if nest and status is not None else []
        if nested:
            doc.extend('    ' + line if line else '' for line in nested)
        else:
            doc.extend(f'# {line}' for line in output)
        doc.append(program_result(name, index, status))
    return doc


_DIRECTIVE = re.compile(r'^\s*ok \d+ (\S+) # (XFAIL|XPASS)\b\s*(.*)$')


def deviations(lines: list[str]) -> list[tuple[str, str, str]]:
    """(test, XFAIL or XPASS, reason) of every expected failure and
    unexpected pass a kselftest program reported."""
    found = []
    for line in lines:
        m = _DIRECTIVE.match(line)
        if m:
            found.append((m.group(1), m.group(2), m.group(3).strip()))
    return found
