"""Lot status changes: block, unblock, recall (optionally removing the stock) and expire."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from django_basemodels.tenancy import ANY_ORG
from django_basemodels.transactions import retry_on_deadlock
from django_decisioning.services import record_decision, run_once
from django_stock import conf
from django_stock.choices import Direction, LotStatus, MovementType
from django_stock.exceptions import InvalidMovementError, InvalidStatusChangeError, LotExpiredError, UnknownLotError
from django_stock.models import Lot, StockMovement
from django_stock.services._validation import (
    check_common,
    check_permission,
    check_reason,
    database,
    instance_key,
    request_payload,
)
from django_stock.services.locking import lock_held_balances, lock_lot
from django_stock.services.writing import Line, scope_of, stored_movements, write_movements

if TYPE_CHECKING:
    from django_stock.querysets import OrgFilter


def _set_status(db: str, lot: Lot, status: LotStatus) -> None:
    lot.status = status
    lot.save(using=db, update_fields=["status", "updated_at"])


def recall_lot(
    *,
    lot: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    remove: bool = False,
    reference: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> list[StockMovement]:
    """Recall ``lot`` everywhere: its status becomes ``recalled`` and no location can move it any more.

    With ``remove=True`` a ``recall_removal`` movement takes the whole balance out of every
    location holding some (returned, in location order; empty otherwise). A movement of the lot
    running concurrently either commits before the recall reads the balances or is refused with
    ``LotRecalledError`` afterwards. Records a decision (action ``django_stock.recall_lot``, target the
    lot). Recalling a recalled lot again is allowed (to remove stock put back by a correction).

    Raises ``StockPermissionDeniedError`` (``STOCK_RECALL_PERMISSION``), ``InvalidMovementError`` (no
    reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or ``UnknownLotError``; nothing is written then.
    """
    lot_key = instance_key(lot, Lot, UnknownLotError)
    check_reason(reason, required=True)
    check_common(
        by=by,
        on_behalf_of=on_behalf_of,
        reference=reference,
        effective_at=effective_at,
        idempotency_key=idempotency_key,
    )
    check_permission(by, conf.recall_permission(), "recall lots")
    db = database()
    service = "recall_lot"

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            the_lot = lock_lot(db, lot_key)
            previous = the_lot.status
            if previous != LotStatus.RECALLED:
                _set_status(db, the_lot, LotStatus.RECALLED)
            removals: list[StockMovement] = []
            if remove:
                held = lock_held_balances(db, lot_key)
                lines = [
                    Line(row.location, the_lot, MovementType.RECALL_REMOVAL, row.quantity, Direction.OUT)
                    for row in held
                ]
                removals = write_movements(
                    db,
                    lines,
                    reference=reference,
                    by=by,
                    reason=reason,
                    effective_at=effective_at,
                    service=service,
                    idempotency_key=idempotency_key,
                )
            record_decision(
                action=scope_of(service),
                by=by,
                on_behalf_of=on_behalf_of,
                target=the_lot,
                outcome=LotStatus.RECALLED.value,
                effective_at=effective_at,
                evidence={
                    "reason": reason,
                    "previous_status": previous,
                    "removed": [{"location": m.location_id, "quantity": m.quantity} for m in removals],
                },
            )
            return removals

    payload: dict[str, Any] = {"lot": lot_key, "reason": reason, "by": by, "on_behalf_of": on_behalf_of}
    payload |= {"remove": remove, "reference": reference, "effective_at": effective_at}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        # The removals store the key; a recall that removed nothing has no movement to find.
        replay=lambda: stored_movements(db, service, idempotency_key),
        using=db,
    )


def _change_status(
    service: str,
    *,
    lot: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None,
    idempotency_key: str | None,
    allowed_from: LotStatus,
    to: LotStatus,
) -> Lot:
    lot_key = instance_key(lot, Lot, UnknownLotError)
    check_reason(reason, required=True)
    check_common(by=by, on_behalf_of=on_behalf_of, idempotency_key=idempotency_key)
    # Before run_once: a refused user leaves no idempotency key row and no decision behind.
    check_permission(by, conf.block_permission(), f"{'block' if to == LotStatus.BLOCKED else 'unblock'} lots")
    db = database()

    def run() -> Lot:
        with transaction.atomic(using=db):
            the_lot = lock_lot(db, lot_key)
            previous = the_lot.status
            if previous != allowed_from:
                raise InvalidStatusChangeError(
                    f"Lot {the_lot.lot_number} is {previous}: it must be {allowed_from} to become {to}."
                )
            if (
                to == LotStatus.ACTIVE
                and the_lot.expiry_date is not None
                and the_lot.expiry_date <= timezone.localdate()
            ):
                raise LotExpiredError(f"Lot {the_lot.lot_number} expired on {the_lot.expiry_date}.", lot=the_lot)
            _set_status(db, the_lot, to)
            record_decision(
                action=scope_of(service),
                by=by,
                on_behalf_of=on_behalf_of,
                target=the_lot,
                outcome=to,
                evidence={"reason": reason, "previous_status": previous},
            )
            return the_lot

    payload: dict[str, Any] = {"lot": lot_key, "reason": reason, "by": by, "on_behalf_of": on_behalf_of}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        using=db,
    )


def block_lot(
    *,
    lot: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Lot:
    """Block an active lot (quarantine): it can no longer be received, issued, transferred or returned.

    Records a decision (action ``django_stock.block_lot``). Raises ``StockPermissionDeniedError``
    (``STOCK_BLOCK_PERMISSION``), ``InvalidStatusChangeError`` when the lot is not active,
    ``InvalidMovementError`` (no reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or ``UnknownLotError``;
    nothing is written then.
    """
    return _change_status(
        "block_lot",
        lot=lot,
        reason=reason,
        by=by,
        on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
        allowed_from=LotStatus.ACTIVE,
        to=LotStatus.BLOCKED,
    )


def unblock_lot(
    *,
    lot: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Lot:
    """Make a blocked lot active again. Records a decision (action ``django_stock.unblock_lot``).

    Raises ``StockPermissionDeniedError`` (``STOCK_BLOCK_PERMISSION``), ``InvalidStatusChangeError`` when the
    lot is not blocked, ``LotExpiredError`` when it is past its expiry date, ``InvalidMovementError`` (no
    reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or ``UnknownLotError``; nothing is written then.
    """
    return _change_status(
        "unblock_lot",
        lot=lot,
        reason=reason,
        by=by,
        on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
        allowed_from=LotStatus.BLOCKED,
        to=LotStatus.ACTIVE,
    )


def expire_lots(*, today: dt.date | None = None, org: OrgFilter = ANY_ORG) -> list[Lot]:
    """Mark every active or blocked lot whose expiry date is ``today`` or earlier as ``expired``.

    ``org`` limits it to the lots of one organization's items (``None``: of no organization); by default,
    ``ANY_ORG``, every lot.

    ``today`` defaults to ``timezone.localdate()``. Returns the lots changed, each with a decision
    (action ``django_stock.expire_lots``, actor: the system). Idempotent: a second run changes
    nothing, and two runs at once change each lot once (the lots are locked and re-checked).
    """
    if today is None:
        today = timezone.localdate()
    elif not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise InvalidMovementError(f"today must be a date, not {today!r}.")
    db = database()
    return retry_on_deadlock(lambda: _expire_lots(db, today, org), using=db)()


def _expire_lots(db: str, today: dt.date, org: OrgFilter) -> list[Lot]:
    with transaction.atomic(using=db):
        lots_of_org = Lot.objects.using(db).for_org(org)
        expiring = lots_of_org.filter(status__in=[LotStatus.ACTIVE, LotStatus.BLOCKED]).past_expiry(today)
        # Locked by key, in key order like every other lock on lots (a locking read through the expiry
        # index would lock them in expiry order on MariaDB/MySQL), then checked again under the lock.
        keys = list(expiring.order_by("pk").values_list("pk", flat=True))
        locked = Lot.objects.using(db).select_for_update().filter(pk__in=keys).order_by("pk") if keys else []
        lots = [lot for lot in locked if lot.status in (LotStatus.ACTIVE, LotStatus.BLOCKED)]
        for lot in lots:
            previous = lot.status
            _set_status(db, lot, LotStatus.EXPIRED)
            record_decision(
                action=scope_of("expire_lots"),
                by=None,
                target=lot,
                outcome=LotStatus.EXPIRED.value,
                evidence={"expiry_date": lot.expiry_date, "today": today, "previous_status": previous},
            )
    return lots
