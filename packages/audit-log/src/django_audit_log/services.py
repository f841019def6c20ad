"""Write paths: ``log()`` for an action on an object, ``log_event()`` for an event without one.

Both validate every argument before writing, take the request context from ``request`` or from
the one the middleware set, redact sensitive keys, and return the stored ``AuditLog``. Models
are imported inside the functions so that ``import django_audit_log`` works before Django's app
registry is ready.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import models, router, transaction

from django_audit_log import conf
from django_audit_log.chain import chain_entries
from django_audit_log.choices import Sensitivity
from django_audit_log.context import RequestContext, context_from_request, current_context
from django_audit_log.encoding import to_json_safe
from django_audit_log.exceptions import InvalidAuditEntryError
from django_audit_log.fields import stamp_recorded_at
from django_audit_log.limits import refuse_oversized
from django_audit_log.redaction import redact, redact_changes, sensitive_names
from django_basemodels.arguments import require_aware, require_saved, require_user
from django_basemodels.fields import canonical_object_id
from django_basemodels.limits import text_within_limit

if TYPE_CHECKING:
    from django_audit_log.models import AuditLog

# The services; build_entry and insert_entries are the write helpers automatic tracking shares.
__all__ = ["log", "log_event"]

REPR_MAX_LENGTH = 255
ACTION_MAX_LENGTH = 100
_CHANGE_SIDES = frozenset({"old", "new"})


def log(
    action: str,
    obj: models.Model,
    actor: Any = None,
    *,
    request: Any = None,
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    metadata: Mapping[str, Any] | None = None,
    sensitivity: str = Sensitivity.NORMAL,
    effective_at: dt.datetime | None = None,
) -> AuditLog:
    """Record that ``actor`` did ``action`` to the saved object ``obj``; returns the stored entry.

    ``changes`` is ``{"field": {"old": ..., "new": ...}}`` (either side may be left out), and
    ``metadata`` any mapping; both are made JSON-safe and their sensitive keys redacted (the
    ``AUDIT_LOG_REDACT_FIELDS`` setting, plus ``redact`` of the model's registration). The client
    address, user agent and request id come from ``request`` or, when it is not given, from the
    context set by ``AuditContextMiddleware``; a missing ``actor`` is the request's user. The entry
    is written to ``obj``'s database, inside the caller's transaction when there is one.

    ``recorded_at`` is the server's time of writing. ``effective_at`` is when the action took effect:
    by default the one of the context (``audit_context(effective_at=...)``, ``backdate()``), else
    ``recorded_at``; an aware datetime not in the future backdates the entry.

    Raises ``InvalidAuditEntryError`` for an empty or too long action, an unsaved object (or one
    whose primary key is longer than the ``object_id`` column, 255 characters), an unknown
    sensitivity, an actor that is not a saved model instance, malformed changes, ``changes`` or
    ``metadata`` larger than ``AUDIT_LOG_MAX_JSON_BYTES`` once made JSON-safe and redacted, or an
    ``effective_at`` that is naive, not a datetime, or in the future.
    """
    require_saved(obj, name="obj", error=InvalidAuditEntryError)
    from django_audit_log.tracking import registration_for

    registration = registration_for(type(obj))
    entry = build_entry(
        action=action,
        model_label=obj._meta.label,
        object_id=canonical_object_id(obj.pk),
        object_repr=str(obj),
        actor=actor,
        context=context_from_request(request) if request is not None else current_context(),
        changes=_checked_changes(changes),
        metadata=_checked_metadata(metadata),
        sensitivity=sensitivity,
        redact_extra=registration.redact if registration else (),
        effective_at=effective_at,
    )
    refuse_oversized(entry)
    insert_entries([entry], using=router.db_for_write(type(entry), instance=obj))
    return entry


def log_event(
    action: str,
    actor: Any = None,
    *,
    metadata: Mapping[str, Any] | None = None,
    request: Any = None,
    sensitivity: str = Sensitivity.NORMAL,
    effective_at: dt.datetime | None = None,
) -> AuditLog:
    """Record an event that concerns no object (a login, an export); returns the stored entry.

    Same rules as ``log()`` for the actor, the request context, ``effective_at`` (default: the
    context's, else the time of recording; may be backdated), redaction and validation
    (``metadata`` at most ``AUDIT_LOG_MAX_JSON_BYTES``).
    """
    entry = build_entry(
        action=action,
        actor=actor,
        context=context_from_request(request) if request is not None else current_context(),
        metadata=_checked_metadata(metadata),
        sensitivity=sensitivity,
        effective_at=effective_at,
    )
    refuse_oversized(entry)
    from django_audit_log.models import AuditLog

    insert_entries([entry], using=router.db_for_write(AuditLog))
    return entry


def build_entry(
    *,
    action: str,
    actor: Any,
    context: RequestContext | None,
    model_label: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict[str, dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    sensitivity: str = Sensitivity.NORMAL,
    redact_extra: Iterable[str] = (),
    effective_at: dt.datetime | None = None,
) -> AuditLog:
    """Make an unsaved entry from already JSON-safe ``changes`` and ``metadata``, redacting both.

    ``actor=None`` means the context's user, ``effective_at=None`` the context's ``effective_at`` or,
    without one, the entry's ``recorded_at`` (stamped here with the server's time).
    Raises ``InvalidAuditEntryError`` as ``log()`` does,
    except for the size of ``changes`` and ``metadata``, which the callers deal with
    (``django_audit_log.limits``).
    """
    from django.contrib.auth.models import AnonymousUser

    from django_audit_log.models import AuditLog

    if not isinstance(action, str) or not action.strip() or len(action) > ACTION_MAX_LENGTH:
        raise InvalidAuditEntryError(f"action must be a non-empty string of at most {ACTION_MAX_LENGTH} characters.")
    if sensitivity not in Sensitivity.values:
        raise InvalidAuditEntryError(f"sensitivity must be one of {Sensitivity.values}, not {sensitivity!r}.")
    object_id_length = AuditLog._meta.get_field("object_id").max_length
    assert object_id_length is not None  # a CharField's
    text_within_limit(object_id, name="object_id", limit=object_id_length, error=InvalidAuditEntryError)
    if actor is None and context is not None:
        actor = context.actor()
    elif isinstance(actor, AnonymousUser):
        actor = None  # nobody to record
    require_user(actor, name="actor", error=InvalidAuditEntryError)
    if effective_at is not None:
        effective_at = require_aware(
            effective_at, name="effective_at", error=InvalidAuditEntryError, allow_none=False, not_in_future=True
        )
    else:
        # The context's, checked by audit_context() and backdate(); a request= given inside backdate()
        # makes a context of its own, which must not undo the backdating around it.
        ambient = current_context()
        effective_at = (context.effective_at if context else None) or (ambient.effective_at if ambient else None)
    names = sensitive_names(redact_extra)
    entry = AuditLog(
        id=uuid.uuid4(),
        action=action,
        model_label=model_label,
        object_id=object_id,
        object_repr=object_repr[:REPR_MAX_LENGTH],
        actor=actor,
        actor_repr=str(actor)[:REPR_MAX_LENGTH] if actor is not None else "",
        changes=redact_changes(changes, names) if changes else {},
        metadata=redact(metadata, names) if metadata else {},
        ip_address=context.ip_address if context else None,
        user_agent=context.user_agent if context else "",
        request_id=context.request_id if context else "",
        sensitivity=Sensitivity(sensitivity).value,
    )
    if effective_at is not None:
        entry.effective_at = effective_at
    stamp_recorded_at(entry)  # recorded_at is the server's time, never a caller's; effective_at defaults to it
    return entry


def insert_entries(entries: Sequence[AuditLog], *, using: str) -> None:
    """Store new entries on ``using`` (chained first when ``AUDIT_LOG_HASH_CHAIN`` is on), in one transaction."""
    if not entries:
        return
    from django_audit_log.models import AuditLog

    if conf.hash_chain_enabled():
        with transaction.atomic(using=using, savepoint=False):
            chain_entries(entries, using)
            AuditLog.objects.using(using).bulk_create(entries)
    elif len(entries) == 1:
        # One INSERT, no BEGIN/COMMIT around it in autocommit mode (bulk_create would add them).
        entries[0].save(using=using)
    else:
        AuditLog.objects.using(using).bulk_create(entries)


def _checked_changes(changes: Mapping[str, Mapping[str, Any]] | None) -> dict[str, dict[str, Any]]:
    if changes is None:
        return {}
    if not isinstance(changes, Mapping):
        raise InvalidAuditEntryError('changes must be a mapping {"field": {"old": ..., "new": ...}}.')
    checked: dict[str, dict[str, Any]] = {}
    for field, sides in changes.items():
        if not isinstance(field, str) or not isinstance(sides, Mapping) or not sides or set(sides) - _CHANGE_SIDES:
            raise InvalidAuditEntryError(
                f'changes[{field!r}] must be a mapping with "old" and/or "new" keys, not {sides!r}.'
            )
        checked[field] = {side: to_json_safe(value) for side, value in sides.items()}
    return checked


def _checked_metadata(metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidAuditEntryError(f"metadata must be a mapping, not {type(metadata).__name__}.")
    return to_json_safe(metadata)
