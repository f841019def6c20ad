"""The work item lifecycle: start, complete, cancel, assign (no decision is recorded: the row keeps who and when)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from django_basemodels.arguments import renamed_keywords, require_user
from django_catalog.exceptions import InvalidTransitionError, InvalidUserError
from django_catalog.models import WorkItem
from django_catalog.services.guards import require_text
from django_catalog.services.locking import copy_fields, lock_work_item

OPEN = [WorkItem.Status.PENDING, WorkItem.Status.IN_PROGRESS]


def _change_work_item(
    work_item: WorkItem, *, allowed_from: Iterable[str], verb: str, changes: dict[str, Any]
) -> WorkItem:
    with transaction.atomic():
        locked = lock_work_item(work_item)
        if locked.status not in allowed_from:
            raise InvalidTransitionError(f"Cannot {verb} work item {locked.pk}: it is {locked.status}.")
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
def cancel_work_item(work_item: WorkItem, *, by: Any, reason: str = "") -> WorkItem:
    """Cancel a pending or in-progress work item (``cancelled_by=by``, ``cancel_reason=reason``).

    Raises ``InvalidTransitionError`` for a completed or cancelled item, ``InvalidUserError``, and
    ``TextTooLongError`` for a ``reason`` longer than ``CATALOG_MAX_TEXT_LENGTH``.
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    require_text(reason, "reason")
    changes = {
        "status": WorkItem.Status.CANCELLED,
        "cancelled_at": timezone.now(),
        "cancelled_by": by,
        "cancel_reason": reason,
    }
    return _change_work_item(work_item, allowed_from=OPEN, verb="cancel", changes=changes)


def assign_work_item(work_item: WorkItem, *, assignee: Any) -> WorkItem:
    """Set (or with ``None`` clear) the assignee of an open work item.

    ``assignee`` is who the work goes to, not who acts: nothing records who assigned it. Raises
    ``InvalidTransitionError`` for a completed or cancelled item and ``InvalidUserError`` when
    ``assignee`` is neither ``None`` nor a saved user.
    """
    require_user(assignee, name="assignee", error=InvalidUserError, allow_none=True)
    return _change_work_item(work_item, allowed_from=OPEN, verb="assign", changes={"assignee": assignee})
