"""Dispensing: the append-only record that a work item's stock item was handed out, and its reversal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction

from django_basemodels.arguments import (
    renamed_keywords,
    require_aware,
    require_idempotency_key,
    require_saved,
    require_user,
)
from django_catalog import conf
from django_catalog.exceptions import (
    AlreadyDispensedError,
    CatalogPermissionDeniedError,
    IdempotencyKeyConflictError,
    InvalidEffectiveAtError,
    InvalidIdempotencyKeyError,
    InvalidUserError,
    NotDispensableError,
    NotReversibleError,
    ReasonRequiredError,
)
from django_catalog.lots import lot_reference
from django_catalog.models import CatalogItem, DispenseLog, DispenseReversal, WorkItem
from django_catalog.services.guards import key_conflicts_as_catalog_errors, reference, require_quantity, require_text
from django_catalog.services.locking import lock_work_item, lock_work_item_with_its_catalog_item
from django_decisioning.exceptions import InvalidDecisionError
from django_decisioning.services import record_decision, run_once

DISPENSE_SCOPE = "django_catalog.record_dispense"
REVERSE_DISPENSE_ACTION = "django_catalog.reverse_dispense"


@renamed_keywords(user="by")
def record_dispense(
    *,
    work_item: WorkItem,
    by: Any,
    quantity: int | None = None,
    effective_at: dt.datetime | None = None,
    notes: str = "",
    idempotency_key: str | None = None,
    lot: Any = None,
    on_behalf_of: models.Model | None = None,
) -> DispenseLog:
    """Record that the stock item of ``work_item`` was dispensed by ``by``; return the record.

    ``quantity`` defaults to the work item's. ``effective_at`` (aware, default now) may be in the
    past (backdating), never in the future; ``recorded_at`` is set by the server. The record
    keeps a snapshot of the item's name and stock code. The work item's status is left as is:
    complete it with ``complete_work_item``. ``lot`` (optional) is the lot handed out: a lot number,
    or a saved lot row of any package, stored as ``lot_reference`` (see ``django_catalog.lots``), so
    ``DispenseLog.objects.for_lot(lot)`` finds who received it.

    The dispense is recorded as a ``Decision`` ``django_catalog.record_dispense`` (actor ``by``,
    principal ``on_behalf_of``: any saved model instance or ``None``; target the record; evidence the
    item, quantity, lot and stock code; the same ``effective_at``).

    One record per work item: a repeat with the same quantity, ``by``, notes and lot (a retried
    request) returns the existing record; any other repeat raises ``AlreadyDispensedError``. Concurrent
    calls serialise on the work item's row lock; a unique constraint backs it. A wrong record is
    reversed with ``reverse_dispense``, never edited.

    With an ``idempotency_key`` (1 to 255 characters) the call goes through
    ``django_decisioning.services.run_once`` (scope ``django_catalog.record_dispense``) and the key
    is stored on the record, unique: a repeat of the request returns the record, also after
    decisioning's record of the key was purged, and never dispenses twice; the key used for another
    request (another work item, quantity, ``by``, notes, lot or ``effective_at``) raises
    ``IdempotencyKeyConflictError``.

    Raises ``NotDispensableError`` (not a stock item, or a cancelled work item),
    ``AlreadyDispensedError``, ``IdempotencyKeyConflictError``, ``InvalidEffectiveAtError``,
    ``InvalidQuantityError``, ``InvalidUserError``, ``InvalidIdempotencyKeyError``, ``InvalidLotError``,
    ``TextTooLongError`` (``notes`` longer than ``CATALOG_MAX_TEXT_LENGTH``) and
    ``django_decisioning.InvalidDecisionError`` (``on_behalf_of`` not a saved instance); nothing is
    written then.
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    require_text(notes, "notes")
    if quantity is not None:
        require_quantity(quantity)
    require_aware(effective_at, name="effective_at", error=InvalidEffectiveAtError, not_in_future=True)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    lot_text = lot_reference(lot)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidDecisionError, allow_none=True)

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
            lot_text,
        )
        found = (
            existing.work_item_id,
            existing.dispensed_by_id,
            existing.quantity,
            existing.notes,
            existing.effective_at,
            existing.lot_reference,
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
    # Only with a lot or a principal: keys stored before these arguments existed keep their fingerprint.
    if lot_text:
        payload["lot"] = lot_text
    if on_behalf_of is not None:
        payload["on_behalf_of"] = reference(on_behalf_of)
    with key_conflicts_as_catalog_errors():
        return run_once(
            scope=DISPENSE_SCOPE,
            idempotency_key=idempotency_key,
            func=lambda: _record_dispense(
                work_item, by, quantity, effective_at, notes, idempotency_key, lot_text, on_behalf_of
            ),
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
    lot_text: str,
    on_behalf_of: models.Model | None,
) -> DispenseLog:
    with transaction.atomic():
        locked = lock_work_item_with_its_catalog_item(work_item)
        quantity = locked.quantity if quantity is None else quantity
        existing = DispenseLog.objects.filter(work_item=locked).first()
        if existing is not None:
            if (existing.quantity, existing.dispensed_by_id, existing.notes, existing.lot_reference) == (
                quantity,
                by.pk,
                notes,
                lot_text,
            ):
                return existing
            raise AlreadyDispensedError(
                f"Work item {locked.pk} was already dispensed (record {existing.pk}: {existing.quantity} x by "
                f"{existing.dispensed_by_id}). To correct it, reverse that record with "
                f"reverse_dispense(record, reason=..., by=...); a work item is dispensed once.",
                existing=existing,
            )
        if locked.catalog_item.kind != CatalogItem.Kind.STOCK_ITEM:
            raise NotDispensableError(
                f"Work item {locked.pk} is for a service ({locked.catalog_item}), not a stock item: only items "
                f"created with kind='stock_item' are dispensed."
            )
        if locked.status == WorkItem.Status.CANCELLED:
            raise NotDispensableError(f"Work item {locked.pk} is cancelled; nothing can be dispensed for it.")
        log = DispenseLog(
            work_item=locked,
            catalog_item=locked.catalog_item,
            display_name_snapshot=locked.display_name,
            stock_sku_snapshot=locked.catalog_item.stock_sku,
            quantity=quantity,
            dispensed_by=by,
            notes=notes,
            idempotency_key=idempotency_key,
            lot_reference=lot_text,
        )
        if effective_at is not None:
            log.effective_at = effective_at
        log.save()
        record_decision(
            action=DISPENSE_SCOPE,
            by=by,
            on_behalf_of=on_behalf_of,
            outcome="dispensed",
            target=log,
            effective_at=log.effective_at,
            evidence={
                "work_item": locked.pk,
                "catalog_item": locked.catalog_item_id,
                "display_name": log.display_name_snapshot,
                "stock_sku": log.stock_sku_snapshot,
                "quantity": log.quantity,
                "lot": log.lot_reference,
            },
        )
    return log


def reverse_dispense(
    dispense: DispenseLog,
    *,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> DispenseReversal:
    """Reverse a dispense record by a new fact, a ``DispenseReversal``; the record itself stays as it was.

    ``reason`` is required (what went wrong: "entered on the wrong visit", "returned unopened").
    ``effective_at`` (aware, default now) may be backdated, never before the dispense's
    ``effective_at`` nor in the future; ``recorded_at`` is set by the server. ``by`` needs the
    permission ``CATALOG_REVERSE_DISPENSE_PERMISSION`` (default ``django_catalog.add_dispensereversal``;
    ``None``: no check). Recorded as a ``Decision`` ``django_catalog.reverse_dispense`` (actor ``by``,
    principal ``on_behalf_of``, target the dispense record, evidence what was reversed and why).
    The work item's status is left as is.

    A record is reversed at most once (a one-to-one key): a repeat with the same ``by`` and reason
    returns the reversal already recorded; any other raises ``NotReversibleError`` (``.existing``).
    With an ``idempotency_key`` (scope ``django_catalog.reverse_dispense``) the key is stored on the
    reversal, unique: a retry returns it whenever it comes; the key used for another request raises
    ``IdempotencyKeyConflictError``.

    Raises ``NotReversibleError``, ``CatalogPermissionDeniedError``, ``ReasonRequiredError`` (no
    reason), ``TextTooLongError``, ``InvalidEffectiveAtError``, ``InvalidUserError``,
    ``InvalidIdempotencyKeyError``, ``IdempotencyKeyConflictError`` and
    ``django_decisioning.InvalidDecisionError`` (``on_behalf_of`` not a saved instance); nothing is
    written then.
    """
    require_saved(dispense, name="dispense", error=NotReversibleError, model=DispenseLog)
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    if not isinstance(reason, str) or not reason.strip():
        raise ReasonRequiredError(
            f"reason must say why the dispense is reversed (e.g. reason='entered on the wrong visit'), not {reason!r}."
        )
    require_text(reason, "reason")
    require_aware(effective_at, name="effective_at", error=InvalidEffectiveAtError, not_in_future=True)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidDecisionError, allow_none=True)
    permission = conf.reverse_dispense_permission()
    if permission is not None and not by.has_perm(permission):
        raise CatalogPermissionDeniedError(
            f"{by} may not reverse dispense records: grant the permission {permission!r} (or set "
            f"CATALOG_REVERSE_DISPENSE_PERMISSION), or reverse as a user who has it.",
            permission=permission,
        )

    def replay() -> DispenseReversal | None:
        existing = DispenseReversal.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            return None
        asked = (dispense.pk, by.pk, reason, existing.effective_at if effective_at is None else effective_at)
        found = (existing.dispense_id, existing.reversed_by_id, existing.reason, existing.effective_at)
        if asked != found:
            raise IdempotencyKeyConflictError(
                f"Idempotency key {idempotency_key!r} already reversed dispense {existing.dispense_id} "
                f"(by {existing.reversed_by_id}).",
                scope=REVERSE_DISPENSE_ACTION,
                key=str(idempotency_key),
            )
        return existing

    payload = {
        "dispense": reference(dispense),
        "by": reference(by),
        "on_behalf_of": reference(on_behalf_of),
        "reason": reason,
        "effective_at": effective_at,
    }
    with key_conflicts_as_catalog_errors():
        return run_once(
            scope=REVERSE_DISPENSE_ACTION,
            idempotency_key=idempotency_key,
            func=lambda: _reverse_dispense(dispense, reason, by, on_behalf_of, effective_at, idempotency_key),
            payload=payload,
            replay=replay,
        )


def _reverse_dispense(
    dispense: DispenseLog,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None,
    effective_at: dt.datetime | None,
    idempotency_key: str | None,
) -> DispenseReversal:
    with transaction.atomic():
        # The work item's row lock serialises a dispense's record and its reversals.
        lock_work_item(dispense.work_item)
        original = DispenseLog.objects.get(pk=dispense.pk)
        existing = DispenseReversal.objects.filter(dispense=original).first()
        if existing is not None:
            if (existing.reversed_by_id, existing.reason) == (by.pk, reason) and effective_at in (
                None,
                existing.effective_at,
            ):
                return existing
            raise NotReversibleError(
                f"Dispense {original.pk} was already reversed (reversal {existing.pk}, by {existing.reversed_by_id}); "
                f"a record is reversed once. To dispense again, order the item again.",
                existing=existing,
            )
        if effective_at is not None and effective_at < original.effective_at:
            raise NotReversibleError(
                f"A reversal cannot take effect before its dispense: pass effective_at at or after "
                f"{original.effective_at.isoformat()} (or leave it out for now), not {effective_at.isoformat()}."
            )
        reversal = DispenseReversal(dispense=original, reversed_by=by, reason=reason, idempotency_key=idempotency_key)
        if effective_at is not None:
            reversal.effective_at = effective_at
        reversal.save()
        record_decision(
            action=REVERSE_DISPENSE_ACTION,
            by=by,
            on_behalf_of=on_behalf_of,
            outcome="reversed",
            target=original,
            effective_at=reversal.effective_at,
            evidence={
                "dispense": original.pk,
                "work_item": original.work_item_id,
                "catalog_item": original.catalog_item_id,
                "quantity": original.quantity,
                "lot": original.lot_reference,
                "reason": reason,
            },
        )
    return reversal
