"""Read paths over items, locations, lots, movements and balances; movements refuse bulk ``update()`` and ``delete()``.

Every queryset has ``for_org(org)`` (``django_basemodels.OrgQuerySetMixin``): items and locations store
their organization; a lot belongs to its item's, a movement and a balance row to their location's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from django_basemodels.tenancy import OrgQuerySetMixin
from django_decisioning import EventAsOfQuerySet
from django_stock.choices import ItemStatus, LotStatus
from django_stock.exceptions import MovementImmutableError

if TYPE_CHECKING:
    from django_basemodels.tenancy import OrgLike, _AnyOrg

    OrgFilter = OrgLike | _AnyOrg
    """What ``org=`` of a read takes: an organization, ``None`` (no organization) or ``ANY_ORG`` (every one)."""


class _Signed(models.Func):
    """The column as a signed number: on MariaDB/MySQL ``quantity`` is ``UNSIGNED``, and an unsigned
    value times a negative one is out of range there. The other vendors get the column as it is."""

    template = "%(expressions)s"
    output_field = models.BigIntegerField()

    def as_mysql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, Sequence[Any]]:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS SIGNED)", **extra_context)


def signed_quantity() -> models.Expression:
    """``quantity * direction`` of a movement: positive in, negative out."""
    return models.ExpressionWrapper(_Signed(F("quantity")) * F("direction"), output_field=models.BigIntegerField())


def _total(queryset: models.QuerySet, expression: Any) -> int:
    return queryset.aggregate(total=Coalesce(Sum(expression), 0, output_field=models.BigIntegerField()))["total"]


class StockItemQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Stock items; ``for_org(org)`` selects one organization's."""


class LocationQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Locations; ``for_org(org)`` selects one organization's."""


class LotQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Lots by usability and expiry. ``today`` defaults to ``timezone.localdate()``.

    ``for_org`` goes through the item.
    """

    org_lookup = "item__org_key"

    def usable(self, today: dt.date | None = None) -> LotQuerySet:
        """Lots that may be received, issued, transferred or returned: active, of an active item, and not at or
        past expiry."""
        today = today or timezone.localdate()
        not_expired = Q(expiry_date__isnull=True) | Q(expiry_date__gt=today)
        return self.filter(not_expired, status=LotStatus.ACTIVE, item__status=ItemStatus.ACTIVE)

    def past_expiry(self, today: dt.date | None = None) -> LotQuerySet:
        """Lots whose expiry date is today or earlier, whatever their status."""
        return self.filter(expiry_date__lte=today or timezone.localdate())

    def expiring_within(self, days: int, today: dt.date | None = None) -> LotQuerySet:
        """Lots not yet expired whose expiry date is within ``days`` days: ``today < expiry <= today + days``."""
        today = today or timezone.localdate()
        return self.filter(expiry_date__gt=today, expiry_date__lte=today + dt.timedelta(days=days))


class StockMovementQuerySet(OrgQuerySetMixin, EventAsOfQuerySet):
    """Insert-only facts: ``as_of``/``known_at`` from decisioning; ``update()`` and ``delete()`` raise.

    ``for_org`` goes through the location.
    """

    org_lookup = "location__org_key"

    def at_location(self, location: Any) -> StockMovementQuerySet:
        return self.filter(location=location)

    def for_lot(self, lot: Any) -> StockMovementQuerySet:
        return self.filter(lot=lot)

    def for_item(self, item: Any) -> StockMovementQuerySet:
        return self.filter(lot__item=item)

    def for_reference(self, reference: models.Model) -> StockMovementQuerySet:
        """Movements whose generic key ``reference`` points at ``reference`` (any saved model)."""
        from django_basemodels.generic import generic_key_filter  # lazy: needs the app registry

        return self.filter(**generic_key_filter("reference", reference))

    def total(self) -> int:
        """The signed sum of the selected movements (in minus out), in one aggregate query."""
        return _total(self, signed_quantity())

    def update(self, **kwargs: Any) -> int:
        raise MovementImmutableError("Stock movements are insert-only; reverse a movement instead of updating it.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise MovementImmutableError("Stock movements are insert-only; reverse a movement instead of deleting it.")

    delete.queryset_only = True  # type: ignore[attr-defined]


class StockBalanceQuerySet(OrgQuerySetMixin, models.QuerySet):
    """The derived per-(location, lot) balances; ``for_org`` goes through the location."""

    org_lookup = "location__org_key"

    def positive(self) -> StockBalanceQuerySet:
        return self.filter(quantity__gt=0)

    def total(self) -> int:
        """The sum of the selected balances, in one aggregate query."""
        return _total(self, F("quantity"))


__all__ = [
    "LocationQuerySet",
    "LotQuerySet",
    "StockBalanceQuerySet",
    "StockItemQuerySet",
    "StockMovementQuerySet",
    "signed_quantity",
]
