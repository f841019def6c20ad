"""Movements of stock: receive, issue (one lot or FEFO), transfer, adjust and return."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import connections, models, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from django_basemodels.generic import generic_key_filter
from django_decisioning.services import run_once
from django_stock.choices import Direction, ItemStatus, LotStatus, MovementType
from django_stock.exceptions import (
    InsufficientStockError,
    InvalidMovementError,
    ItemBlockedError,
    LotBlockedError,
    LotExpiredError,
    LotRecalledError,
    ReturnExceedsIssuedError,
    UnknownItemError,
    UnknownLocationError,
    UnknownLotError,
)
from django_stock.models import Location, Lot, StockBalance, StockItem, StockMovement
from django_stock.quantities import validate_quantity
from django_stock.services._validation import check_common, check_reason, database, instance_key, request_payload
from django_stock.services.locking import (
    compiled,
    item_status_of,
    key_value,
    lock_balances,
    lock_lots_and_balances,
    share_lock_lots,
)
from django_stock.services.organizations import load_locations_of_one_org
from django_stock.services.writing import Line, scope_of, stored_movement, stored_movements, write_movements

ADJUSTMENT_TYPES = {"in": MovementType.ADJUSTMENT_IN, "out": MovementType.ADJUSTMENT_OUT}


def _is_usable(lot: Lot, today: dt.date) -> bool:
    return lot.status == LotStatus.ACTIVE and (lot.expiry_date is None or lot.expiry_date > today)


def _item_blocked(item: StockItem, lot: Lot | None = None) -> ItemBlockedError:
    message = f"Item {item.sku} is blocked: no lot of it moves until it is unblocked."
    return ItemBlockedError(message, item=item, lot=lot)


def _require_usable(lot: Lot, today: dt.date) -> None:
    """Raise the typed error of a lot that may not be received, issued, transferred or returned.

    ``lot`` comes from ``share_lock_lots``, with its item's status read under the same lock.
    """
    if lot.status == LotStatus.RECALLED:
        raise LotRecalledError(f"Lot {lot.lot_number} was recalled.", lot=lot)
    if item_status_of(lot) == ItemStatus.BLOCKED:
        raise _item_blocked(lot.item, lot)
    if lot.status == LotStatus.BLOCKED:
        raise LotBlockedError(f"Lot {lot.lot_number} is blocked.", lot=lot)
    if lot.status == LotStatus.EXPIRED or (lot.expiry_date is not None and lot.expiry_date <= today):
        raise LotExpiredError(f"Lot {lot.lot_number} expired on {lot.expiry_date}.", lot=lot)


def _fefo_order(lot: Lot) -> tuple[Any, ...]:
    # Earliest expiry first; lots without an expiry date last; ties by lot number, then key.
    return (lot.expiry_date is None, lot.expiry_date or dt.date.max, lot.lot_number, lot.pk.hex)


# The first unlocked read of FEFO candidates: enough lots for most issues; a larger issue reads on, eight times
# as many lots each time.
FEFO_FIRST_READ = 16


def _fefo_candidates(
    db: str, location_key: uuid.UUID, item_key: uuid.UUID, today: dt.date, needed: int, seen: set[uuid.UUID]
) -> tuple[list[uuid.UUID], bool]:
    """The usable lots of the item with stock at the location, in FEFO order, unlocked, up to the first whose
    running total reaches ``needed``; and whether every candidate was read.

    Sorted and cut by the database: the lots with an expiry date, then those without one (two statements, so
    that each is read in the order of the lot index ``(item, status, expiry_date, lot_number)`` and stops
    after the rows asked for). The rows read grow with the lots taken, not with the lots on the shelf.
    ``seen`` (lots already locked) are left out.
    """
    connection = connections[db]
    common = [key_value(location_key, db), key_value(item_key, db), LotStatus.ACTIVE.value, 0]
    parts = (("dated", [*common, connection.ops.adapt_datefield_value(today)]), ("undated", common))
    keys: list[uuid.UUID] = []
    running = 0
    for part, params in parts:
        offset, size = 0, FEFO_FIRST_READ
        while True:

            def build(part: str = part, offset: int = offset, size: int = size) -> models.QuerySet:
                return _candidates(db, location_key, item_key, today, part, seen)[offset : offset + size]

            if seen:  # the rare second pass: compiled each time
                sql, bound = build().query.get_compiler(using=db).as_sql()
            else:
                sql, bound = compiled(db, ("fefo_candidates", part, offset, size), build, params)
            with connection.cursor() as cursor:
                cursor.execute(sql, bound)
                rows = cursor.fetchall()
            for lot_key, held in rows:
                keys.append(lot_key if isinstance(lot_key, uuid.UUID) else uuid.UUID(lot_key))
                running += held
                if running >= needed:
                    return keys, False
            if len(rows) < size:
                break
            offset, size = offset + size, size * 8
    return keys, True


def _candidates(
    db: str, location_key: uuid.UUID, item_key: uuid.UUID, today: dt.date, part: str, seen: set[uuid.UUID]
) -> models.QuerySet:
    """One part of the FEFO candidates: the lots with an expiry date after ``today`` (``dated``), or without one."""
    candidates = (
        StockBalance.objects.using(db)
        .filter(location_id=location_key, lot__item_id=item_key, lot__status=LotStatus.ACTIVE, quantity__gt=0)
        .values_list("lot_id", "quantity")
    )
    if seen:
        candidates = candidates.exclude(lot_id__in=seen)
    if part == "dated":
        return candidates.filter(lot__expiry_date__gt=today).order_by("lot__expiry_date", "lot__lot_number")
    return candidates.filter(lot__expiry_date__isnull=True).order_by("lot__lot_number")


def _lock_fefo(
    db: str, *, location: Location, quantity: int, item_key: uuid.UUID, destination: Location | None, today: dt.date
) -> tuple[list[Lot], dict[tuple[uuid.UUID, uuid.UUID], int]]:
    """Lock the item's usable lots at ``location``, FEFO, as many as ``quantity`` needs: ``(lots, balances)``.

    The candidates are read unlocked, in FEFO order, up to the quantity; only those lots are share-locked and
    only their balance rows locked (in the one lock order), then their usability and quantities are read again
    under lock. When a concurrent movement took some of that stock meanwhile, the next candidates are read
    and locked the same way (after the first ones: the one case where a FEFO issue locks out of key order;
    a deadlock it may meet is broken by the database). Raises ``UnknownItemError`` or ``ItemBlockedError``.
    """
    usable: list[Lot] = []
    balances: dict[tuple[uuid.UUID, uuid.UUID], int] = {}
    seen: set[uuid.UUID] = set()
    available = 0

    while available < quantity:
        keys, complete = _fefo_candidates(db, location.pk, item_key, today, quantity - available, seen)
        if not keys:
            if not seen:
                # Nothing to lock: the item's status is read as it is (no stock of it moves either way).
                status = StockItem.objects.using(db).filter(pk=item_key).values_list("status", flat=True).first()
                if status is None:
                    raise UnknownItemError(f"No stock item {item_key}.", value=item_key)
                if status == ItemStatus.BLOCKED:
                    raise _item_blocked(StockItem.objects.using(db).get(pk=item_key))
            break
        seen.update(keys)
        if destination is None:
            # An issue: the lots and their balance rows by one statement where the database allows it.
            lots, locked = lock_lots_and_balances(db, location.pk, keys)
        else:
            lots = share_lock_lots(db, keys)
        if any(item_status_of(each) == ItemStatus.BLOCKED for each in lots.values()):
            raise _item_blocked(StockItem.objects.using(db).get(pk=item_key))
        # A lot left out by lock_lots_and_balances has no balance row there any more: nothing to take from it.
        fresh = [lots[key] for key in keys if key in lots and _is_usable(lots[key], today)]
        taking = [(location.pk, lot.pk) for lot in fresh]
        if destination is not None:
            adding = [(destination.pk, lot.pk) for lot in fresh]
            locked = lock_balances(db, taking=taking, adding=adding)
        balances.update(locked)
        usable += fresh
        available += sum(locked[pair] for pair in taking)
        if complete:
            break
    usable.sort(key=_fefo_order)
    return usable, balances


def _take(
    db: str,
    *,
    location: Location,
    quantity: int,
    lot_key: uuid.UUID | None,
    item_key: uuid.UUID | None,
    destination: Location | None = None,
) -> list[tuple[Lot, int]]:
    """Lock and allocate ``quantity`` out of ``location``: from one lot, or FEFO across the item's usable lots.

    The destination's rows for the same lots are locked in the same pass. Raises ``UnknownLotError``,
    ``UnknownItemError``, ``ItemBlockedError``, ``LotRecalledError``/``LotBlockedError``/``LotExpiredError``
    (explicit lot) or ``InsufficientStockError`` with the usable quantity.
    """
    today = timezone.localdate()
    if lot_key is not None:
        lots = share_lock_lots(db, [lot_key])
        _require_usable(lots[lot_key], today)
        usable = [lots[lot_key]]
        taking = [(location.pk, lot_key)]
        adding = [(destination.pk, lot_key)] if destination is not None else []
        balances = lock_balances(db, taking=taking, adding=adding)
    else:
        assert item_key is not None  # _lot_or_item gives a lot or an item
        usable, balances = _lock_fefo(
            db, location=location, quantity=quantity, item_key=item_key, destination=destination, today=today
        )
    available = sum(balances[(location.pk, lot.pk)] for lot in usable)
    if available < quantity:
        what = f"lot {usable[0].lot_number}" if lot_key is not None else f"item {item_key} (usable lots)"
        raise InsufficientStockError(
            f"{quantity} requested from {location.code}, {available} available of {what}.",
            requested=quantity,
            available=available,
            location=location,
            lot=usable[0] if lot_key is not None else None,
            item=item_key,
        )
    allocation = []
    remaining = quantity
    for lot in usable:
        share = min(remaining, balances[(location.pk, lot.pk)])
        if share:
            allocation.append((lot, share))
            remaining -= share
        if not remaining:
            break
    return allocation


def receive(
    *,
    location: Any,
    lot: Any,
    quantity: int,
    reference: models.Model | None = None,
    by: Any = None,
    effective_at: dt.datetime | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
) -> StockMovement:
    """Receive ``quantity`` units of ``lot`` into ``location``; return the ``receive`` movement.

    ``location`` and ``lot`` are instances or their UUIDs; ``reference`` is any saved model (the
    delivery note), ``by`` the user, ``effective_at`` an aware datetime not in the future
    (default: now). Raises ``InvalidQuantityError``, ``InvalidMovementError``, ``UnknownLocationError``,
    ``UnknownLotError``, ``LotRecalledError``, ``LotBlockedError``, ``ItemBlockedError`` (the lot's item is blocked),
    ``LotExpiredError`` or ``CrossOrgMovementError`` (the lot's item and the location belong to two organizations);
    nothing is written then.
    """
    return _bring_in(
        service="receive",
        movement_type=MovementType.RECEIVE,
        location=location,
        lot=lot,
        quantity=quantity,
        reference=reference,
        by=by,
        effective_at=effective_at,
        reason=reason,
        idempotency_key=idempotency_key,
    )


def _bring_in(
    *,
    service: str,
    movement_type: MovementType,
    location: Any,
    lot: Any,
    quantity: int,
    reference: models.Model | None,
    by: Any,
    effective_at: dt.datetime | None,
    reason: str,
    idempotency_key: str | None,
) -> StockMovement:
    """One inbound movement of a usable lot (``receive`` and ``return_stock``): checks, locks, writes."""
    quantity = validate_quantity(quantity)
    location_key = instance_key(location, Location, UnknownLocationError)
    lot_key = instance_key(lot, Lot, UnknownLotError)
    check_reason(reason, required=False)
    check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = database()

    def run() -> StockMovement:
        with transaction.atomic(using=db):
            target = load_locations_of_one_org(db, {"location": location_key}, lot_key=lot_key)["location"]
            the_lot = share_lock_lots(db, [lot_key])[lot_key]
            _require_usable(the_lot, timezone.localdate())
            # The lock on the balance row also serialises concurrent returns against one reference.
            lock_balances(db, adding=[(location_key, lot_key)])
            if movement_type == MovementType.RETURN and reference is not None:
                _check_returnable(db, location_key, lot_key, reference, quantity)
            line = Line(target, the_lot, movement_type, quantity, Direction.IN)
            [movement] = write_movements(
                db,
                [line],
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                service=service,
                idempotency_key=idempotency_key,
            )
            return movement

    payload: dict[str, Any] = {"location": location_key, "lot": lot_key, "quantity": quantity, "reference": reference}
    payload |= {"by": by, "effective_at": effective_at, "reason": reason}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        replay=lambda: stored_movement(db, service, idempotency_key),
        using=db,
    )


def _lot_or_item(lot: Any, item: Any) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    if (lot is None) == (item is None):
        raise InvalidMovementError("Give either lot= (that lot) or item= (FEFO across the location's lots), not both.")
    if lot is not None:
        return instance_key(lot, Lot, UnknownLotError), None
    return None, instance_key(item, StockItem, UnknownItemError)


def issue(
    *,
    location: Any,
    quantity: int,
    lot: Any = None,
    item: Any = None,
    reference: models.Model | None = None,
    by: Any = None,
    effective_at: dt.datetime | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
) -> list[StockMovement]:
    """Issue ``quantity`` units out of ``location``; return the ``issue`` movements, one per lot.

    With ``lot=`` the units come from that lot. With ``item=`` they are allocated FEFO: earliest
    expiry first (lots without an expiry date last, ties by lot number) across the location's lots
    of the item, skipping expired, blocked and recalled lots, spanning as many lots as needed.
    Raises ``InsufficientStockError`` (``available``: the lot's balance, or the usable quantity of the
    item), ``ItemBlockedError`` (the item is blocked), ``LotRecalledError``/``LotBlockedError``/``LotExpiredError``
    (explicit lot),
    ``InvalidQuantityError``, ``InvalidMovementError``, ``UnknownLocationError``, ``UnknownLotError``,
    ``UnknownItemError`` or ``CrossOrgMovementError`` (the item and the location belong to two organizations);
    nothing is written then.
    """
    quantity = validate_quantity(quantity)
    location_key = instance_key(location, Location, UnknownLocationError)
    lot_key, item_key = _lot_or_item(lot, item)
    check_reason(reason, required=False)
    check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = database()
    service = "issue"

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            locations = {"location": location_key}
            source = load_locations_of_one_org(db, locations, lot_key=lot_key, item_key=item_key)["location"]
            allocation = _take(db, location=source, quantity=quantity, lot_key=lot_key, item_key=item_key)
            lines = [Line(source, taken, MovementType.ISSUE, share, Direction.OUT) for taken, share in allocation]
            return write_movements(
                db,
                lines,
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                service=service,
                idempotency_key=idempotency_key,
            )

    payload: dict[str, Any] = {"location": location_key, "lot": lot_key, "item": item_key, "quantity": quantity}
    payload |= {"reference": reference, "by": by, "effective_at": effective_at, "reason": reason}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        replay=lambda: stored_movements(db, service, idempotency_key),
        using=db,
    )


def transfer(
    *,
    from_location: Any,
    to_location: Any,
    quantity: int,
    lot: Any = None,
    item: Any = None,
    reference: models.Model | None = None,
    by: Any = None,
    effective_at: dt.datetime | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
) -> list[StockMovement]:
    """Move ``quantity`` units from one location to another as one atomic unit.

    Returns the movements in pairs, per lot: ``transfer_out`` at ``from_location`` then
    ``transfer_in`` at ``to_location`` (same ``operation_id``). ``lot=`` or ``item=`` (FEFO) as in
    ``issue``. Either both movements of every pair are committed or none is. Raises what ``issue``
    raises, ``InvalidMovementError`` when both locations are the same, and ``CrossOrgMovementError`` when the
    two locations and the item do not all belong to one organization.
    """
    quantity = validate_quantity(quantity)
    from_key = instance_key(from_location, Location, UnknownLocationError)
    to_key = instance_key(to_location, Location, UnknownLocationError)
    if from_key == to_key:
        raise InvalidMovementError("A transfer needs two different locations.")
    lot_key, item_key = _lot_or_item(lot, item)
    check_reason(reason, required=False)
    check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = database()
    service = "transfer"

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            roles = {"from_location": from_key, "to_location": to_key}
            locations = load_locations_of_one_org(db, roles, lot_key=lot_key, item_key=item_key)
            source, target = locations["from_location"], locations["to_location"]
            allocation = _take(
                db, location=source, quantity=quantity, lot_key=lot_key, item_key=item_key, destination=target
            )
            lines = []
            for taken, share in allocation:
                lines.append(Line(source, taken, MovementType.TRANSFER_OUT, share, Direction.OUT))
                lines.append(Line(target, taken, MovementType.TRANSFER_IN, share, Direction.IN))
            return write_movements(
                db,
                lines,
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                service=service,
                idempotency_key=idempotency_key,
            )

    payload: dict[str, Any] = {"from": from_key, "to": to_key, "lot": lot_key, "item": item_key, "quantity": quantity}
    payload |= {"reference": reference, "by": by, "effective_at": effective_at, "reason": reason}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        replay=lambda: stored_movements(db, service, idempotency_key),
        using=db,
    )


def adjust(
    *,
    location: Any,
    lot: Any,
    quantity: int,
    direction: str,
    reason: str,
    reference: models.Model | None = None,
    by: Any = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> StockMovement:
    """Correct the stock of ``lot`` at ``location`` by ``quantity`` units, ``direction`` ``"in"`` or ``"out"``.

    A reason is required (stock count, breakage, write-off of expired stock). Adjustments are
    corrections: they are allowed whatever the lot's or its item's status (a withdrawn medicine is written off
    by ``adjust(direction="out")``). Raises ``InvalidMovementError`` (no
    reason or one over ``STOCK_MAX_TEXT_LENGTH``, another direction), ``InsufficientStockError`` (out),
    ``InvalidQuantityError``, ``UnknownLocationError``, ``UnknownLotError`` or ``CrossOrgMovementError`` (the
    lot's item and the location belong to two organizations); nothing is written then.
    """
    quantity = validate_quantity(quantity)
    location_key = instance_key(location, Location, UnknownLocationError)
    lot_key = instance_key(lot, Lot, UnknownLotError)
    if direction not in ADJUSTMENT_TYPES:
        raise InvalidMovementError(f"direction must be 'in' or 'out', not {direction!r}.")
    check_reason(reason, required=True)
    check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = database()
    service = "adjust"
    movement_type = ADJUSTMENT_TYPES[direction]

    def run() -> StockMovement:
        with transaction.atomic(using=db):
            target = load_locations_of_one_org(db, {"location": location_key}, lot_key=lot_key)["location"]
            the_lot = share_lock_lots(db, [lot_key])[lot_key]
            pair = (location_key, lot_key)
            if direction == "in":
                lock_balances(db, adding=[pair])
            else:
                available = lock_balances(db, taking=[pair])[pair]
                if available < quantity:
                    raise InsufficientStockError(
                        f"Cannot adjust {quantity} out of lot {the_lot.lot_number} at {target.code}: {available} held.",
                        requested=quantity,
                        available=available,
                        location=target,
                        lot=the_lot,
                    )
            line = Line(target, the_lot, movement_type, quantity, Direction.IN if direction == "in" else Direction.OUT)
            [movement] = write_movements(
                db,
                [line],
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                service=service,
                idempotency_key=idempotency_key,
            )
            return movement

    payload: dict[str, Any] = {"location": location_key, "lot": lot_key, "quantity": quantity, "direction": direction}
    payload |= {"reason": reason, "reference": reference, "by": by, "effective_at": effective_at}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        replay=lambda: stored_movement(db, service, idempotency_key),
        using=db,
    )


def return_stock(
    *,
    location: Any,
    lot: Any,
    quantity: int,
    reference: models.Model | None = None,
    by: Any = None,
    effective_at: dt.datetime | None = None,
    reason: str = "",
    idempotency_key: str | None = None,
) -> StockMovement:
    """Put ``quantity`` returned units of ``lot`` back into ``location`` (a refund); return the ``return`` movement.

    When ``reference`` (the sale) has ``issue`` movements of this lot at this location, the units
    returned to it in total may not exceed the units issued to it (reversed movements left out):
    ``ReturnExceedsIssuedError`` carries ``returnable``. The lot must be usable: returned units of a
    recalled, blocked or expired lot, or of a blocked item, are not put back into stock (``LotRecalledError``/
    ``LotBlockedError``/``LotExpiredError``/``ItemBlockedError``). Also raises ``InvalidQuantityError``,
    ``InvalidMovementError``, ``UnknownLocationError``,
    ``UnknownLotError`` or ``CrossOrgMovementError``; nothing is written then.
    """
    return _bring_in(
        service="return_stock",
        movement_type=MovementType.RETURN,
        location=location,
        lot=lot,
        quantity=quantity,
        reference=reference,
        by=by,
        effective_at=effective_at,
        reason=reason,
        idempotency_key=idempotency_key,
    )


def _check_returnable(db: str, location: uuid.UUID, lot: uuid.UUID, reference: models.Model, quantity: int) -> None:
    totals = (
        StockMovement.objects.using(db)
        .filter(
            location_id=location, lot_id=lot, reversed_by__isnull=True, **generic_key_filter("reference", reference)
        )
        .aggregate(
            issued=Coalesce(Sum("quantity", filter=Q(movement_type=MovementType.ISSUE)), 0),
            returned=Coalesce(Sum("quantity", filter=Q(movement_type=MovementType.RETURN)), 0),
        )
    )
    if totals["issued"] and totals["returned"] + quantity > totals["issued"]:
        returnable = totals["issued"] - totals["returned"]
        raise ReturnExceedsIssuedError(
            f"{quantity} returned but only {returnable} more may be: {totals['issued']} issued to "
            f"{reference!r}, {totals['returned']} already returned.",
            requested=quantity,
            returnable=returnable,
        )
