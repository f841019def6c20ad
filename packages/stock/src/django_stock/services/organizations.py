"""The one-organization rule of the movement services: an item's stock moves only at locations of its organization."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet, Subquery

from django_stock.exceptions import CrossOrgMovementError, UnknownLocationError
from django_stock.models import Location, Lot, StockItem
from django_stock.services.locking import compiled, key_value, read_instances


def _named(key: str) -> str:
    return repr(key) if key else "no organization"


def load_locations_of_one_org(
    db: str, locations: dict[str, uuid.UUID], *, lot_key: uuid.UUID | None = None, item_key: uuid.UUID | None = None
) -> dict[str, Location]:
    """The locations of ``locations`` (role: key), once they and the item (of ``lot_key``, or ``item_key``) are
    known to belong to one organization; ``""`` (no organization) is one organization too.

    One query reads the locations and the item's organization, not locking (a movement's foreign key
    share-locks its location; an item's or location's organization is not changed by the services).
    Raises ``UnknownLocationError`` for a missing location, then ``CrossOrgMovementError``. An unknown lot
    or item is left to the lookup that follows, which raises its ``Unknown...Error``.
    """
    keys = list(dict.fromkeys(locations.values()))
    kind, key = ("lot", lot_key) if lot_key is not None else ("item", item_key)
    assert key is not None  # every movement names a lot or an item

    def build() -> QuerySet:
        org: QuerySet
        if kind == "lot":
            org = Lot.objects.using(db).filter(pk=key).values("item__org_key")
        else:
            org = StockItem.objects.using(db).filter(pk=key).values("org_key")
        return Location.objects.using(db).filter(pk__in=keys).annotate(item_org_key=Subquery(org.order_by()[:1]))

    # The subquery's key comes first: Django binds the SELECT's parameters before the WHERE's.
    params = [key_value(key, db), *(key_value(each, db) for each in keys)]
    sql, bound = compiled(db, ("locations_of_one_org", kind, len(keys)), build, params)
    found = {location.pk: location for location in read_instances(db, Location, sql, bound, extra=("item_org_key",))}
    for each in keys:
        if each not in found:
            raise UnknownLocationError(f"No location {each}.", value=each)
    by_role = {role: found[each] for role, each in locations.items()}
    org_keys = {role: location.org_key for role, location in by_role.items()}
    item_org = next(iter(found.values())).item_org_key  # type: ignore[attr-defined]  # the annotation above
    if item_org is not None:
        org_keys["item"] = item_org
    if len(set(org_keys.values())) > 1:
        parties = ", ".join(f"{role.replace('_', ' ')} of {_named(key)}" for role, key in org_keys.items())
        raise CrossOrgMovementError(f"One operation cannot mix organizations: {parties}.", org_keys=org_keys)
    return by_role
