"""The work item lifecycle: start, complete, cancel, assign.

Start, complete and assign change the work item's row (it keeps who and when). A cancellation is an
append-only fact, ``WorkItemCancellation``, recorded as a ``Decision`` ``django_catalog.cancel_work_item``;
the work item's status copies it and the database keeps a cancelled work item as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from django_basemodels.arguments import (
    renamed_keywords,
    require_aware,
    require_idempotency_key,
    require_saved,
    require_user,
)
from django_catalog.exceptions import (
    IdempotencyKeyConflictError,
    InvalidEffectiveAtError,
    InvalidIdempotencyKeyError,
    InvalidTransitionError,
    InvalidUserError,
)
from django_catalog.models import WorkItem, WorkItemCancellation
from django_catalog.services.guards import key_conflicts_as_catalog_errors, reference, require_text
from django_catalog.services.locking import copy_fields, lock_work_item
from django_decisioning.exceptions import InvalidDecisionError
from django_decisioning.services import record_decision, run_once

CANCEL_WORK_ITEM_ACTION = "django_catalog.cancel_work_item"
CANCEL_WORK_ITEM_FIELDS = ["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]

OPEN = [WorkItem.Status.PENDING, WorkItem.Status.IN_PROGRESS]
PAST = {"start": "started", "complete": "completed", "assign": "assigned"}


def _change_work_item(
    work_item: WorkItem, *, allowed_from: Iterable[str], verb: str, changes: dict[str, Any]
) -> WorkItem:
    with transaction.atomic():
        locked = lock_work_item(work_item)
        if locked.status not in allowed_from:
            allowed = " or ".join(str(status).replace("_", "-") for status in allowed_from)
            hint = (
                " Start it first with start_work_item(work_item, by=...)."
                if verb == "complete" and locked.status == WorkItem.Status.PENDING
                else ""
            )
            raise InvalidTransitionError(
                f"Cannot {verb} work item {locked.pk}: it is {locked.status}; only {allowed} work can be "
                f"{PAST[verb]}.{hint}"
            )
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
    copy_fields(locked, work_item, [*changes, "updated_at"])
    return locked


@renamed_keywords(user="by")
def start_work_item(work_item: WorkItem, *, by: Any) -> WorkItem:
    """Move a pending work item to ``in_progress``; an unassigned item is assigned to ``by``.

    Returns the saved work item (the caller's instance is updated too). Raises
    ``InvalidTransitionError`` unless the item is pending, and ``InvalidUserError``.
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    changes: dict[str, Any] = {"status": WorkItem.Status.IN_PROGRESS, "started_at": timezone.now()}
    if work_item.assignee_id is None:
        changes["assignee"] = by
    return _change_work_item(work_item, allowed_from=[WorkItem.Status.PENDING], verb="start", changes=changes)


@renamed_keywords(user="by")
def complete_work_item(work_item: WorkItem, *, by: Any) -> WorkItem:
    """Move an in-progress work item to ``completed`` (``completed_by=by``).

    Raises ``InvalidTransitionError`` unless the item is in progress, and ``InvalidUserError``.
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    changes = {"status": WorkItem.Status.COMPLETED, "completed_at": timezone.now(), "completed_by": by}
    return _change_work_item(work_item, allowed_from=[WorkItem.Status.IN_PROGRESS], verb="complete", changes=changes)


@renamed_keywords(user="by")
def cancel_work_item(
    work_item: WorkItem,
    *,
    by: Any,
    reason: str = "",
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> WorkItem:
    """Cancel a pending or in-progress work item; return it (the caller's instance is updated too).

    The cancellation is an append-only fact, ``WorkItemCancellation`` (``cancelled_by=by``, ``reason``,
    the status it left, ``effective_at``: aware, default now, may be backdated, never in the future;
    ``recorded_at`` set by the server), one per work item, recorded as a ``Decision``
    ``django_catalog.cancel_work_item`` (actor ``by``, principal ``on_behalf_of``, target the work
    item). In the same transaction the work item takes status ``cancelled`` and copies the fact into
    ``cancelled_at`` (its ``effective_at``), ``cancelled_by`` and ``cancel_reason``; the database
    refuses any later change of those (``WorkItem.Meta.guarantees``).

    With an ``idempotency_key`` (scope ``django_catalog.cancel_work_item``, stored on the fact,
    unique) a repeat returns the cancelled work item, also after decisioning's key was purged; the
    key used for another request raises ``IdempotencyKeyConflictError``. Without a key, cancelling a
    cancelled item raises ``InvalidTransitionError``.

    Raises ``InvalidTransitionError`` for a completed or cancelled item, ``InvalidUserError``,
    ``InvalidEffectiveAtError``, ``InvalidIdempotencyKeyError``, ``IdempotencyKeyConflictError``,
    ``TextTooLongError`` for a ``reason`` longer than ``CATALOG_MAX_TEXT_LENGTH`` and
    ``django_decisioning.InvalidDecisionError`` (``on_behalf_of`` not a saved instance).
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    require_text(reason, "reason")
    require_aware(effective_at, name="effective_at", error=InvalidEffectiveAtError, not_in_future=True)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidDecisionError, allow_none=True)

    def replay() -> WorkItem | None:
        existing = WorkItemCancellation.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            return None
        asked = (work_item.pk, by.pk, reason, existing.effective_at if effective_at is None else effective_at)
        found = (existing.work_item_id, existing.cancelled_by_id, existing.reason, existing.effective_at)
        if asked != found:
            raise IdempotencyKeyConflictError(
                f"Idempotency key {idempotency_key!r} already cancelled work item {existing.work_item_id} "
                f"(by {existing.cancelled_by_id}).",
                scope=CANCEL_WORK_ITEM_ACTION,
                key=str(idempotency_key),
            )
        return WorkItem.objects.get(pk=existing.work_item_id)

    payload = {
        "work_item": reference(work_item),
        "by": reference(by),
        "on_behalf_of": reference(on_behalf_of),
        "reason": reason,
        "effective_at": effective_at,
    }
    with key_conflicts_as_catalog_errors():
        cancelled = run_once(
            scope=CANCEL_WORK_ITEM_ACTION,
            idempotency_key=idempotency_key,
            func=lambda: _cancel_work_item(work_item, by, reason, on_behalf_of, effective_at, idempotency_key),
            payload=payload,
            replay=replay,
        )
    copy_fields(cancelled, work_item, CANCEL_WORK_ITEM_FIELDS)
    return cancelled


def _cancel_work_item(
    work_item: WorkItem,
    by: Any,
    reason: str,
    on_behalf_of: models.Model | None,
    effective_at: dt.datetime | None,
    idempotency_key: str | None,
) -> WorkItem:
    with transaction.atomic():
        locked = lock_work_item(work_item)
        if locked.status not in OPEN:
            raise InvalidTransitionError(
                f"Cannot cancel work item {locked.pk}: it is {locked.status}; only pending or in-progress work "
                f"is cancelled."
            )
        cancellation = WorkItemCancellation(
            work_item=locked,
            cancelled_by=by,
            status_before=locked.status,
            reason=reason,
            idempotency_key=idempotency_key,
        )
        if effective_at is not None:
            cancellation.effective_at = effective_at
        cancellation.save()
        locked.status = WorkItem.Status.CANCELLED
        locked.cancelled_at = cancellation.effective_at
        locked.cancelled_by = by
        locked.cancel_reason = reason
        locked.save(update_fields=CANCEL_WORK_ITEM_FIELDS)
        record_decision(
            action=CANCEL_WORK_ITEM_ACTION,
            by=by,
            on_behalf_of=on_behalf_of,
            outcome="cancelled",
            target=locked,
            effective_at=cancellation.effective_at,
            evidence={
                "work_item": locked.pk,
                "cancellation": cancellation.pk,
                "status_before": cancellation.status_before,
                "board": locked.board,
                "reason": reason,
            },
        )
    return locked


def assign_work_item(work_item: WorkItem, *, assignee: Any) -> WorkItem:
    """Set (or with ``None`` clear) the assignee of an open work item.

    ``assignee`` is who the work goes to, not who acts: nothing records who assigned it. Raises
    ``InvalidTransitionError`` for a completed or cancelled item and ``InvalidUserError`` when
    ``assignee`` is neither ``None`` nor a saved user.
    """
    require_user(assignee, name="assignee", error=InvalidUserError, allow_none=True)
    return _change_work_item(work_item, allowed_from=OPEN, verb="assign", changes={"assignee": assignee})
