"""Reports of a check: ``text`` for people, ``json`` for programs (schema version 1, see the README), and
``github`` workflow annotations."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django_layers import __version__
from django_layers.check import CheckResult
from django_layers.violations import Violation

JSON_SCHEMA_VERSION = 1
FORMATS = ("text", "json", "github")


def render(result: CheckResult, output_format: str) -> str:
    """The report of ``result`` in ``output_format`` (one of :data:`FORMATS`), ending with a newline."""
    if output_format == "json":
        return json.dumps(json_report(result), indent=2) + "\n"
    if output_format == "github":
        return github_report(result)
    return text_report(result)


def describe(violation: Violation) -> str:
    """``path:line: rule: importer -> imported (kind target): why``."""
    return (
        f"{violation.path}:{violation.line}: {violation.rule}: {violation.importer} -> {violation.imported} "
        f"({violation.kind} {violation.target}): {violation.message}"
    )


def notes(result: CheckResult) -> list[str]:
    found = list(result.notes)
    if result.missing_packages:
        found.append(
            f"{len(result.missing_packages)} configured package(s) not found under the root "
            f"(references to them are still checked): {', '.join(result.missing_packages)}"
        )
    found.extend(f"{scan.file.relative}: skipped, {scan.error}" for scan in result.unreadable_files)
    return found


def summary(result: CheckResult) -> str:
    scanned = f"{len(result.scans)} files in {sum(1 for p in result.packages if p.location)} packages"
    if not result.violations and not result.stale:
        return f"django-layers: ok, no violations ({scanned})"
    parts = []
    if result.new:
        by_rule = Counter(violation.rule for violation in result.new)
        parts.append(
            f"{len(result.new)} violation(s) ({', '.join(f'{n} {rule}' for rule, n in sorted(by_rule.items()))})"
        )
    if result.known:
        parts.append(f"{len(result.known)} known from the baseline")
    if result.stale:
        parts.append(f"{len(result.stale)} stale baseline entr{'y' if len(result.stale) == 1 else 'ies'}")
    verdict = "FAILED" if result.failed else "ok"
    return f"django-layers: {verdict}, {', '.join(parts)} ({scanned})"


def text_report(result: CheckResult) -> str:
    lines = [describe(violation) for violation in result.new]
    lines += [f"known: {describe(violation)}" for violation in result.known]
    if result.stale:
        lines.append("stale baseline entries (fixed: delete these lines from the baseline):")
        lines += [f"  {entry}" for entry in result.stale]
    lines += [f"note: {note}" for note in notes(result)]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def _violation_data(violation: Violation, *, known: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": violation.rule,
        "path": violation.path,
        "line": violation.line,
        "importer": violation.importer,
        "imported": violation.imported,
        "kind": violation.kind,
        "target": violation.target,
        "message": violation.message,
        "known": known,
        "baseline_entry": violation.baseline_entry(),
    }
    if violation.cycle:
        data["cycle"] = list(violation.cycle)
        data["members"] = list(violation.members)
    return data


def json_report(result: CheckResult) -> dict[str, Any]:
    """The JSON document (schema version :data:`JSON_SCHEMA_VERSION`; every key is documented in the README)."""
    known = {id(violation) for violation in result.known}
    return {
        "version": JSON_SCHEMA_VERSION,
        "tool": {"name": "django-layers", "version": __version__},
        "config": result.config.file,
        "root": str(result.root),
        "ok": not result.failed,
        "summary": {
            "files": len(result.scans),
            "packages": sum(1 for package in result.packages if package.location is not None),
            "dependencies": len(result.graph.dependencies),
            "violations": len(result.new),
            "known": len(result.known),
            "stale": len(result.stale),
        },
        "violations": [_violation_data(v, known=id(v) in known) for v in result.violations],
        "stale_baseline_entries": list(result.stale),
        "missing_packages": result.missing_packages,
        "unreadable_files": [{"path": scan.file.relative, "error": scan.error} for scan in result.unreadable_files],
        "notes": list(result.notes),
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_report(result: CheckResult) -> str:
    lines = []
    for violation in result.new:
        title = _escape_property(f"django-layers {violation.rule}")
        message = _escape_data(
            f"{violation.importer} -> {violation.imported} ({violation.kind} {violation.target}): {violation.message}"
        )
        lines.append(f"::error file={_escape_property(violation.path)},line={violation.line},title={title}::{message}")
    for entry in result.stale:
        lines.append(
            f"::error title=django-layers stale baseline entry::{_escape_data(entry)} (delete it from the baseline)"
        )
    lines += [f"::warning title=django-layers::{_escape_data(note)}" for note in notes(result)]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"
