"""How an entry keeps within ``AUDIT_LOG_MAX_JSON_BYTES``: refused when a caller writes it, summarised when tracked.

``log()`` and ``log_event()`` refuse ``changes`` or ``metadata`` larger than the limit: the caller
chose them and is told, before anything is written. A tracked write is the application's own
``save()`` or bulk write, which an audit limit must not refuse; the diff it records is cut down
instead, and the entry says so:

1. the values of the diff are replaced by a summary, the largest first, until it fits::

       {"truncated": true, "bytes": 2000012, "sha256": "9f2c...", "head": "first 100 characters"}

   ``bytes`` is the size of the value's JSON, ``sha256`` the digest of its canonical JSON
   (``encoding.canonical_json``), so that whoever holds a candidate value can check it was this
   one; ``head`` is there for a string only;
2. when even the summaries do not fit, ``changes`` is stored empty;
3. ``metadata["truncated"]`` holds ``limit``, ``bytes`` (the size of the whole diff), ``fields``
   (the fields whose values were summarised or left out) and ``changes`` (``"summarised"`` or
   ``"omitted"``).

Everything is computed on the redacted diff: a redacted value never reaches a digest or a head.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder

from django_audit_log import conf
from django_audit_log.encoding import canonical_json
from django_audit_log.exceptions import InvalidAuditEntryError
from django_basemodels.limits import json_within_limit

if TYPE_CHECKING:
    from django_audit_log.models import AuditLog

#: How many characters of a summarised string value are kept.
HEAD_LENGTH = 100


def refuse_oversized(entry: AuditLog) -> None:
    """Raise ``InvalidAuditEntryError`` when the entry's ``changes`` or ``metadata`` is over the limit."""
    limit = conf.max_json_bytes()
    json_within_limit(entry.changes, name="changes", limit=limit, error=InvalidAuditEntryError)
    json_within_limit(entry.metadata, name="metadata", limit=limit, error=InvalidAuditEntryError)


def fit_tracked_changes(entry: AuditLog) -> None:
    """Cut the ``changes`` of a tracked entry down to the limit, as the module docstring says; never raises."""
    limit = conf.max_json_bytes()
    if _fits(entry.changes, limit):
        return
    original: dict[str, dict[str, Any]] = entry.changes
    changes = {field: dict(sides) for field, sides in original.items()}
    sizes = {(field, side): _size(value) for field, sides in changes.items() for side, value in sides.items()}
    total = _size(changes)
    affected: set[str] = set()
    # Compact JSON is the concatenation of its members, so swapping one value changes the total
    # by exactly the difference of the two sizes.
    for (field, side), size in sorted(sizes.items(), key=lambda item: item[1], reverse=True):
        if total <= limit:
            break
        summary = _summary(changes[field][side], size)
        summary_size = _size(summary)
        if summary_size < size:
            changes[field][side] = summary
            total += summary_size - size
            affected.add(field)
    outcome = "summarised"
    if not _fits(changes, limit):
        changes, affected, outcome = {}, set(original), "omitted"
    entry.changes = changes
    entry.metadata = {
        **entry.metadata,
        "truncated": {"limit": limit, "bytes": _size(original), "fields": sorted(affected), "changes": outcome},
    }


def _fits(value: Any, limit: int) -> bool:
    try:
        json_within_limit(value, name="changes", limit=limit)
    except ValueError:
        return False
    return True


def _size(value: Any) -> int:
    # Measured as django_basemodels.limits.json_within_limit measures it.
    return len(json.dumps(value, cls=DjangoJSONEncoder).encode())


def _summary(value: Any, size: int) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "truncated": True,
        "bytes": size,
        "sha256": hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest(),
    }
    if isinstance(value, str):
        summary["head"] = value[:HEAD_LENGTH]
    return summary
