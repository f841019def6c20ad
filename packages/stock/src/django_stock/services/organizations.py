"""The one-organization rule of the movement services: an item's stock moves only at locations of its organization."""

from __future__ import annotations

import uuid

from django.db import connections
from django.db.models import QuerySet

from django_stock.exceptions import CrossOrgMovementError
from django_stock.models import Location, Lot, StockItem
from django_stock.services.locking import compiled, key_value


def _named(key: str) -> str:
    return repr(key) if key else "no organization"


def require_one_org(
    db: str, *, locations: dict[str, Location], lot_key: uuid.UUID | None = None, item_key: uuid.UUID | None = None
) -> None:
    """Raise ``CrossOrgMovementError`` unless ``locations`` (by role) and the item (of ``lot_key``, or ``item_key``)
    all belong to one organization; ``""`` (no organization) is one organization too.

    One query, not locking (an item's or location's organization is not changed by the services). An
    unknown lot or item is left to the lookup that follows, which raises its ``Unknown...Error``.
    """
    org_keys = {role: location.org_key for role, location in locations.items()}
    item_org = None
    if lot_key is not None:
        item_org = _org_of(db, "lot", lot_key)
    elif item_key is not None:
        item_org = _org_of(db, "item", item_key)
    if item_org is not None:
        org_keys["item"] = item_org
    if len(set(org_keys.values())) > 1:
        parties = ", ".join(f"{role.replace('_', ' ')} of {_named(key)}" for role, key in org_keys.items())
        raise CrossOrgMovementError(f"One operation cannot mix organizations: {parties}.", org_keys=org_keys)


def _org_of(db: str, kind: str, key: uuid.UUID) -> str | None:
    """The organization key of the item (``kind`` ``"item"``), or of the lot's item; None when there is none."""

    def build() -> QuerySet:
        if kind == "lot":
            return Lot.objects.using(db).filter(pk=key).values_list("item__org_key")[:1]
        return StockItem.objects.using(db).filter(pk=key).values_list("org_key")[:1]

    sql, params = compiled(db, ("org_of", kind), build, [key_value(key, db)])
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else row[0]
