# SPDX-License-Identifier: GPL-2.0
"""KTAP, in one place: the result and subtest lines, the dotted path and
skip reason of every result, and turning what the tiers printed into one
KTAP document per tier."""

from __future__ import annotations

import re
from typing import Optional

_START = re.compile(r'^\s*(K?TAP version \d+)\s*$')
# A result line: (indent, "ok" or "not ok", name, the rest with directives)
RESULT = re.compile(r'^(\s*)(not ok|ok) \d+ (\S+)(.*)$')
# A subtest header: (indent, name); its result line is 4 spaces further out.
SUBTEST = re.compile(r'^(\s*)# Subtest: (\S+)')
_SKIP_DIRECTIVE = re.compile(r'#\s*SKIP\b\s*(.*)$', re.I)

# kselftest exit statuses (tools/testing/selftests/kselftest.h)
KSFT_PASS = 0
KSFT_SKIP = 4


def results(lines: list[str], prefix: str = '') -> list[tuple[int, str, re.Match[str]]]:
    """(index, dotted path, RESULT match) of every result line, the path
    nested from the "# Subtest:" lines (and under @prefix, if given)."""
    stack: list[tuple[int, str]] = []
    found = []
    for i, line in enumerate(lines):
        m = SUBTEST.match(line)
        if m:
            stack.append((len(m.group(1)) - 4, m.group(2)))
            continue
        m = RESULT.match(line)
        if m:
            level = len(m.group(1))
            path = ([prefix] if prefix else []) + [name for lvl, name in stack if lvl < level]
            found.append((i, '.'.join(path + [m.group(3)]), m))
            stack = [(lvl, name) for lvl, name in stack if lvl < level]
    return found


def skip_reasons(lines: list[str], prefix: str = '', empty: str = '') -> dict[str, str]:
    """The reason of every skipped result, by dotted path (see results());
    @empty for a skip that gives none."""
    reasons = {}
    for _, path, m in results(lines, prefix):
        skip = _SKIP_DIRECTIVE.search(m.group(4))
        if skip:
            reasons[path] = skip.group(1).strip() or empty
    return reasons


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


_SKIP = re.compile(r'#\s*SKIP\b[:\s]*(.*)$', re.IGNORECASE)
_SUMMARY = re.compile(r'^#\s*(Totals:|PASSED:|FAILED:|Planned tests|Starting \d+ tests)')


def skip_reason(output: list[str]) -> str:
    """Why a program that exited 4 skipped: the reason of its last
    "# SKIP", else its last diagnostic line; '' if it gave none."""
    for line in reversed(output):
        m = _SKIP.search(line)
        if m and m.group(1).strip():
            return m.group(1).strip()
    for line in reversed(output):
        text = line.strip()
        if text.startswith('#') and not _SUMMARY.match(text) and not _SKIP.search(text) \
                and text.lstrip('#').strip():
            return text.lstrip('#').strip()
    return ''


def program_result(name: str, index: int, exit_status: Optional[str],
                   output: Optional[list[str]] = None) -> str:
    """The KTAP result line of one program from its exit status."""
    if exit_status is None:
        return f'not ok {index} {name} # did not finish'
    if exit_status == str(KSFT_PASS):
        return f'ok {index} {name}'
    if exit_status == str(KSFT_SKIP):
        return f'ok {index} {name} # SKIP {skip_reason(output or [])}'.rstrip()
    return f'not ok {index} {name} # exit status {exit_status}'


def program_problems(key: str, exit_status: Optional[str], output: list[str]) -> list[str]:
    """What a program's exit status alone says is wrong: any status but 0
    and 4 (kselftest's skip of the whole program), even after results
    that all passed; a 4 without a reason. A program that never ended is
    the kernel's death or hang, judged elsewhere."""
    if exit_status is None or exit_status == str(KSFT_PASS):
        return []
    if exit_status == str(KSFT_SKIP):
        if skip_reason(output):
            return []
        return [f'{key} exited with status 4 (skip) without a reason: '
                'no "# SKIP <reason>" and no diagnostic line']
    return [f'{key} exited with status {exit_status}']


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
        doc.append(program_result(name, index, status, output))
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
