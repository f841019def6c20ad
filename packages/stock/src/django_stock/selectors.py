"""Reads: balances (now or as of a moment), per-location stock report, expiring lots, lot traceability,
and the lookups of an item by SKU and of a location by code.

Every function here runs a constant number of queries, whatever the number of movements. Each read
takes ``org=``: ``ANY_ORG`` (the default of the reports, every organization, as before), ``None`` (the
rows of no organization) or an organization (a saved instance or a string key). Movements and balance
rows belong to their location's organization, lots to their item's. The lookups by natural key
(``item_by_sku``, ``location_by_code``) default to ``org=None``: a SKU or a code alone names one row per
organization.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone

from django_basemodels.tenancy import ANY_ORG, OrgLike, org_key
from django_stock.choices import LotStatus
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
    if as_of is None:
        if known_at is not None:
            raise ValueError("known_at needs as_of: balance(location, lot, as_of=..., known_at=...).")
        return StockBalance.objects.for_org(org).filter(location_id=_pk(location), **lots).total()
    movements = StockMovement.objects.as_of(as_of, known_at=known_at).for_org(org)
    return movements.filter(location_id=_pk(location), **lots).total()


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
    return lot.status == LotStatus.ACTIVE and (lot.expiry_date is None or lot.expiry_date > today)


def _report_order(line: StockLine) -> tuple[Any, ...]:
    expiry = line.lot.expiry_date
    return (line.item.sku, expiry is None, expiry or dt.date.max, line.lot.lot_number)


def stock_report(
    location: Location | Any, *, as_of: dt.datetime | None = None, org: OrgFilter = ANY_ORG
) -> list[StockLine]:
    """What ``location`` holds: one line per lot with stock, by item SKU then expiry (FEFO order).

    ``usable`` tells whether FEFO would issue from the lot today (active, not at or past expiry).
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
    "StockLine",
    "balance",
    "balances_differing_from_movements",
    "expiring_within",
    "item_by_sku",
    "location_by_code",
    "lot_history",
    "lot_locations",
    "movements_for_reference",
    "stock_report",
]
