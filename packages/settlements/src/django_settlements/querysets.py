"""Read paths over obligations, settlements, allocations, credit limits and credit movements.

Facts refuse bulk ``update()`` and ``delete()`` (``ImmutableFactError``). Every queryset has ``for_org(org)``:
obligations, settlements and limits carry their organization; allocations and credit movements belong to their
settlement's or limit's. ``org`` is an organization (a saved instance or a string key), ``None`` (no
organization) or ``ANY_ORG`` (every row). Facts have ``as_of(when, known_at=None)`` (``EventAsOfQuerySet``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from django_basemodels.arguments import require_aware
from django_basemodels.tenancy import OrgQuerySetMixin
from django_decisioning.querysets import EventAsOfQuerySet
from django_settlements.amounts import exact_sum, in_units, sum_field, typed, vendor_of
from django_settlements.choices import CreditMovementKind, SettlementKind
from django_settlements.exceptions import ImmutableFactError

if TYPE_CHECKING:
    from typing_extensions import Self


def _generic(name: str, instance: models.Model) -> dict[str, Any]:
    from django_basemodels.generic import generic_key_filter  # lazy: needs the app registry

    return generic_key_filter(name, instance)


def _window(queryset: Any, prefix: str, as_of: dt.datetime | None, known_at: dt.datetime | None) -> Any:
    if as_of is not None:
        queryset = queryset.filter(
            **{f"{prefix}effective_at__lte": require_aware(as_of, name="as_of", allow_none=False)}
        )
    if known_at is not None:
        queryset = queryset.filter(
            **{f"{prefix}recorded_at__lte": require_aware(known_at, name="known_at", allow_none=False)}
        )
    return queryset


class FactQuerySetMixin:
    """For the queryset of a fact: ``update()`` and ``delete()`` raise ``ImmutableFactError``; ``window()``."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableFactError(f"{self.model.__name__} rows are facts: they are never updated.")  # type: ignore[attr-defined]

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableFactError(f"{self.model.__name__} rows are facts: they are never deleted.")  # type: ignore[attr-defined]

    delete.queryset_only = True  # type: ignore[attr-defined]

    def window(self, *, as_of: dt.datetime | None = None, known_at: dt.datetime | None = None) -> Self:
        """Facts effective by ``as_of`` and recorded by ``known_at`` (each only when given; aware datetimes)."""
        return _window(self, "", as_of, known_at)


class ObligationQuerySet(OrgQuerySetMixin, FactQuerySetMixin, EventAsOfQuerySet):
    """Obligations and their cancellations."""

    def originals(self) -> Self:
        """Obligations, without the rows that cancel them."""
        return self.filter(reverses__isnull=True)

    def cancellations(self) -> Self:
        """The rows that cancel an obligation."""
        return self.filter(reverses__isnull=False)

    def owed_by(self, debtor: models.Model) -> Self:
        """Obligations whose debtor is ``debtor`` (a saved instance of any model)."""
        return self.filter(**_generic("debtor", debtor))

    def owed_to(self, creditor: models.Model) -> Self:
        """Obligations whose creditor is ``creditor``."""
        return self.filter(**_generic("creditor", creditor))

    def for_reference(self, reference: models.Model) -> Self:
        """Obligations (and cancellations) naming ``reference``."""
        return self.filter(**_generic("reference", reference))

    def with_open_amount(self, *, as_of: dt.datetime | None = None, known_at: dt.datetime | None = None) -> Self:
        """Obligations annotated with ``paid_units`` and ``open_units`` (use ``amounts.to_decimal`` to read them)
        and ``is_cancelled``, counting the settlements and the cancellation effective by ``as_of`` and recorded
        by ``known_at``.

        What is paid is the sum of the allocations (a refund or a reversal counts negatively); what is open is
        the amount less what is paid, or nothing once the obligation is cancelled.
        """
        from django_settlements.models import Allocation, Obligation  # lazy: the models import this module

        vendor = vendor_of(self.db)
        allocations = _window(
            Allocation.objects.filter(obligation=OuterRef("pk")), "settlement__", as_of, known_at
        ).order_by()
        paid = allocations.values("obligation").annotate(
            total=exact_sum(in_units("amount", vendor) * F("direction"), vendor)
        )
        cancellations = _window(Obligation.objects.filter(reverses=OuterRef("pk")), "", as_of, known_at)
        output = sum_field(vendor)
        return self.annotate(
            paid_units=Coalesce(Subquery(paid.values("total")), Value(0), output_field=output),
            is_cancelled=Exists(cancellations),
        ).annotate(
            open_units=Case(
                When(is_cancelled=True, then=Value(0)),
                default=typed(in_units("amount", vendor) - F("paid_units"), vendor),
                output_field=output,
            )
        )

    def open(self, *, as_of: dt.datetime | None = None, known_at: dt.datetime | None = None) -> Self:
        """Obligations (not cancellations) with something left to pay, as of ``as_of`` and known at ``known_at``."""
        return self.originals().with_open_amount(as_of=as_of, known_at=known_at).filter(open_units__gt=0)


class SettlementQuerySet(OrgQuerySetMixin, FactQuerySetMixin, EventAsOfQuerySet):
    """Payments, refunds and reversals."""

    def payments(self) -> Self:
        return self.filter(kind=SettlementKind.PAYMENT)

    def refunds(self) -> Self:
        return self.filter(kind=SettlementKind.REFUND)

    def reversals(self) -> Self:
        return self.filter(kind=SettlementKind.REVERSAL)

    def standing(self) -> Self:
        """Payments and refunds that no reversal undoes."""
        return self.exclude(kind=SettlementKind.REVERSAL).filter(reversal__isnull=True)

    def paid_by(self, payer: models.Model) -> Self:
        return self.filter(**_generic("payer", payer))

    def paid_to(self, payee: models.Model) -> Self:
        return self.filter(**_generic("payee", payee))

    def for_reference(self, reference: models.Model) -> Self:
        return self.filter(**_generic("reference", reference))


class AllocationQuerySet(OrgQuerySetMixin, FactQuerySetMixin, models.QuerySet):
    """Allocations; ``for_org``: those of the settlements of ``org``."""

    org_lookup = "settlement__org_key"


class CreditLimitQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Credit limits."""

    def between(self, *, creditor: models.Model, debtor: models.Model) -> Self:
        """The limits ``creditor`` grants ``debtor`` (one per currency and organization)."""
        return self.filter(**_generic("creditor", creditor), **_generic("debtor", debtor))


class CreditMovementQuerySet(OrgQuerySetMixin, FactQuerySetMixin, EventAsOfQuerySet):
    """Reservations, releases and consumptions; ``for_org``: those of the limits of ``org``."""

    org_lookup = "credit_limit__org_key"

    def reservations(self) -> Self:
        return self.filter(kind=CreditMovementKind.RESERVE)

    def with_remaining(self) -> Self:
        """Reservations annotated with ``remaining_units``: their amount less their releases and consumptions."""
        from django_settlements.models import CreditMovement  # lazy: the models import this module

        vendor = vendor_of(self.db)
        settled = (
            CreditMovement.objects.filter(reservation=OuterRef("pk"))
            .order_by()
            .values("reservation")
            .annotate(total=exact_sum(in_units("amount", vendor), vendor))
        )
        output = sum_field(vendor)
        return self.reservations().annotate(
            remaining_units=typed(
                in_units("amount", vendor) - Coalesce(Subquery(settled.values("total")), Value(0), output_field=output),
                vendor,
            )
        )

    def open_reservations(self) -> Self:
        """Reservations with something left to release or consume."""
        return self.with_remaining().filter(remaining_units__gt=0)


__all__ = [
    "AllocationQuerySet",
    "CreditLimitQuerySet",
    "CreditMovementQuerySet",
    "FactQuerySetMixin",
    "ObligationQuerySet",
    "SettlementQuerySet",
]
