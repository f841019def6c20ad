"""Write paths: receive, issue (one lot or FEFO), transfer, adjust, return, reverse, and lot status changes.

Every service takes keyword arguments and checks them first (no stock is read), then, in one
``transaction.atomic()``, takes its locks, checks lot status and stock, and only then writes. When
a check fails it raises a ``StockError`` and nothing is written; a ``reason`` longer than
``STOCK_MAX_TEXT_LENGTH`` characters is one of them (``InvalidMovement``). Every service accepts
``idempotency_key``: a repeat with the same key and the same arguments returns the first result
without writing again (``django_decisioning.services.run_idempotent``, scope ``django_stock.<service>``).

Lock order, the same in every service so that concurrent services never deadlock each other: the
lots involved, in key order (a shared lock for movements: ``FOR SHARE`` on PostgreSQL, ``LOCK IN
SHARE MODE`` on MariaDB/MySQL; ``FOR UPDATE`` for status changes), then the balance rows involved,
in ``(location_id, lot_id)`` order, by one locking read through that unique index. Balance rows that
stock enters are created at 0 when missing (see ``_lock_balances``). The movement INSERT then updates
the balance rows through the database trigger declared on ``StockMovement``, whose ``quantity >= 0``
CHECK is the last line of defence.

On MariaDB/MySQL two services creating balance rows at once may still deadlock (InnoDB's gap locks),
as may a service and ``rebuild_balances``: the database rolls one back, and a service that opened
the transaction runs again from the start (``retry_on_deadlock``); inside a caller's transaction the
error goes to the caller, whose transaction is gone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from django_basemodels.fields import canonical_object_id
from django_basemodels.generic import generic_key_filter, generic_key_values
from django_basemodels.limits import text_within_limit
from django_basemodels.transactions import retry_on_deadlock
from django_decisioning import request_fingerprint
from django_decisioning.services import record_decision, run_idempotent
from django_stock import conf
from django_stock.choices import Direction, LotStatus, MovementType
from django_stock.exceptions import (
    InsufficientStock,
    InvalidMovement,
    InvalidStatusChange,
    LotBlocked,
    LotExpired,
    LotRecalled,
    MovementNotReversible,
    ReturnExceedsIssued,
    StockPermissionDenied,
    UnknownItem,
    UnknownLocation,
    UnknownLot,
    UnknownMovement,
    UnknownObject,
)
from django_stock.models import Location, Lot, StockBalance, StockItem, StockMovement
from django_stock.quantities import validate_quantity

Pair = tuple[uuid.UUID, uuid.UUID]
T = TypeVar("T")

ADJUSTMENT_TYPES = {"in": MovementType.ADJUSTMENT_IN, "out": MovementType.ADJUSTMENT_OUT}
TRANSFER_COUNTERPART = {
    MovementType.TRANSFER_OUT: MovementType.TRANSFER_IN,
    MovementType.TRANSFER_IN: MovementType.TRANSFER_OUT,
}


# --- argument checks (no query) ------------------------------------------------------------------


def _key(value: Any, model: type[models.Model], error: type[UnknownObject]) -> uuid.UUID:
    """The primary key of ``value``, a saved ``model`` instance or its UUID (as ``UUID`` or text)."""
    if isinstance(value, model):
        if value._state.adding:
            raise error(f"{model.__name__} {value.pk} was never saved.", value=value)
        value = value.pk
    if isinstance(value, uuid.UUID):
        return value
    if isinstance(value, str):
        try:
            return uuid.UUID(value)
        except ValueError:
            pass
    raise error(f"{value!r} is not a {model.__name__} or the key of one.", value=value)


def _check_reason(reason: Any, *, required: bool) -> str:
    if not isinstance(reason, str):
        raise InvalidMovement(f"reason must be a string, not {type(reason).__name__}.")
    if required and not reason.strip():
        raise InvalidMovement("A reason is required for this operation.")
    # Stored on append-only movements and in decisions: capped before anything is written.
    return text_within_limit(reason, name="reason", limit=conf.max_text_length(), error=InvalidMovement)


def _check_effective_at(effective_at: Any) -> None:
    if effective_at is None:
        return
    if not isinstance(effective_at, dt.datetime) or timezone.is_naive(effective_at):
        raise InvalidMovement(f"effective_at must be a timezone-aware datetime, not {effective_at!r}.")
    # A future movement would already count in the balance row but not in balance(as_of=now).
    if effective_at > timezone.now():
        raise InvalidMovement(f"effective_at cannot be in the future ({effective_at.isoformat()}).")


def _check_user(user: Any, name: str) -> None:
    if user is not None and (not isinstance(user, get_user_model()) or user.pk is None):
        raise InvalidMovement(f"{name} must be a saved {get_user_model().__name__} or None, not {user!r}.")


def _check_saved(obj: Any, name: str) -> None:
    if obj is not None and (not isinstance(obj, models.Model) or obj.pk is None or obj._state.adding):
        raise InvalidMovement(f"{name} must be a saved model instance or None, not {obj!r}.")


def _check_idempotency_key(key: Any) -> None:
    if key is not None and (not isinstance(key, str) or not key or len(key) > 255):
        raise InvalidMovement(f"idempotency_key must be None or a string of 1 to 255 characters, not {key!r}.")


def _check_common(*, reference: Any, by: Any, effective_at: Any, idempotency_key: Any) -> None:
    _check_saved(reference, "reference")
    _check_user(by, "by")
    _check_effective_at(effective_at)
    _check_idempotency_key(idempotency_key)


def _check_permission(user: Any, permission: str | None, doing: str) -> None:
    """``user`` None is the system (trusted caller); a user needs ``permission`` unless it is None."""
    if user is None or permission is None:
        return
    if not user.has_perm(permission):
        raise StockPermissionDenied(f"{user} may not {doing}: the permission {permission} is required.")


# --- idempotency ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return {"model": value._meta.label_lower, "pk": canonical_object_id(value.pk)}
    if isinstance(value, uuid.UUID):
        return value.hex
    return value


def _once(service: str, idempotency_key: str | None, func: Callable[[], T], payload: Mapping[str, Any]) -> T:
    """Run ``func`` once per key; the payload (keys normalised) decides whether a repeat is the same request.

    Run again, from the start, when the database rolls it back to break a deadlock (and no caller's
    transaction is open around it): a service's whole effect is its database writes.
    """

    def call() -> T:
        if idempotency_key is None:
            return func()
        fingerprint = request_fingerprint({"service": service, **{name: _plain(v) for name, v in payload.items()}})
        return run_idempotent(scope=f"django_stock.{service}", key=idempotency_key, func=func, fingerprint=fingerprint)

    # ``func`` and ``run_idempotent`` each open their own transaction: no second one (nor its savepoint).
    return retry_on_deadlock(call, using=_db(), atomic=False)()


# --- reads under lock ----------------------------------------------------------------------------


def _db() -> str:
    return router.db_for_write(StockMovement)


def _load_locations(db: str, keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, Location]:
    keys = list(keys)
    found = Location.objects.using(db).in_bulk(keys)
    for key in keys:
        if key not in found:
            raise UnknownLocation(f"No location {key}.", value=key)
    return found


# A shared row lock: PostgreSQL's FOR SHARE, MariaDB/MySQL's LOCK IN SHARE MODE (MySQL 8 reads both).
SHARE_LOCK = {"postgresql": "FOR SHARE", "mysql": "LOCK IN SHARE MODE"}


def _share_lock_lots(db: str, keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, Lot]:
    """Read the lots with a shared lock: a concurrent status change waits for us and we for it.

    Movements of one lot do not wait for each other (shared locks), yet once ``recall_lot`` holds
    the lot no movement of it starts, and a movement started before commits before the recall
    reads the balances. Django's ``select_for_update()`` has no shared lock, hence the raw SQL.
    SQLite runs one writer at a time and takes no row locks.
    """
    keys = sorted(set(keys))
    if not keys:
        return {}
    queryset = Lot.objects.using(db).filter(pk__in=keys).order_by("pk")
    share_lock = SHARE_LOCK.get(connections[db].vendor)
    if share_lock is not None:
        sql, params = queryset.query.get_compiler(using=db).as_sql()
        lots = list(Lot.objects.db_manager(db).raw(f"{sql} {share_lock}", params))
    else:
        lots = list(queryset)
    found = {lot.pk: lot for lot in lots}
    for key in keys:
        if key not in found:
            raise UnknownLot(f"No lot {key}.", value=key)
    return found


def _lock_balances(db: str, *, taking: Iterable[Pair] = (), adding: Iterable[Pair] = ()) -> dict[Pair, int]:
    """Lock the balance rows of ``taking`` and ``adding`` (rows of ``adding`` created at 0 when missing).

    Returns the locked quantity of every pair (0 for a ``taking`` pair without a row). All rows are
    locked by one ``SELECT ... FOR UPDATE ... ORDER BY location_id, lot_id``.

    The missing rows of ``adding``: on PostgreSQL, created before that read by one ``INSERT ... ON
    CONFLICT DO NOTHING``, safe against a concurrent creator and locking no existing row. Elsewhere,
    inserted after it: the balance table's REPLACE guard refuses ``INSERT OR IGNORE``/``INSERT
    IGNORE`` of an existing key. SQLite runs one writer at a time, and a transaction whose read is
    outdated by another writer's commit cannot write (``database is locked``). On MariaDB/MySQL an
    ``INSERT IGNORE`` would also lock the existing rows first, out of order, and with a shared lock
    that two receivers of one row both hold and both want exclusive: a deadlock. Two transactions
    creating rows in one gap of the unique index at once may still deadlock (each insert waits for
    the gap lock of the other's locking read): the services run again then (``retry_on_deadlock``);
    and a row created meanwhile is locked as it is (``_create_balance``).
    """
    adding = sorted(set(adding))
    pairs = set(taking) | set(adding)
    if not pairs:
        return {}
    balances = StockBalance.objects.using(db)
    if adding and connections[db].vendor == "postgresql":
        balances.bulk_create(
            [StockBalance(location_id=loc, lot_id=lot, quantity=0) for loc, lot in adding], ignore_conflicts=True
        )
    locked = {(row.location_id, row.lot_id): row.quantity for row in _locked_balances(db, pairs)}
    for pair in adding:
        if pair not in locked:
            locked[pair] = _create_balance(db, pair)
    return {pair: locked.get(pair, 0) for pair in pairs}


def _create_balance(db: str, pair: Pair) -> int:
    """Insert the balance row of ``pair`` at 0, or lock the one a concurrent transaction created meanwhile.

    On MariaDB/MySQL a gap lock does not keep out an insert that was already waiting for that gap when
    it was taken: another transaction may create the row between our locking read and our insert.
    Then our insert is refused (a duplicate key, or the table's REPLACE guard) and the row is locked as
    it is. Refused with no row there, the error goes to the caller.
    """
    location, lot = pair
    try:
        with transaction.atomic(using=db):
            StockBalance.objects.using(db).create(location_id=location, lot_id=lot, quantity=0)
    except IntegrityError:
        found = _locked_balances(db, [pair])
        if not found:
            raise
        return found[0].quantity
    return 0


# The unique constraint of StockBalance on (location, lot): its index orders the locks.
BALANCE_KEY_INDEX = "django_stock_balance_location_lot"


def _locked_balances(db: str, pairs: Iterable[Pair]) -> list[StockBalance]:
    """The balance rows of ``pairs``, locked (``FOR UPDATE``) through the ``(location, lot)`` unique index.

    The order of the index is the lock order. On MariaDB/MySQL a read locks the entries of the index it
    goes through, then the table's rows, and the optimizer may read a few rows through another index
    (the lot's foreign key, or the table itself): a transaction holding a row but not its unique index
    entry, while the movement trigger of another holds that entry and waits for the row, deadlocks.
    The index is forced there.
    """
    queryset = StockBalance.objects.using(db).filter(_pairs_condition(pairs)).order_by("location_id", "lot_id")
    connection = connections[db]
    if connection.vendor != "mysql":
        return list(queryset.select_for_update())
    sql, params = queryset.query.get_compiler(using=db).as_sql()
    table = connection.ops.quote_name(StockBalance._meta.db_table)
    sql = sql.replace(f"FROM {table}", f"FROM {table} FORCE INDEX ({connection.ops.quote_name(BALANCE_KEY_INDEX)})", 1)
    return list(StockBalance.objects.db_manager(db).raw(f"{sql} FOR UPDATE", params))


def _pairs_condition(pairs: Iterable[Pair]) -> Q:
    """A filter matching the balance rows of ``pairs`` (one ``lot_id IN`` per location)."""
    lots_by_location: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for location, lot in sorted(pairs):
        lots_by_location[location].append(lot)
    return reduce(or_, (Q(location_id=loc, lot_id__in=lots) for loc, lots in lots_by_location.items()))


def _is_usable(lot: Lot, today: dt.date) -> bool:
    return lot.status == LotStatus.ACTIVE and (lot.expiry_date is None or lot.expiry_date > today)


def _require_usable(lot: Lot, today: dt.date) -> None:
    """Raise the typed error of a lot that may not be received, issued, transferred or returned."""
    if lot.status == LotStatus.RECALLED:
        raise LotRecalled(f"Lot {lot.lot_number} was recalled.", lot=lot)
    if lot.status == LotStatus.BLOCKED:
        raise LotBlocked(f"Lot {lot.lot_number} is blocked.", lot=lot)
    if lot.status == LotStatus.EXPIRED or (lot.expiry_date is not None and lot.expiry_date <= today):
        raise LotExpired(f"Lot {lot.lot_number} expired on {lot.expiry_date}.", lot=lot)


def _fefo_order(lot: Lot) -> tuple[Any, ...]:
    # Earliest expiry first; lots without an expiry date last; ties by lot number, then key.
    return (lot.expiry_date is None, lot.expiry_date or dt.date.max, lot.lot_number, lot.pk.hex)


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

    The destination's rows for the same lots are locked in the same pass. Raises ``UnknownLot``,
    ``UnknownItem``, ``LotRecalled``/``LotBlocked``/``LotExpired`` (explicit lot) or
    ``InsufficientStock`` with the usable quantity.
    """
    today = timezone.localdate()
    if lot_key is not None:
        lots = _share_lock_lots(db, [lot_key])
        _require_usable(lots[lot_key], today)
        usable = [lots[lot_key]]
    else:
        # Unlocked read of the candidates; their balances are read again below, under lock.
        candidates = list(
            StockBalance.objects.using(db)
            .filter(location_id=location.pk, lot__item_id=item_key, quantity__gt=0)
            .values_list("lot_id", flat=True)
        )
        if not candidates and not StockItem.objects.using(db).filter(pk=item_key).exists():
            raise UnknownItem(f"No stock item {item_key}.", value=item_key)
        lots = _share_lock_lots(db, candidates)
        usable = sorted((lot for lot in lots.values() if _is_usable(lot, today)), key=_fefo_order)
    taking = [(location.pk, lot.pk) for lot in usable]
    adding = [(destination.pk, lot.pk) for lot in usable] if destination is not None else []
    balances = _lock_balances(db, taking=taking, adding=adding)
    available = sum(balances[pair] for pair in taking)
    if available < quantity:
        what = f"lot {usable[0].lot_number}" if lot_key is not None else f"item {item_key} (usable lots)"
        raise InsufficientStock(
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


# --- writes --------------------------------------------------------------------------------------


@dataclass
class _Line:
    location: Location
    lot: Lot
    movement_type: str
    quantity: int
    direction: int
    reverses: StockMovement | None = None
    reference: dict[str, Any] | None = field(default=None)


def _write(
    db: str,
    lines: Iterable[_Line],
    *,
    reference: models.Model | None,
    by: Any,
    reason: str,
    effective_at: dt.datetime | None,
    idempotency_key: str | None,
) -> list[StockMovement]:
    """Insert one movement per line, sharing one ``operation_id``; the trigger updates each balance row."""
    operation_id = uuid.uuid4()
    movements = []
    for line in lines:
        movement = StockMovement(
            location=line.location,
            lot=line.lot,
            movement_type=line.movement_type,
            direction=line.direction,
            quantity=line.quantity,
            reverses=line.reverses,
            created_by=by,
            reason=reason,
            operation_id=operation_id,
            idempotency_key=idempotency_key or "",
            effective_at=effective_at,
            **(line.reference if line.reference is not None else generic_key_values("reference", reference)),
        )
        movement.save(using=db)
        movements.append(movement)
    return movements


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
    (default: now). Raises ``InvalidQuantity``, ``InvalidMovement``, ``UnknownLocation``,
    ``UnknownLot``, ``LotRecalled``, ``LotBlocked`` or ``LotExpired``; nothing is written then.
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
    movement_type: str,
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
    location_key = _key(location, Location, UnknownLocation)
    lot_key = _key(lot, Lot, UnknownLot)
    _check_reason(reason, required=False)
    _check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = _db()

    def run() -> StockMovement:
        with transaction.atomic(using=db):
            target = _load_locations(db, [location_key])[location_key]
            the_lot = _share_lock_lots(db, [lot_key])[lot_key]
            _require_usable(the_lot, timezone.localdate())
            # The lock on the balance row also serialises concurrent returns against one reference.
            _lock_balances(db, adding=[(location_key, lot_key)])
            if movement_type == MovementType.RETURN and reference is not None:
                _check_returnable(db, location_key, lot_key, reference, quantity)
            line = _Line(target, the_lot, movement_type, quantity, Direction.IN)
            [movement] = _write(
                db,
                [line],
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                idempotency_key=idempotency_key,
            )
            return movement

    payload = {"location": location_key, "lot": lot_key, "quantity": quantity, "reference": reference}
    payload |= {"by": by, "effective_at": effective_at, "reason": reason}
    return _once(service, idempotency_key, run, payload)


def _lot_or_item(lot: Any, item: Any) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    if (lot is None) == (item is None):
        raise InvalidMovement("Give either lot= (that lot) or item= (FEFO across the location's lots), not both.")
    if lot is not None:
        return _key(lot, Lot, UnknownLot), None
    return None, _key(item, StockItem, UnknownItem)


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
    Raises ``InsufficientStock`` (``available``: the lot's balance, or the usable quantity of the
    item), ``LotRecalled``/``LotBlocked``/``LotExpired`` (explicit lot), ``InvalidQuantity``,
    ``InvalidMovement``, ``UnknownLocation``, ``UnknownLot`` or ``UnknownItem``; nothing is written then.
    """
    quantity = validate_quantity(quantity)
    location_key = _key(location, Location, UnknownLocation)
    lot_key, item_key = _lot_or_item(lot, item)
    _check_reason(reason, required=False)
    _check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = _db()

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            source = _load_locations(db, [location_key])[location_key]
            allocation = _take(db, location=source, quantity=quantity, lot_key=lot_key, item_key=item_key)
            lines = [_Line(source, taken, MovementType.ISSUE, share, Direction.OUT) for taken, share in allocation]
            return _write(
                db,
                lines,
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                idempotency_key=idempotency_key,
            )

    payload = {"location": location_key, "lot": lot_key, "item": item_key, "quantity": quantity}
    payload |= {"reference": reference, "by": by, "effective_at": effective_at, "reason": reason}
    return _once("issue", idempotency_key, run, payload)


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
    raises, and ``InvalidMovement`` when both locations are the same.
    """
    quantity = validate_quantity(quantity)
    from_key = _key(from_location, Location, UnknownLocation)
    to_key = _key(to_location, Location, UnknownLocation)
    if from_key == to_key:
        raise InvalidMovement("A transfer needs two different locations.")
    lot_key, item_key = _lot_or_item(lot, item)
    _check_reason(reason, required=False)
    _check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = _db()

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            locations = _load_locations(db, [from_key, to_key])
            source, target = locations[from_key], locations[to_key]
            allocation = _take(
                db, location=source, quantity=quantity, lot_key=lot_key, item_key=item_key, destination=target
            )
            lines = []
            for taken, share in allocation:
                lines.append(_Line(source, taken, MovementType.TRANSFER_OUT, share, Direction.OUT))
                lines.append(_Line(target, taken, MovementType.TRANSFER_IN, share, Direction.IN))
            return _write(
                db,
                lines,
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                idempotency_key=idempotency_key,
            )

    payload = {"from": from_key, "to": to_key, "lot": lot_key, "item": item_key, "quantity": quantity}
    payload |= {"reference": reference, "by": by, "effective_at": effective_at, "reason": reason}
    return _once("transfer", idempotency_key, run, payload)


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
    corrections: they are allowed whatever the lot's status. Raises ``InvalidMovement`` (no
    reason or one over ``STOCK_MAX_TEXT_LENGTH``, another direction), ``InsufficientStock`` (out),
    ``InvalidQuantity``, ``UnknownLocation`` or ``UnknownLot``; nothing is written then.
    """
    quantity = validate_quantity(quantity)
    location_key = _key(location, Location, UnknownLocation)
    lot_key = _key(lot, Lot, UnknownLot)
    if direction not in ADJUSTMENT_TYPES:
        raise InvalidMovement(f"direction must be 'in' or 'out', not {direction!r}.")
    _check_reason(reason, required=True)
    _check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    db = _db()
    movement_type = ADJUSTMENT_TYPES[direction]

    def run() -> StockMovement:
        with transaction.atomic(using=db):
            target = _load_locations(db, [location_key])[location_key]
            the_lot = _share_lock_lots(db, [lot_key])[lot_key]
            pair = (location_key, lot_key)
            if direction == "in":
                _lock_balances(db, adding=[pair])
            else:
                available = _lock_balances(db, taking=[pair])[pair]
                if available < quantity:
                    raise InsufficientStock(
                        f"Cannot adjust {quantity} out of lot {the_lot.lot_number} at {target.code}: {available} held.",
                        requested=quantity,
                        available=available,
                        location=target,
                        lot=the_lot,
                    )
            line = _Line(target, the_lot, movement_type, quantity, Direction.IN if direction == "in" else Direction.OUT)
            [movement] = _write(
                db,
                [line],
                reference=reference,
                by=by,
                reason=reason,
                effective_at=effective_at,
                idempotency_key=idempotency_key,
            )
            return movement

    payload = {"location": location_key, "lot": lot_key, "quantity": quantity, "direction": direction}
    payload |= {"reason": reason, "reference": reference, "by": by, "effective_at": effective_at}
    return _once("adjust", idempotency_key, run, payload)


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
    ``ReturnExceedsIssued`` carries ``returnable``. The lot must be usable: returned units of a
    recalled, blocked or expired lot are not put back into stock (``LotRecalled``/``LotBlocked``/
    ``LotExpired``). Also raises ``InvalidQuantity``, ``InvalidMovement``, ``UnknownLocation`` or
    ``UnknownLot``; nothing is written then.
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
        raise ReturnExceedsIssued(
            f"{quantity} returned but only {returnable} more may be: {totals['issued']} issued to "
            f"{reference!r}, {totals['returned']} already returned.",
            requested=quantity,
            returnable=returnable,
        )


def reverse_movement(
    *,
    movement: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> list[StockMovement]:
    """Cancel a movement by a new opposite one (type ``reversal``, ``reverses`` set); the original stays.

    Reversing either leg of a transfer reverses both legs, atomically; the list returned holds the
    reversal of ``movement`` first. The reversals keep the original's reference and lot status is
    not checked (a correction). Records a decision (action ``django_stock.reverse_movement``,
    target the movement, actor ``by``, ``on_behalf_of``). ``by`` is a user (needing
    ``STOCK_REVERSE_PERMISSION``) or ``None`` for the system.

    Raises ``MovementNotReversible`` (already reversed, or itself a reversal), ``InsufficientStock``
    (reversing a movement in whose units have since left), ``StockPermissionDenied``,
    ``InvalidMovement`` (no reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or ``UnknownMovement``;
    nothing is written then.
    """
    movement_key = _key(movement, StockMovement, UnknownMovement)
    _check_reason(reason, required=True)
    _check_user(by, "by")
    _check_saved(on_behalf_of, "on_behalf_of")
    _check_effective_at(effective_at)
    _check_idempotency_key(idempotency_key)
    _check_permission(by, conf.reverse_permission(), "reverse stock movements")
    db = _db()

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            movements = StockMovement.objects.using(db).select_related("location", "lot")
            original = movements.filter(pk=movement_key).first()
            if original is None:
                raise UnknownMovement(f"No stock movement {movement_key}.", value=movement_key)
            if original.movement_type == MovementType.REVERSAL:
                raise MovementNotReversible("A reversal cannot be reversed; record the original operation again.")
            originals = [original]
            if original.movement_type in TRANSFER_COUNTERPART:
                counterpart = movements.filter(
                    operation_id=original.operation_id,
                    lot_id=original.lot_id,
                    movement_type=TRANSFER_COUNTERPART[original.movement_type],
                ).first()
                if counterpart is not None:
                    originals.append(counterpart)
            _share_lock_lots(db, [original.lot_id])
            balances = _lock_balances(
                db,
                taking=[(m.location_id, m.lot_id) for m in originals if m.direction == Direction.IN],
                adding=[(m.location_id, m.lot_id) for m in originals if m.direction == Direction.OUT],
            )
            # Checked under the balance locks, which every reversal of these movements also takes.
            if StockMovement.objects.using(db).filter(reverses__in=[m.pk for m in originals]).exists():
                raise MovementNotReversible(f"Movement {original.pk} was already reversed.")
            for m in originals:
                held = balances[(m.location_id, m.lot_id)]
                if m.direction == Direction.IN and held < m.quantity:
                    raise InsufficientStock(
                        f"Cannot reverse {m.movement_type} of {m.quantity} at {m.location.code}: {held} left.",
                        requested=m.quantity,
                        available=held,
                        location=m.location,
                        lot=m.lot,
                    )
            lines = [
                _Line(
                    m.location,
                    m.lot,
                    MovementType.REVERSAL,
                    m.quantity,
                    -m.direction,
                    reverses=m,
                    reference={"reference_type_id": m.reference_type_id, "reference_id": m.reference_id},
                )
                for m in originals
            ]
            reversals = _write(
                db,
                lines,
                reference=None,
                by=by,
                reason=reason,
                effective_at=effective_at,
                idempotency_key=idempotency_key,
            )
            record_decision(
                action="django_stock.reverse_movement",
                actor=by,
                on_behalf_of=on_behalf_of,
                target=original,
                outcome="reversed",
                effective_at=effective_at,
                evidence={
                    "reason": reason,
                    "reversed": [
                        {"movement": m.pk, "type": m.movement_type, "quantity": m.quantity, "location": m.location_id}
                        for m in originals
                    ],
                    "reversals": [r.pk for r in reversals],
                },
            )
            return reversals

    payload = {"movement": movement_key, "reason": reason, "by": by, "on_behalf_of": on_behalf_of}
    payload |= {"effective_at": effective_at}
    return _once("reverse_movement", idempotency_key, run, payload)


# --- lot status ----------------------------------------------------------------------------------


def _lock_lot(db: str, lot_key: uuid.UUID) -> Lot:
    # FOR UPDATE conflicts with the FOR SHARE of movement services: see _share_lock_lots.
    lot = Lot.objects.using(db).select_for_update().filter(pk=lot_key).first()
    if lot is None:
        raise UnknownLot(f"No lot {lot_key}.", value=lot_key)
    return lot


def _lock_held_balances(db: str, lot_key: uuid.UUID) -> list[StockBalance]:
    """The balance rows of the lot holding stock, locked, in lock order, each with its location."""
    rows = StockBalance.objects.using(db).select_for_update().filter(lot_id=lot_key, quantity__gt=0)
    rows = rows.order_by("location_id", "lot_id")
    if connections[db].features.has_select_for_update_of:
        # The locations are read in the same query; only the balance rows are locked.
        return list(rows.select_related("location").select_for_update(of=("self",)))
    # Without FOR UPDATE OF (MariaDB/MySQL) a join would lock the location rows too, which every
    # movement at those locations share-locks (its foreign key): they are read afterwards, unlocked.
    held = list(rows)
    locations = Location.objects.using(db).in_bulk({row.location_id for row in held})
    for row in held:
        row.location = locations[row.location_id]
    return held


def _set_status(db: str, lot: Lot, status: str) -> None:
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
    ``LotRecalled`` afterwards. Records a decision (action ``django_stock.recall_lot``, target the
    lot). Recalling a recalled lot again is allowed (to remove stock put back by a correction).

    Raises ``StockPermissionDenied`` (``STOCK_RECALL_PERMISSION``), ``InvalidMovement`` (no
    reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or ``UnknownLot``; nothing is written then.
    """
    lot_key = _key(lot, Lot, UnknownLot)
    _check_reason(reason, required=True)
    _check_saved(on_behalf_of, "on_behalf_of")
    _check_common(reference=reference, by=by, effective_at=effective_at, idempotency_key=idempotency_key)
    _check_permission(by, conf.recall_permission(), "recall lots")
    db = _db()

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            the_lot = _lock_lot(db, lot_key)
            previous = the_lot.status
            if previous != LotStatus.RECALLED:
                _set_status(db, the_lot, LotStatus.RECALLED)
            removals: list[StockMovement] = []
            if remove:
                held = _lock_held_balances(db, lot_key)
                lines = [
                    _Line(row.location, the_lot, MovementType.RECALL_REMOVAL, row.quantity, Direction.OUT)
                    for row in held
                ]
                removals = _write(
                    db,
                    lines,
                    reference=reference,
                    by=by,
                    reason=reason,
                    effective_at=effective_at,
                    idempotency_key=idempotency_key,
                )
            record_decision(
                action="django_stock.recall_lot",
                actor=by,
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

    payload = {"lot": lot_key, "reason": reason, "by": by, "on_behalf_of": on_behalf_of, "remove": remove}
    payload |= {"reference": reference, "effective_at": effective_at}
    return _once("recall_lot", idempotency_key, run, payload)


def _change_status(
    service: str,
    *,
    lot: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None,
    idempotency_key: str | None,
    allowed_from: str,
    to: str,
) -> Lot:
    lot_key = _key(lot, Lot, UnknownLot)
    _check_reason(reason, required=True)
    _check_user(by, "by")
    _check_saved(on_behalf_of, "on_behalf_of")
    _check_idempotency_key(idempotency_key)
    db = _db()

    def run() -> Lot:
        with transaction.atomic(using=db):
            the_lot = _lock_lot(db, lot_key)
            previous = the_lot.status
            if previous != allowed_from:
                raise InvalidStatusChange(
                    f"Lot {the_lot.lot_number} is {previous}: it must be {allowed_from} to become {to}."
                )
            if (
                to == LotStatus.ACTIVE
                and the_lot.expiry_date is not None
                and the_lot.expiry_date <= timezone.localdate()
            ):
                raise LotExpired(f"Lot {the_lot.lot_number} expired on {the_lot.expiry_date}.", lot=the_lot)
            _set_status(db, the_lot, to)
            record_decision(
                action=f"django_stock.{service}",
                actor=by,
                on_behalf_of=on_behalf_of,
                target=the_lot,
                outcome=to,
                evidence={"reason": reason, "previous_status": previous},
            )
            return the_lot

    payload = {"lot": lot_key, "reason": reason, "by": by, "on_behalf_of": on_behalf_of}
    return _once(service, idempotency_key, run, payload)


def block_lot(
    *,
    lot: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Lot:
    """Block an active lot (quarantine): it can no longer be received, issued, transferred or returned.

    Records a decision (action ``django_stock.block_lot``). Raises ``InvalidStatusChange`` when the
    lot is not active, ``InvalidMovement`` (no reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or
    ``UnknownLot``.
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

    Raises ``InvalidStatusChange`` when the lot is not blocked, ``LotExpired`` when it is past its
    expiry date, ``InvalidMovement`` (no reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or
    ``UnknownLot``.
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


def expire_lots(*, today: dt.date | None = None) -> list[Lot]:
    """Mark every active or blocked lot whose expiry date is ``today`` or earlier as ``expired``.

    ``today`` defaults to ``timezone.localdate()``. Returns the lots changed, each with a decision
    (action ``django_stock.expire_lot``, actor: the system). Idempotent: a second run changes
    nothing, and two runs at once change each lot once (the lots are locked and re-checked).
    """
    if today is None:
        today = timezone.localdate()
    elif not isinstance(today, dt.date) or isinstance(today, dt.datetime):
        raise InvalidMovement(f"today must be a date, not {today!r}.")
    db = _db()
    return retry_on_deadlock(lambda: _expire_lots(db, today), using=db)()


def _expire_lots(db: str, today: dt.date) -> list[Lot]:
    with transaction.atomic(using=db):
        expiring = Lot.objects.using(db).filter(status__in=[LotStatus.ACTIVE, LotStatus.BLOCKED]).past_expiry(today)
        # Locked by key, in key order like every other lock on lots (a locking read through the expiry
        # index would lock them in expiry order on MariaDB/MySQL), then checked again under the lock.
        keys = list(expiring.order_by("pk").values_list("pk", flat=True))
        locked = Lot.objects.using(db).select_for_update().filter(pk__in=keys).order_by("pk") if keys else []
        lots = [lot for lot in locked if lot.status in (LotStatus.ACTIVE, LotStatus.BLOCKED)]
        for lot in lots:
            previous = lot.status
            _set_status(db, lot, LotStatus.EXPIRED)
            record_decision(
                action="django_stock.expire_lot",
                actor=None,
                target=lot,
                outcome=LotStatus.EXPIRED.value,
                evidence={"expiry_date": lot.expiry_date, "today": today, "previous_status": previous},
            )
    return lots


def rebuild_balances() -> list[tuple[Any, Any, int, int]]:
    """Rewrite every balance row that differs from the signed sum of its movements; return the differences.

    Each difference is ``(location_id, lot_id, old row quantity, sum of movements)``. No movement
    is inserted meanwhile: on PostgreSQL the balance table is locked (``EXCLUSIVE``) for the duration;
    on MariaDB/MySQL every balance row is locked (``FOR UPDATE``, which also locks the gaps between
    them, so no row is created either), before the first read; SQLite serialises writers anyway.
    Call it outside a transaction (as ``stock_balances --rebuild`` does), so that it reads the movements
    committed by then. Raises ``IntegrityError`` if the movements of a pair sum to less than zero (the
    CHECK refuses the row): investigate by hand.
    """
    db = _db()
    return retry_on_deadlock(lambda: _rebuild_balances(db), using=db)()


def _rebuild_balances(db: str) -> list[tuple[Any, Any, int, int]]:
    from django_stock.selectors import balances_differing_from_movements

    with transaction.atomic(using=db):
        connection = connections[db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {StockBalance._meta.db_table} IN EXCLUSIVE MODE")
        elif connection.vendor == "mysql":
            # LOCK TABLES would commit the transaction: a locking read of the whole table instead.
            list(StockBalance.objects.using(db).select_for_update().order_by("pk").values_list("pk", flat=True))
        differences = balances_differing_from_movements(using=db)
        for location, lot, _, expected in differences:
            StockBalance.objects.using(db).update_or_create(
                location_id=location, lot_id=lot, defaults={"quantity": expected}
            )
    return differences


__all__ = [
    "adjust",
    "block_lot",
    "expire_lots",
    "issue",
    "rebuild_balances",
    "recall_lot",
    "receive",
    "return_stock",
    "reverse_movement",
    "transfer",
    "unblock_lot",
]
