"""Dispensing: the append-only record that a work item's stock item was handed out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from django_basemodels.arguments import renamed_keywords, require_aware, require_idempotency_key, require_user
from django_catalog.exceptions import (
    AlreadyDispensedError,
    IdempotencyKeyConflictError,
    InvalidEffectiveAtError,
    InvalidIdempotencyKeyError,
    InvalidUserError,
    NotDispensableError,
)
from django_catalog.models import CatalogItem, DispenseLog, WorkItem
from django_catalog.services.guards import key_conflicts_as_catalog_errors, reference, require_quantity, require_text
from django_catalog.services.locking import lock_work_item_with_its_catalog_item
from django_decisioning.services import run_once

DISPENSE_SCOPE = "django_catalog.record_dispense"


@renamed_keywords(user="by")
def record_dispense(
    *,
    work_item: WorkItem,
    by: Any,
    quantity: int | None = None,
    effective_at: dt.datetime | None = None,
    notes: str = "",
    idempotency_key: str | None = None,
) -> DispenseLog:
    """Record that the stock item of ``work_item`` was dispensed by ``by``; return the record.

    ``quantity`` defaults to the work item's. ``effective_at`` (aware, default now) may be in the
    past (backdating), never in the future; ``recorded_at`` is set by the server. The record
    keeps a snapshot of the item's name and stock code. The work item's status is left as is:
    complete it with ``complete_work_item``.

    One record per work item: a repeat with the same quantity, ``by`` and notes (a retried request)
    returns the existing record; any other repeat raises ``AlreadyDispensedError``. Concurrent calls
    serialise on the work item's row lock; a unique constraint backs it.

    With an ``idempotency_key`` (1 to 255 characters) the call goes through
    ``django_decisioning.services.run_once`` (scope ``django_catalog.record_dispense``) and the key
    is stored on the record, unique: a repeat of the request returns the record, also after
    decisioning's record of the key was purged, and never dispenses twice; the key used for another
    request (another work item, quantity, ``by``, notes or ``effective_at``) raises
    ``IdempotencyKeyConflictError``.

    Raises ``NotDispensableError`` (not a stock item, or a cancelled work item),
    ``AlreadyDispensedError``, ``IdempotencyKeyConflictError``, ``InvalidEffectiveAtError``,
    ``InvalidQuantityError``, ``InvalidUserError``, ``InvalidIdempotencyKeyError``,
    ``TextTooLongError`` (``notes`` longer than ``CATALOG_MAX_TEXT_LENGTH``).
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    require_text(notes, "notes")
    if quantity is not None:
        require_quantity(quantity)
    require_aware(effective_at, name="effective_at", error=InvalidEffectiveAtError, not_in_future=True)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)

    def replay() -> DispenseLog | None:
        existing = DispenseLog.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            return None
        asked = (
            work_item.pk,
            by.pk,
            work_item.quantity if quantity is None else quantity,
            notes,
            existing.effective_at if effective_at is None else effective_at,
        )
        found = (
            existing.work_item_id,
            existing.dispensed_by_id,
            existing.quantity,
            existing.notes,
            existing.effective_at,
        )
        if asked != found:
            raise IdempotencyKeyConflictError(
                f"Idempotency key {idempotency_key!r} already recorded dispense {existing.pk} of work item "
                f"{existing.work_item_id}: {existing.quantity} x by {existing.dispensed_by_id}.",
                scope=DISPENSE_SCOPE,
                key=str(idempotency_key),
            )
        return existing

    payload = {
        "work_item": reference(work_item),
        "by": reference(by),
        "quantity": quantity,
        "effective_at": effective_at,
        "notes": notes,
    }
    with key_conflicts_as_catalog_errors():
        return run_once(
            scope=DISPENSE_SCOPE,
            idempotency_key=idempotency_key,
            func=lambda: _record_dispense(work_item, by, quantity, effective_at, notes, idempotency_key),
            payload=payload,
            replay=replay,
        )


def _record_dispense(
    work_item: WorkItem,
    by: Any,
    quantity: int | None,
    effective_at: dt.datetime | None,
    notes: str,
    idempotency_key: str | None,
) -> DispenseLog:
    with transaction.atomic():
        locked = lock_work_item_with_its_catalog_item(work_item)
        quantity = locked.quantity if quantity is None else quantity
        existing = DispenseLog.objects.filter(work_item=locked).first()
        if existing is not None:
            if (existing.quantity, existing.dispensed_by_id, existing.notes) == (quantity, by.pk, notes):
                return existing
            raise AlreadyDispensedError(f"Work item {locked.pk} was already dispensed.", existing=existing)
        if locked.catalog_item.kind != CatalogItem.Kind.STOCK_ITEM:
            raise NotDispensableError(f"Work item {locked.pk} is for a service, not a stock item.")
        if locked.status == WorkItem.Status.CANCELLED:
            raise NotDispensableError(f"Work item {locked.pk} is cancelled.")
        log = DispenseLog(
            work_item=locked,
            catalog_item=locked.catalog_item,
            display_name_snapshot=locked.display_name,
            stock_sku_snapshot=locked.catalog_item.stock_sku,
            quantity=quantity,
            dispensed_by=by,
            notes=notes,
            idempotency_key=idempotency_key,
        )
        if effective_at is not None:
            log.effective_at = effective_at
        log.save()
    return log
