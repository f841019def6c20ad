"""Reads: balances (now or as of a moment), per-location stock report, expiring lots, lot traceability (to the
locations and to the recipients), and the lookups of an item by SKU and of a location by code.

Every function here runs a constant number of queries, whatever the number of movements. Each read
takes ``org=``: ``ANY_ORG`` (the default of the reports, every organization, as before), ``None`` (the
rows of no organization) or an organization (a saved instance or a string key). Movements and balance
rows belong to their location's organization, lots to their item's. The lookups by natural key
(``item_by_sku``, ``location_by_code``) default to ``org=None``: a SKU or a code alone names one row per
organization.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router
from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from django_basemodels.arguments import require_aware
from django_basemodels.tenancy import ANY_ORG, OrgLike, org_key
from django_stock.choices import ItemStatus, LotStatus, MovementType
from django_stock.exceptions import UnknownItemError, UnknownLocationError
from django_stock.models import Location, Lot, StockBalance, StockItem, StockMovement
from django_stock.querysets import signed_quantity

if TYPE_CHECKING:
    from django_stock.querysets import OrgFilter


def _pk(value: Any) -> Any:
    return value.pk if isinstance(value, models.Model) else value


def _lot_filter(item_or_lot: Any) -> dict[str, Any]:
    if isinstance(item_or_lot, Lot):
        return {"lot_id": item_or_lot.pk}
    if isinstance(item_or_lot, StockItem):
        return {"lot__item_id": item_or_lot.pk}
    raise TypeError(f"item_or_lot must be a Lot or a StockItem, not {type(item_or_lot).__name__}.")


def balance(
    location: Location | Any,
    item_or_lot: Lot | StockItem,
    as_of: dt.datetime | None = None,
    *,
    known_at: dt.datetime | None = None,
    org: OrgFilter = ANY_ORG,
) -> int:
    """The quantity of a lot, or of an item over all its lots, at ``location``: one query.

    Without ``as_of``: the current balance, read from the balance rows (equal to the sum of all
    movements). With ``as_of`` (aware): the signed sum of the movements effective at or before it;
    with ``known_at`` too, only of those recorded by then ("what did we believe at R about E").
    ``location`` is a ``Location`` or its key; an unknown one, or one outside ``org``, has a balance of 0.
    Raises ``TypeError`` for anything but a ``Lot`` or ``StockItem``, ``ValueError`` for naive datetimes
    or ``known_at`` without ``as_of``.
    """
    lots = _lot_filter(item_or_lot)
    if as_of is None and known_at is not None:
        raise ValueError("known_at needs as_of: balance(location, lot, as_of=..., known_at=...).")
    if org is ANY_ORG:
        return _balance_by_sql(location, item_or_lot, as_of, known_at)
    if as_of is None:
        return StockBalance.objects.for_org(org).filter(location_id=_pk(location), **lots).total()
    movements = StockMovement.objects.as_of(as_of, known_at=known_at).for_org(org)
    return movements.filter(location_id=_pk(location), **lots).total()


def _balance_by_sql(location: Any, item_or_lot: Lot | StockItem, as_of: dt.datetime | None, known_at: Any) -> int:
    """``balance`` of every organization: the SQL the ORM would build, built once per vendor and shape.

    Compiling the ORM aggregate costs several times the read of one balance row; the statement is the same.
    """
    using = router.db_for_read(StockBalance)
    connection = connections[using]
    of_item = isinstance(item_or_lot, StockItem)
    sql = _balance_sql(connection, of_item=of_item, as_of=as_of is not None, known_at=known_at is not None)
    params = [_key(_pk(location), connection), _key(item_or_lot.pk, connection)]
    for name, when in (("when", as_of), ("known_at", known_at)):
        if when is not None:
            aware = require_aware(when, name=name, error=ValueError, allow_none=False)
            params.append(_moment(aware, connection))
    if connection.vendor == "sqlite" and not connection.queries_logged and not connection.execute_wrappers:
        (total,) = _sqlite_fetchone(connection, sql, params)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            (total,) = cursor.fetchone()
    return int(total)


_QMARK_SQL: dict[str, str] = {}


def _sqlite_fetchone(connection: Any, sql: str, params: list[Any]) -> tuple[Any, ...]:
    """One row of ``sql`` on SQLite through the driver's connection, as Django's cursor runs it without its
    wrappers: on a read of a few microseconds they cost as much as the read (the ``%s`` to ``?`` rewrite, the
    wrapper objects). Django's own checks are kept (broken transaction, thread sharing, errors as Django's);
    a logged connection (``DEBUG``, ``CaptureQueriesContext``) or one with ``execute_wrapper()`` hooks goes
    through the cursor, so the read is counted and seen.
    """
    qmark = _QMARK_SQL.get(sql)
    if qmark is None:
        qmark = _QMARK_SQL[sql] = sql.replace("%s", "?")  # the statements of _balance_sql have no other %
    connection.validate_no_broken_transaction()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    with connection.wrap_database_errors:
        row: tuple[Any, ...] = connection.connection.execute(qmark, params).fetchone()
    return row


def _moment(value: dt.datetime, connection: Any) -> Any:
    """An aware datetime as Django binds it (``adapt_datetimefield_value``, without its checks): itself on
    PostgreSQL, else the naive text in the connection's time zone."""
    if connection.vendor == "postgresql" or not settings.USE_TZ:
        return connection.ops.adapt_datetimefield_value(value)
    return str(value.astimezone(connection.timezone).replace(tzinfo=None))


def _key(value: Any, connection: Any) -> Any:
    """A key as its ``UUIDField`` stores it (``UUIDField.get_db_prep_value``, without the field's dispatch)."""
    if value is None:
        return None
    if not isinstance(value, uuid.UUID):
        value = _UUID.to_python(value)
    return value if connection.features.has_native_uuid_field else value.hex


_UUID = models.UUIDField()
_BALANCE_SQL: dict[tuple[str, bool, bool, bool], str] = {}


def _balance_sql(connection: Any, *, of_item: bool, as_of: bool, known_at: bool) -> str:
    """The statement of one balance. Parameters, in order: the location, the lot or item, then ``as_of`` and
    ``known_at`` when flagged. Without ``as_of`` it sums the balance rows; with it, the signed movements."""
    key = (connection.vendor, of_item, as_of, known_at)
    if key not in _BALANCE_SQL:
        quote = connection.ops.quote_name
        if as_of:
            table, quantity = StockMovement._meta.db_table, "s.quantity * s.direction"
            if connection.vendor == "mysql":  # quantity is UNSIGNED there (see querysets.signed_quantity)
                quantity = "CAST(s.quantity AS SIGNED) * s.direction"
        else:
            table, quantity = StockBalance._meta.db_table, "s.quantity"
        sql = f"SELECT COALESCE(SUM({quantity}), 0) FROM {quote(table)} s"
        if of_item:
            sql += f" INNER JOIN {quote(Lot._meta.db_table)} l ON l.id = s.lot_id"
            sql += " WHERE s.location_id = %s AND l.item_id = %s"
        else:
            sql += " WHERE s.location_id = %s AND s.lot_id = %s"
        if as_of:
            sql += " AND s.effective_at <= %s"
        if known_at:
            sql += " AND s.recorded_at <= %s"
        _BALANCE_SQL[key] = sql
    return _BALANCE_SQL[key]


@dataclass(frozen=True)
class StockLine:
    """One lot's quantity at a location, as listed by ``stock_report``."""

    item: StockItem
    lot: Lot
    quantity: int
    usable: bool

    @property
    def expiry_date(self) -> dt.date | None:
        return self.lot.expiry_date


def _usable(lot: Lot, today: dt.date) -> bool:
    return (
        lot.status == LotStatus.ACTIVE
        and lot.item.status == ItemStatus.ACTIVE
        and (lot.expiry_date is None or lot.expiry_date > today)
    )


def _report_order(line: StockLine) -> tuple[Any, ...]:
    expiry = line.lot.expiry_date
    return (line.item.sku, expiry is None, expiry or dt.date.max, line.lot.lot_number)


def stock_report(
    location: Location | Any, *, as_of: dt.datetime | None = None, org: OrgFilter = ANY_ORG
) -> list[StockLine]:
    """What ``location`` holds: one line per lot with stock, by item SKU then expiry (FEFO order).

    ``usable`` tells whether FEFO would issue from the lot today (lot and item active, not at or past expiry).
    Now: one query over the balance rows. With ``as_of`` (aware): two queries (movement sums per
    lot, then the lots). Lots with a zero balance are left out; a location outside ``org`` holds nothing.
    """
    today = timezone.localdate()
    if as_of is None:
        rows = (
            StockBalance.objects.for_org(org).filter(location_id=_pk(location)).positive().select_related("lot__item")
        )
        lines = [StockLine(row.lot.item, row.lot, row.quantity, _usable(row.lot, today)) for row in rows]
    else:
        sums = dict(
            StockMovement.objects.as_of(as_of)
            .for_org(org)
            .filter(location_id=_pk(location))
            .values("lot_id")
            .annotate(quantity=Sum(signed_quantity()))
            .filter(quantity__gt=0)
            .values_list("lot_id", "quantity")
        )
        lots = Lot.objects.select_related("item").in_bulk(list(sums)) if sums else {}
        lines = [StockLine(lot.item, lot, sums[pk], _usable(lot, today)) for pk, lot in lots.items()]
    return sorted(lines, key=_report_order)


def expiring_within(
    days: int, *, location: Location | Any | None = None, today: dt.date | None = None, org: OrgFilter = ANY_ORG
) -> models.QuerySet[Lot]:
    """Lots of ``org`` with stock that expire in the next ``days`` days (``today < expiry_date <= today + days``):
    one query.

    Each lot has ``on_hand``: its stock at ``location``, or everywhere when ``location`` is None.
    Recalled and already expired lots are left out; ordered by expiry date then lot number.
    Raises ``ValueError`` when ``days`` is not an int >= 0.
    """
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"days must be an int >= 0, not {days!r}.")
    in_location = Q(balances__location_id=_pk(location)) if location is not None else Q()
    return (
        Lot.objects.expiring_within(days, today)
        .for_org(org)
        .filter(status__in=[LotStatus.ACTIVE, LotStatus.BLOCKED])
        .annotate(on_hand=Sum("balances__quantity", filter=in_location))
        .filter(on_hand__gt=0)
        .select_related("item")
        .order_by("expiry_date", "lot_number")
    )


def lot_history(lot: Lot | Any, *, org: OrgFilter = ANY_ORG) -> models.QuerySet[StockMovement]:
    """Every movement of ``lot`` at every location of ``org``, in business-time order: where lot X went.

    Ordered by ``effective_at``, then ``recorded_at``; locations and users joined (one query).
    Movements of one operation (a transfer's two legs) share ``operation_id``.
    """
    return (
        StockMovement.objects.for_org(org)
        .filter(lot_id=_pk(lot))
        .select_related("location", "created_by", "reverses")
        .order_by("effective_at", "recorded_at", "id")
    )


def lot_locations(lot: Lot | Any, *, org: OrgFilter = ANY_ORG) -> models.QuerySet[StockBalance]:
    """Where ``lot`` is now: its positive balance rows at locations of ``org``, with their locations, by location
    code (one query): what a recall of the lot would remove."""
    rows = StockBalance.objects.for_org(org).filter(lot_id=_pk(lot)).positive()
    return rows.select_related("location").order_by("location__code")


def movements_for_reference(reference: models.Model, *, org: OrgFilter = ANY_ORG) -> models.QuerySet[StockMovement]:
    """The movements written for ``reference`` (a sale, a delivery note: any saved model) at locations of ``org``,
    oldest first."""
    return StockMovement.objects.for_org(org).for_reference(reference).order_by("effective_at", "recorded_at", "id")


@dataclass(frozen=True)
class LotRecipient:
    """A reference (a sale, a dispense, a patient visit) that received units of a lot from one location,
    as listed by ``lot_recipients``.

    ``issued`` is the units issued to it from ``location`` less the issues reversed since; ``returned`` the units
    it returned there less the returns reversed; ``quantity`` what it still holds from there. ``reference_type``
    and ``reference_id`` are the movements' generic key (``None`` and ``""`` for units issued with no
    reference); ``reference`` loads the object (one query each time it is read).
    """

    reference_type_id: int | None
    reference_id: str
    location: Location
    issued: int
    returned: int
    first_issued_at: dt.datetime
    last_issued_at: dt.datetime

    @property
    def quantity(self) -> int:
        """The units it received from ``location`` and still holds: ``issued - returned``."""
        return self.issued - self.returned

    @property
    def reference_type(self) -> ContentType | None:
        """The reference's content type (from the content types' cache), or None without a reference."""
        if self.reference_type_id is None:
            return None
        return ContentType.objects.db_manager(self.location._state.db).get_for_id(self.reference_type_id)

    @property
    def reference(self) -> models.Model | None:
        """The referenced object, read now (one query), or None without a reference or once it is deleted."""
        content_type = self.reference_type
        if content_type is None:
            return None
        model = content_type.model_class()
        if model is None:
            return None
        return model._default_manager.filter(pk=self.reference_id).first()


_ISSUE_OR_RETURN = [MovementType.ISSUE, MovementType.RETURN]


def lot_recipients(lot: Lot | Any, *, org: OrgFilter = ANY_ORG) -> list[LotRecipient]:
    """Every reference that received units of ``lot``, at every location of ``org`` the lot reached: recall to the
    recipient ("trace every lot to the patient"). Two queries, whatever the number of movements.

    One ``LotRecipient`` per (reference, location the units left from), with the units issued to it there and
    returned by it there, net of reversals (``quantity`` is what it still holds). Transfers are followed by
    construction: a lot keeps its identity from location to location, so the issues at the second or third
    location it was transferred to are listed beside those of the first. Issues with no reference are listed
    too (``reference_type_id`` None): units that left without a recorded recipient. A reference whose issues were
    all reversed received nothing and is left out; one that returned everything stays, with ``quantity`` 0. Units
    returned against a reference at a location that issued it none (a return slip) are not netted anywhere,
    as ``return_stock`` caps returns per location. Ordered by location code, then first issue, then reference.
    ``lot`` is a ``Lot`` or its key; an unknown one has no recipients.
    """
    issues = Q(movement_type=MovementType.ISSUE) | Q(
        movement_type=MovementType.REVERSAL, reverses__movement_type=MovementType.ISSUE
    )
    returns = Q(movement_type=MovementType.RETURN) | Q(
        movement_type=MovementType.REVERSAL, reverses__movement_type=MovementType.RETURN
    )
    rows = (
        StockMovement.objects.for_org(org)
        .filter(lot_id=_pk(lot))
        .filter(Q(movement_type__in=_ISSUE_OR_RETURN) | Q(reverses__movement_type__in=_ISSUE_OR_RETURN))
        .values("reference_type_id", "reference_id", "location_id")
        .annotate(
            issued=Sum(signed_quantity(), filter=issues),
            returned=Sum(signed_quantity(), filter=returns),
            first_issued_at=Min("effective_at", filter=Q(movement_type=MovementType.ISSUE)),
            last_issued_at=Max("effective_at", filter=Q(movement_type=MovementType.ISSUE)),
        )
        .order_by()
    )
    # issued: issues are signed -1 and their reversals +1; returned: returns +1, their reversals -1.
    found = [row for row in rows if -int(row["issued"] or 0) > 0]
    locations = Location.objects.in_bulk({row["location_id"] for row in found}) if found else {}
    recipients = [
        LotRecipient(
            reference_type_id=row["reference_type_id"],
            reference_id=row["reference_id"],
            location=locations[row["location_id"]],
            issued=-int(row["issued"]),
            returned=int(row["returned"] or 0),
            first_issued_at=row["first_issued_at"],
            last_issued_at=row["last_issued_at"],
        )
        for row in found
    ]
    return sorted(
        recipients,
        key=lambda r: (r.location.code, r.first_issued_at, r.reference_type_id or 0, r.reference_id),
    )


def item_by_sku(sku: str, *, org: OrgLike = None) -> StockItem:
    """The stock item of ``org`` whose SKU is ``sku`` (``org=None``: the item of no organization): one query.

    Raises ``UnknownItemError`` when ``org`` has no such item (another organization's never counts), and
    ``django_basemodels.InvalidOrgError`` for an ``org`` that names no organization (``ANY_ORG`` included).
    """
    found = StockItem.objects.filter(org_key=org_key(org), sku=sku).first()
    if found is None:
        raise UnknownItemError(f"No stock item with SKU {sku!r} in {_org_name(org)}.", value=sku)
    return found


def location_by_code(code: str, *, org: OrgLike = None) -> Location:
    """The location of ``org`` whose code is ``code`` (``org=None``: the location of no organization): one query.

    Raises ``UnknownLocationError`` when ``org`` has no such location (another organization's never counts),
    and ``django_basemodels.InvalidOrgError`` for an ``org`` that names no organization (``ANY_ORG`` included).
    """
    found = Location.objects.filter(org_key=org_key(org), code=code).first()
    if found is None:
        raise UnknownLocationError(f"No location with code {code!r} in {_org_name(org)}.", value=code)
    return found


def _org_name(org: OrgLike) -> str:
    return "no organization" if org is None else f"organization {org_key(org)!r}"


def balances_differing_from_movements(
    *, org: OrgFilter = ANY_ORG, using: str | None = None
) -> list[tuple[Any, Any, int, int]]:
    """``(location_id, lot_id, balance row, sum of movements)`` for every pair, at locations of ``org``, where they
    differ.

    Two queries, streamed: the balance rows and the movement sums grouped by (location, lot).
    A pair with movements but no balance row counts as a row of 0. Used by ``stock_balances``.
    """
    sums: dict[tuple[Any, Any], int] = {
        (location, lot): total
        for location, lot, total in StockMovement.objects.db_manager(using)
        .for_org(org)
        .values("location_id", "lot_id")
        .annotate(total=Sum(signed_quantity()))
        .values_list("location_id", "lot_id", "total")
        .order_by()
        .iterator()
    }
    differences = []
    rows = StockBalance.objects.db_manager(using).for_org(org).values_list("location_id", "lot_id", "quantity")
    for location, lot, quantity in rows.iterator():
        expected = sums.pop((location, lot), 0)
        if expected != quantity:
            differences.append((location, lot, quantity, expected))
    differences.extend((location, lot, 0, total) for (location, lot), total in sums.items() if total != 0)
    return differences


__all__ = [
    "LotRecipient",
    "StockLine",
    "balance",
    "balances_differing_from_movements",
    "expiring_within",
    "item_by_sku",
    "location_by_code",
    "lot_history",
    "lot_locations",
    "lot_recipients",
    "movements_for_reference",
    "stock_report",
]
