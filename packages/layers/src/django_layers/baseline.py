"""Baseline files: today's violations recorded as known, so a codebase can adopt the check and only improve.

The file is plain text, one violation a line, sorted, tab-separated (rule, file, ``importer -> imported``,
kind, target), without line numbers so that edits elsewhere in a file do not disturb it. A violation
listed there is reported as known and does not fail the check; a line that matches no violation any more
is reported as stale and does fail it, until it is deleted: the baseline only shrinks.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NamedTuple

from django_layers.errors import UsageError
from django_layers.violations import RULES, Violation

HEADER = """\
# django-layers baseline: known violations, which are reported but do not fail the check.
# One a line, tab-separated: rule, file, importer -> imported, kind, target. When you fix one,
# delete its line (the check fails on lines that match nothing any more). Rewrite with --write-baseline.
"""
FIELDS = 5


class BaselineComparison(NamedTuple):
    """Violations split into new (failing) and known (listed in the baseline), and the stale entries."""

    new: list[Violation]
    known: list[Violation]
    stale: list[str]


def baseline_text(violations: list[Violation]) -> str:
    """The content of a baseline file recording ``violations`` (sorted, so rewrites make small diffs)."""
    return HEADER + "".join(f"{entry}\n" for entry in sorted(v.baseline_entry() for v in violations))


def write_baseline(path: Path, violations: list[Violation]) -> None:
    try:
        path.write_text(baseline_text(violations), encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write the baseline: {error.strerror or error}") from None


def read_baseline(path: Path) -> list[str]:
    """The entries of a baseline file. Raises :class:`UsageError` if it is missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such baseline file (create it with --write-baseline)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{path}: cannot read the baseline: {error}") from None
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != FIELDS or fields[0] not in RULES:
            raise UsageError(
                f"{path}: line {number}: expected {FIELDS} tab-separated fields starting with one of {', '.join(RULES)}"
            )
        entries.append(line)
    return entries


def compare_with_baseline(violations: list[Violation], entries: list[str]) -> BaselineComparison:
    """Match violations against baseline entries; each entry accounts for one violation."""
    remaining = Counter(entries)
    new, known = [], []
    for violation in violations:
        entry = violation.baseline_entry()
        if remaining[entry] > 0:
            remaining[entry] -= 1
            known.append(violation)
        else:
            new.append(violation)
    stale = sorted(entry for entry, count in remaining.items() for _ in range(count))
    return BaselineComparison(new=new, known=known, stale=stale)
