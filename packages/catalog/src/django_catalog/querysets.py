"""Read paths: catalog listings, baskets of an encounter, work item boards and dispense records.

Board queries (``WorkItem.objects.for_board("lab").open()``) load the assignee, the catalog item
and the basket in the same query, so rendering a board costs one query however long it is.

Every listing that reaches beyond one encounter takes ``org=``: ``ANY_ORG`` (the default, every
organization, as before), ``None`` (the rows of no organization) or an organization (a saved
instance or a string key). Catalog items store their organization; baskets, work items and
dispense records belong to the organization of their catalog items (``for_org`` on each queryset).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models
from django.db.models import Count, Exists, OuterRef, Sum

from django_basemodels import ANY_ORG, AliveManager, OrgLike, OrgQuerySetMixin, SoftDeleteQuerySet, org_key
from django_basemodels.arguments import require_aware
from django_basemodels.tenancy import NO_ORG
from django_catalog.choices import BasketStatus, CatalogItemKind, WorkItemStatus
from django_catalog.exceptions import DispenseLogImmutableError, InvalidEffectiveAtError
from django_catalog.lots import lot_reference
from django_decisioning import EventAsOfQuerySet

if TYPE_CHECKING:
    from django_basemodels.tenancy import _AnyOrg

    OrgFilter = OrgLike | _AnyOrg

_QuerySet = TypeVar("_QuerySet", bound=models.QuerySet[Any])


class CatalogItemQuerySet(OrgQuerySetMixin, SoftDeleteQuerySet):
    """Catalog items; ``CatalogItem.objects`` holds live (not soft-deleted) rows only.

    ``for_org(org)``, and ``org=`` on every filter: ``CatalogItem.objects.active(org=pharmacy)``.
    """

    def active(self, *, org: OrgFilter = ANY_ORG) -> CatalogItemQuerySet:
        """Items of ``org`` that can be ordered without ``allow_inactive_items``."""
        return self.for_org(org).filter(active=True)

    def services(self, *, org: OrgFilter = ANY_ORG) -> CatalogItemQuerySet:
        """Items of ``org`` of kind ``service``."""
        return self.for_org(org).filter(kind=CatalogItemKind.SERVICE)

    def stock_items(self, *, org: OrgFilter = ANY_ORG) -> CatalogItemQuerySet:
        """Items of ``org`` of kind ``stock_item`` (the ones a ``DispenseLog`` can record)."""
        return self.for_org(org).filter(kind=CatalogItemKind.STOCK_ITEM)

    def in_category(self, category: str, *, org: OrgFilter = ANY_ORG) -> CatalogItemQuerySet:
        """Items of ``org`` whose ``service_category`` is ``category``."""
        return self.for_org(org).filter(service_category=category)


class CatalogItemManager(AliveManager.from_queryset(CatalogItemQuerySet)):  # type: ignore[misc]
    """Live catalog items, with the ``CatalogItemQuerySet`` filters."""


class BasketQuerySet(models.QuerySet):
    """Baskets; ``for_encounter``, ``for_org`` and the status filters combine."""

    def for_org(self, org: OrgFilter) -> BasketQuerySet:
        """Baskets of ``org``: those holding its items (``add_item`` never mixes two organizations).

        ``None``: the baskets of no organization, empty ones included; ``ANY_ORG``: every basket.
        One query: the items are looked up in a subquery, no basket is repeated. Raises
        ``django_basemodels.InvalidOrgError`` for something that names no organization.
        """
        if org is ANY_ORG:
            return self
        key = org_key(org)  # type: ignore[arg-type]  # ANY_ORG was handled above
        from django_catalog.models import BasketItem  # the models import this module

        items = BasketItem.objects.filter(basket=OuterRef("pk"))
        if key == NO_ORG:
            return self.exclude(Exists(items.exclude(catalog_item__org_key=NO_ORG)))
        return self.filter(Exists(items.filter(catalog_item__org_key=key)))

    def for_encounter(self, encounter: models.Model) -> BasketQuerySet:
        """Baskets of ``encounter`` (an instance of ``CATALOG_ENCOUNTER_MODEL``)."""
        return self.filter(encounter=encounter)

    def drafts(self, *, org: OrgFilter = ANY_ORG) -> BasketQuerySet:
        """Baskets of ``org`` still being filled (at most one per encounter)."""
        return self.for_org(org).filter(status=BasketStatus.DRAFT)

    def committed(self, *, org: OrgFilter = ANY_ORG) -> BasketQuerySet:
        """Baskets of ``org`` whose work items were spawned."""
        return self.for_org(org).filter(status=BasketStatus.COMMITTED)


class WorkItemQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Work items and the boards they are routed to; a work item belongs to its catalog item's organization."""

    org_lookup = "catalog_item__org_key"

    def for_board(self, board: str, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Work items of ``org`` routed to ``board``, with assignee, catalog item and basket loaded in the same query.

        Board names are the organization's own: ``for_board("lab", org=pharmacy)`` is the lab board of
        ``pharmacy`` only.
        """
        return self.for_org(org).filter(board=board).select_related("assignee", "catalog_item", "basket")

    def open(self, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Work of ``org`` still to do: ``pending`` or ``in_progress``."""
        return self.for_org(org).filter(status__in=[WorkItemStatus.PENDING, WorkItemStatus.IN_PROGRESS])

    def pending(self, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Work of ``org`` not started yet."""
        return self.for_org(org).filter(status=WorkItemStatus.PENDING)

    def in_progress(self, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Work of ``org`` started and not finished."""
        return self.for_org(org).filter(status=WorkItemStatus.IN_PROGRESS)

    def completed(self, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Finished work of ``org``."""
        return self.for_org(org).filter(status=WorkItemStatus.COMPLETED)

    def cancelled(self, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Work of ``org`` called off."""
        return self.for_org(org).filter(status=WorkItemStatus.CANCELLED)

    def assigned_to(self, user: models.Model, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Work items of ``org`` whose assignee is ``user``."""
        return self.for_org(org).filter(assignee=user)

    def unassigned(self, *, org: OrgFilter = ANY_ORG) -> WorkItemQuerySet:
        """Work items of ``org`` nobody has taken yet."""
        return self.for_org(org).filter(assignee__isnull=True)

    def for_encounter(self, encounter: models.Model) -> WorkItemQuerySet:
        """Work items spawned from the baskets of ``encounter``."""
        return self.filter(basket__encounter=encounter)

    def board_counts(self, *, org: OrgFilter = ANY_ORG) -> dict[str, dict[str, int]]:
        """``{board: {status: count}}`` over the work items of ``org`` in this queryset, in one query
        (e.g. ``open().board_counts(org=pharmacy)``)."""
        counts: dict[str, dict[str, int]] = {}
        rows = self.for_org(org).order_by().values("board", "status").annotate(count=Count("pk"))
        for row in rows:
            counts.setdefault(row["board"], {})[row["status"]] = row["count"]
        return counts


class DispenseLogQuerySet(OrgQuerySetMixin, EventAsOfQuerySet):
    """Dispense records (``as_of``/``known_at`` of ``EventAsOfQuerySet``, with ``org=``); ``update()``/``delete()``
    raise. A record belongs to its catalog item's organization."""

    org_lookup = "catalog_item__org_key"

    def as_of(
        self: _QuerySet, when: dt.datetime, *, known_at: dt.datetime | None = None, org: OrgFilter = ANY_ORG
    ) -> _QuerySet:
        """Records of ``org`` dispensed at or before ``when`` (with ``known_at``: recorded by then too).
        Raises ``ValueError`` for naive datetimes."""
        return EventAsOfQuerySet.as_of(self.for_org(org), when, known_at=known_at)  # type: ignore[attr-defined]

    def known_at(self: _QuerySet, when: dt.datetime, *, org: OrgFilter = ANY_ORG) -> _QuerySet:
        """Records of ``org`` recorded at or before ``when``, whatever their ``effective_at``."""
        return EventAsOfQuerySet.known_at(self.for_org(org), when)  # type: ignore[attr-defined]

    def for_encounter(self, encounter: models.Model) -> DispenseLogQuerySet:
        """Dispense records of the work items of ``encounter``."""
        return self.filter(work_item__basket__encounter=encounter)

    def dispensed_by(self, user: models.Model, *, org: OrgFilter = ANY_ORG) -> DispenseLogQuerySet:
        """Dispense records of ``org`` signed by ``user``."""
        return self.for_org(org).filter(dispensed_by=user)

    def for_lot(self, lot: Any, *, org: OrgFilter = ANY_ORG) -> DispenseLogQuerySet:
        """Dispense records of ``org`` that handed out ``lot`` (a lot number, or a saved lot row of any
        package), encounter loaded: who received it, for a recall. Reversed records are included
        (``.not_reversed()`` drops them). Raises ``InvalidLotError`` for something that names no lot."""
        return (
            self.for_org(org)
            .filter(lot_reference=lot_reference(lot))
            .select_related("work_item__basket", "catalog_item")
        )

    def _reversal_exists(self, as_of: dt.datetime | None) -> Exists:
        from django_catalog.models import DispenseReversal  # the models import this module

        reversals = DispenseReversal.objects.filter(dispense=OuterRef("pk"))
        if as_of is not None:
            reversals = reversals.filter(effective_at__lte=as_of)
        return Exists(reversals)

    def _as_of(self, as_of: dt.datetime | None) -> DispenseLogQuerySet:
        if as_of is None:
            return self
        require_aware(as_of, name="as_of", error=InvalidEffectiveAtError, allow_none=False)
        return self.filter(effective_at__lte=as_of)

    def reversed(self, *, as_of: dt.datetime | None = None) -> DispenseLogQuerySet:
        """Records with a ``DispenseReversal`` (with ``as_of``: dispensed and reversed by then)."""
        return self._as_of(as_of).filter(self._reversal_exists(as_of))

    def not_reversed(self, *, as_of: dt.datetime | None = None) -> DispenseLogQuerySet:
        """Records that stand: no reversal (with ``as_of``: dispensed by then and not reversed by then)."""
        return self._as_of(as_of).exclude(self._reversal_exists(as_of))

    def net_quantity(self, *, as_of: dt.datetime | None = None) -> int:
        """The units these records dispensed, reversed ones left out (``0`` when none), in one query.

        With ``as_of`` (aware): the records effective by then, less those reversed by then, e.g.
        ``DispenseLog.objects.for_encounter(visit).net_quantity(as_of=yesterday)``.
        """
        return self.not_reversed(as_of=as_of).order_by().aggregate(total=Sum("quantity"))["total"] or 0

    def net_quantity_by_item(self, *, as_of: dt.datetime | None = None) -> dict[Any, int]:
        """``{catalog item pk: units}`` of these records, reversed ones left out, in one query."""
        rows = self.not_reversed(as_of=as_of).order_by().values("catalog_item").annotate(total=Sum("quantity"))
        return {row["catalog_item"]: row["total"] for row in rows}

    def update(self, **kwargs: Any) -> int:
        raise DispenseLogImmutableError("Dispense records are append-only; record a new fact instead of editing one.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DispenseLogImmutableError("Dispense records are append-only; they are never deleted.")

    delete.queryset_only = True  # type: ignore[attr-defined]  # Django's flag on a function, unknown to the stubs


class DispenseReversalQuerySet(OrgQuerySetMixin, EventAsOfQuerySet):
    """Reversals of dispense records (``as_of``/``known_at``); a reversal belongs to its record's organization."""

    org_lookup = "dispense__catalog_item__org_key"


class WorkItemCancellationQuerySet(OrgQuerySetMixin, EventAsOfQuerySet):
    """Cancellations of work items (``as_of``/``known_at``); one belongs to its work item's organization."""

    org_lookup = "work_item__catalog_item__org_key"
