"""Reads under lock, in the one lock order every stock service follows (see ``django_stock.services``).

The lots first, in key order (a shared lock for movements, which also share-locks their items; ``FOR
UPDATE`` for status changes, of a lot or of an item, never both), then
the balance rows, in ``(location_id, lot_id)`` order, by one locking read through that unique index.
A FEFO issue on PostgreSQL takes both in one statement, each row's lot and item before its balance row
(``lock_lots_and_balances``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import reduce
from operator import or_
from typing import Any, TypeVar, cast

from django.db import IntegrityError, connections, transaction
from django.db.models import F, Model, Q, QuerySet

from django_stock.exceptions import UnknownItemError, UnknownLotError
from django_stock.models import Location, Lot, StockBalance, StockItem

Pair = tuple[uuid.UUID, uuid.UUID]
ModelT = TypeVar("ModelT", bound=Model)

# A shared row lock: PostgreSQL's FOR SHARE, MariaDB/MySQL's LOCK IN SHARE MODE (MySQL 8 reads both).
SHARE_LOCK = {"postgresql": "FOR SHARE", "mysql": "LOCK IN SHARE MODE"}

# The unique constraint of StockBalance on (location, lot): its index orders the locks.
BALANCE_KEY_INDEX = "django_stock_balance_location_lot"


_COMPILED: dict[tuple[Any, ...], str] = {}


def compiled(
    db: str, shape: tuple[Any, ...], build: Callable[[], QuerySet], params: list[Any]
) -> tuple[str, list[Any]]:
    """The SQL of the queryset ``build()`` and its parameters, compiled by the ORM once per database and ``shape``.

    ``shape`` names everything the SQL text depends on (the query, the number of keys, a ``LIMIT``);
    ``params`` are the values it binds, as Django binds them (``key_value``). At its first compile the SQL
    is kept only when Django bound exactly ``params``; otherwise it is compiled each time. Compiling costs
    more than running a statement that reads a few rows by index.
    """
    key = (db, *shape)
    sql = _COMPILED.get(key)
    if sql is not None:
        return sql, params
    sql, bound = build().query.get_compiler(using=db).as_sql()
    if list(bound) == params:
        _COMPILED[key] = sql
    return sql, list(bound)


_CONVERTERS: dict[tuple[str, type[Model]], list[tuple[Any, list[Any]]]] = {}


def read_instances(
    db: str, model: type[ModelT], sql: str, params: list[Any], extra: tuple[str, ...] = ()
) -> list[ModelT]:
    """The rows of ``sql`` as ``model`` instances, as ``model.objects.raw(sql, params)`` makes them, on a cursor.

    ``sql`` selects every concrete field of ``model`` in declaration order (as the ORM does), then the
    columns named ``extra``, set on each instance as they come. Each field's value goes through the
    converters Django applies to it (found once per database and model): what ``raw()`` does on every
    call, which costs more than the read of a few rows by key.
    """
    connection = connections[db]
    fields = model._meta.concrete_fields
    converters = _CONVERTERS.get((db, model))
    if converters is None:
        converters = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            found = [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]
            converters.append((column, found))
        _CONVERTERS[(db, model)] = converters
    names = [field.attname for field in fields]
    count = len(fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    instances = []
    for row in rows:
        values = list(row[:count])
        for position, (column, found) in enumerate(converters):
            for converter in found:
                values[position] = converter(values[position], column, connection)
        instance = model.from_db(db, names, values)
        for name, value in zip(extra, row[count:], strict=True):
            setattr(instance, name, value)
        instances.append(instance)
    return instances


def key_value(value: uuid.UUID, db: str) -> Any:
    """A UUID key as Django binds it (``UUIDField.get_db_prep_value``, without the field's dispatch)."""
    if not isinstance(value, uuid.UUID):
        value = uuid.UUID(str(value))
    return value if connections[db].features.has_native_uuid_field else value.hex


def share_lock_lots(db: str, keys: Iterable[uuid.UUID]) -> dict[uuid.UUID, Lot]:
    """Read the lots, and their items, with a shared lock: a concurrent status change waits for us and we for it.

    Movements of one lot do not wait for each other (shared locks), yet once ``recall_lot`` holds
    the lot (or ``block_item`` its item) no movement of it starts, and a movement started before commits
    before the status changes. Each lot comes with ``item_status`` (``item_status_of``), read under that lock
    by the same query (its join locks the item rows too: ``FOR SHARE`` without ``OF``, and ``LOCK IN SHARE
    MODE``, lock the rows of every table read). No status change locks both a lot and an item, so the
    order of the two within the query cannot make a cycle. Django's ``select_for_update()`` has no shared
    lock, hence the raw SQL. SQLite runs one writer at a time and takes no row locks.
    """
    keys = sorted(set(keys))
    if not keys:
        return {}

    def build() -> QuerySet:
        return Lot.objects.using(db).filter(pk__in=keys).annotate(item_status=F("item__status")).order_by("pk")

    sql, params = compiled(db, ("share_lock_lots", len(keys)), build, [key_value(key, db) for key in keys])
    share_lock = SHARE_LOCK.get(connections[db].vendor)
    lots = list(Lot.objects.db_manager(db).raw(f"{sql} {share_lock}" if share_lock else sql, params))
    found = {lot.pk: lot for lot in lots}
    for key in keys:
        if key not in found:
            raise UnknownLotError(f"No lot {key}.", value=key)
    return found


_LOTS_AND_BALANCES_SQL: dict[tuple[str, int], str] = {}


def lock_lots_and_balances(
    db: str, location_key: uuid.UUID, keys: Iterable[uuid.UUID]
) -> tuple[dict[uuid.UUID, Lot], dict[Pair, int]]:
    """``share_lock_lots(keys)`` and ``lock_balances(taking=...)`` of the lots at one location, by one statement where
    the database allows it: ``(lots, balances)``, a lot without a balance row there being left out of both.

    PostgreSQL: ``FOR SHARE OF`` the lots and their items, ``FOR UPDATE OF`` the balance rows, in ``lot_id`` order
    (the balance key's order at one location). Each row's lot and item are locked before its balance row (the
    order of the locking clauses), so a movement never holds a balance row while it waits for its lot: a
    recall, which holds the lot and then wants the lot's balance rows, cannot wait for it, as with the two
    statements. SQLite takes no row locks (one writer at a time, and a transaction whose read is outdated by
    another writer's commit cannot write): the same read, unlocked. MariaDB/MySQL, which have no ``OF``, lock
    the joined rows of every table alike: the two statements.
    """
    keys = sorted(set(keys))
    connection = connections[db]
    if connection.vendor not in ("postgresql", "sqlite"):
        lots = share_lock_lots(db, keys)
        balances = lock_balances(db, taking=[(location_key, key) for key in keys])
        return lots, {pair: quantity for pair, quantity in balances.items() if pair[1] in lots}
    sql = _LOTS_AND_BALANCES_SQL.get((db, len(keys)))
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(f"l.{quote(cast(str, field.column))}" for field in Lot._meta.concrete_fields)
        sql = (
            f"SELECT {columns}, i.{quote('status')} AS {quote('item_status')}, b.{quote('quantity')} AS {quote('held')}"
            f" FROM {quote(StockBalance._meta.db_table)} b"
            f" INNER JOIN {quote(Lot._meta.db_table)} l ON l.{quote('id')} = b.{quote('lot_id')}"
            f" INNER JOIN {quote(StockItem._meta.db_table)} i ON i.{quote('id')} = l.{quote('item_id')}"
            f" WHERE b.{quote('location_id')} = %s AND b.{quote('lot_id')} IN ({', '.join(['%s'] * len(keys))})"
            f" ORDER BY b.{quote('lot_id')}"
        )
        if connection.vendor == "postgresql":
            sql += " FOR SHARE OF l, i FOR UPDATE OF b"  # in this order: see above
        _LOTS_AND_BALANCES_SQL[(db, len(keys))] = sql
    params = [key_value(location_key, db), *(key_value(key, db) for key in keys)]
    lots = {lot.pk: lot for lot in read_instances(db, Lot, sql, params, extra=("item_status", "held"))}
    return lots, {(location_key, key): lot.held for key, lot in lots.items()}  # type: ignore[attr-defined]


def item_status_of(lot: Lot) -> str:
    """The status of ``lot``'s item as ``share_lock_lots`` read it under its lock."""
    status: str = lot.item_status  # type: ignore[attr-defined]  # the annotation of share_lock_lots
    return status


def lock_item(db: str, item_key: uuid.UUID) -> StockItem:
    """The item, locked ``FOR UPDATE`` (a status change): it conflicts with the shared lock of movements."""
    item = StockItem.objects.using(db).select_for_update().filter(pk=item_key).first()
    if item is None:
        raise UnknownItemError(f"No stock item {item_key}.", value=item_key)
    return item


def lock_balances(db: str, *, taking: Iterable[Pair] = (), adding: Iterable[Pair] = ()) -> dict[Pair, int]:
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
    and a row created meanwhile is locked as it is (``create_balance``).
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
    locked = {(row.location_id, row.lot_id): row.quantity for row in locked_balances(db, pairs)}
    for pair in adding:
        if pair not in locked:
            locked[pair] = create_balance(db, pair)
    return {pair: locked.get(pair, 0) for pair in pairs}


def create_balance(db: str, pair: Pair) -> int:
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
        found = locked_balances(db, [pair])
        if not found:
            raise
        return found[0].quantity
    return 0


def locked_balances(db: str, pairs: Iterable[Pair]) -> list[StockBalance]:
    """The balance rows of ``pairs``, locked (``FOR UPDATE``) through the ``(location, lot)`` unique index.

    The order of the index is the lock order. On MariaDB/MySQL a read locks the entries of the index it
    goes through, then the table's rows, and the optimizer may read a few rows through another index
    (the lot's foreign key, or the table itself): a transaction holding a row but not its unique index
    entry, while the movement trigger of another holds that entry and waits for the row, deadlocks.
    The index is forced there.
    """
    lots_by_location: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for location, lot in sorted(pairs):
        lots_by_location[location].append(lot)
    connection = connections[db]

    def build() -> QuerySet:
        queryset = StockBalance.objects.using(db).filter(_pairs_condition(lots_by_location))
        queryset = queryset.order_by("location_id", "lot_id")
        return queryset if connection.vendor == "mysql" else queryset.select_for_update()

    shape = ("locked_balances", *(len(lots) for lots in lots_by_location.values()))
    expected = [key_value(key, db) for location, lots in lots_by_location.items() for key in (location, *lots)]
    sql, params = compiled(db, shape, build, expected)
    if connection.vendor == "mysql":
        table = connection.ops.quote_name(StockBalance._meta.db_table)
        index = connection.ops.quote_name(BALANCE_KEY_INDEX)
        sql = sql.replace(f"FROM {table}", f"FROM {table} FORCE INDEX ({index})", 1) + " FOR UPDATE"
    return list(StockBalance.objects.db_manager(db).raw(sql, params))


def _pairs_condition(lots_by_location: dict[uuid.UUID, list[uuid.UUID]]) -> Q:
    """A filter matching the balance rows of the lots at each location (one ``lot_id IN`` per location)."""
    return reduce(or_, (Q(location_id=loc, lot_id__in=lots) for loc, lots in lots_by_location.items()))


def lock_lot(db: str, lot_key: uuid.UUID) -> Lot:
    """The lot, locked ``FOR UPDATE`` (a status change): it conflicts with the shared lock of movements."""
    lot = Lot.objects.using(db).select_for_update().filter(pk=lot_key).first()
    if lot is None:
        raise UnknownLotError(f"No lot {lot_key}.", value=lot_key)
    return lot


def lock_held_balances(db: str, lot_key: uuid.UUID) -> list[StockBalance]:
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
