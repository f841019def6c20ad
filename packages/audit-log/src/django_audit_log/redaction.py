"""Redaction: values under sensitive keys become ``"[REDACTED]"``, at any depth of changes and metadata."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django_audit_log import conf


@lru_cache(maxsize=64)
def _normalised(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


def sensitive_names(extra: Iterable[str] = ()) -> frozenset[str]:
    """Lower-cased names from ``AUDIT_LOG_REDACT_FIELDS`` plus ``extra`` (a registration's ``redact``)."""
    return _normalised((*conf.redact_fields(), *extra))


def redact(value: Any, names: frozenset[str]) -> Any:
    """Return JSON data with the value of every key in ``names`` (case-insensitive) replaced, recursively."""
    if isinstance(value, dict):
        return {key: conf.REDACTED if key.lower() in names else redact(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [redact(item, names) for item in value]
    return value


def redact_changes(changes: dict[str, dict[str, Any]], names: frozenset[str]) -> dict[str, dict[str, Any]]:
    """Redact a changes mapping: a sensitive field keeps its ``old``/``new`` keys with both values redacted."""
    return {
        field: {side: conf.REDACTED for side in sides}
        if field.lower() in names
        else {side: redact(value, names) for side, value in sides.items()}
        for field, sides in changes.items()
    }
