"""Read paths: catalog listings, baskets of an encounter, work item boards and dispense records.

Board queries (``WorkItem.objects.for_board("lab").open()``) load the assignee, the catalog item
and the basket in the same query, so rendering a board costs one query however long it is.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Count

from django_basemodels import AliveManager, SoftDeleteQuerySet
from django_catalog.choices import BasketStatus, CatalogItemKind, WorkItemStatus
from django_catalog.exceptions import DispenseLogImmutableError
from django_decisioning import EventAsOfQuerySet


class CatalogItemQuerySet(SoftDeleteQuerySet):
    """Catalog items; ``CatalogItem.objects`` holds live (not soft-deleted) rows only."""

    def active(self) -> CatalogItemQuerySet:
        """Items that can be ordered without ``allow_inactive_items``."""
        return self.filter(active=True)

    def services(self) -> CatalogItemQuerySet:
        """Items of kind ``service``."""
        return self.filter(kind=CatalogItemKind.SERVICE)

    def stock_items(self) -> CatalogItemQuerySet:
        """Items of kind ``stock_item`` (the ones a ``DispenseLog`` can record)."""
        return self.filter(kind=CatalogItemKind.STOCK_ITEM)

    def in_category(self, category: str) -> CatalogItemQuerySet:
        """Items whose ``service_category`` is ``category``."""
        return self.filter(service_category=category)


class CatalogItemManager(AliveManager.from_queryset(CatalogItemQuerySet)):  # type: ignore[misc]
    """Live catalog items, with the ``CatalogItemQuerySet`` filters."""


class BasketQuerySet(models.QuerySet):
    """Baskets; ``for_encounter`` and the status filters combine."""

    def for_encounter(self, encounter: models.Model) -> BasketQuerySet:
        """Baskets of ``encounter`` (an instance of ``CATALOG_ENCOUNTER_MODEL``)."""
        return self.filter(encounter=encounter)

    def drafts(self) -> BasketQuerySet:
        """Baskets still being filled (at most one per encounter)."""
        return self.filter(status=BasketStatus.DRAFT)

    def committed(self) -> BasketQuerySet:
        """Baskets whose work items were spawned."""
        return self.filter(status=BasketStatus.COMMITTED)


class WorkItemQuerySet(models.QuerySet):
    """Work items and the boards they are routed to."""

    def for_board(self, board: str) -> WorkItemQuerySet:
        """Work items routed to ``board``, with assignee, catalog item and basket loaded in the same query."""
        return self.filter(board=board).select_related("assignee", "catalog_item", "basket")

    def open(self) -> WorkItemQuerySet:
        """Work still to do: ``pending`` or ``in_progress``."""
        return self.filter(status__in=[WorkItemStatus.PENDING, WorkItemStatus.IN_PROGRESS])

    def pending(self) -> WorkItemQuerySet:
        """Work not started yet."""
        return self.filter(status=WorkItemStatus.PENDING)

    def in_progress(self) -> WorkItemQuerySet:
        """Work started and not finished."""
        return self.filter(status=WorkItemStatus.IN_PROGRESS)

    def completed(self) -> WorkItemQuerySet:
        """Finished work."""
        return self.filter(status=WorkItemStatus.COMPLETED)

    def cancelled(self) -> WorkItemQuerySet:
        """Work called off."""
        return self.filter(status=WorkItemStatus.CANCELLED)

    def assigned_to(self, user: models.Model) -> WorkItemQuerySet:
        """Work items whose assignee is ``user``."""
        return self.filter(assignee=user)

    def unassigned(self) -> WorkItemQuerySet:
        """Work items nobody has taken yet."""
        return self.filter(assignee__isnull=True)

    def for_encounter(self, encounter: models.Model) -> WorkItemQuerySet:
        """Work items spawned from the baskets of ``encounter``."""
        return self.filter(basket__encounter=encounter)

    def board_counts(self) -> dict[str, dict[str, int]]:
        """``{board: {status: count}}`` over this queryset, in one query (e.g. ``open().board_counts()``)."""
        counts: dict[str, dict[str, int]] = {}
        rows = self.order_by().values("board", "status").annotate(count=Count("pk"))
        for row in rows:
            counts.setdefault(row["board"], {})[row["status"]] = row["count"]
        return counts


class DispenseLogQuerySet(EventAsOfQuerySet):
    """Dispense records (``as_of``/``known_at`` from ``EventAsOfQuerySet``); ``update()``/``delete()`` raise."""

    def for_encounter(self, encounter: models.Model) -> DispenseLogQuerySet:
        """Dispense records of the work items of ``encounter``."""
        return self.filter(work_item__basket__encounter=encounter)

    def dispensed_by(self, user: models.Model) -> DispenseLogQuerySet:
        """Dispense records signed by ``user``."""
        return self.filter(dispensed_by=user)

    def update(self, **kwargs: Any) -> int:
        raise DispenseLogImmutableError("Dispense records are append-only; record a new fact instead of editing one.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DispenseLogImmutableError("Dispense records are append-only; they are never deleted.")

    delete.queryset_only = True  # type: ignore[attr-defined]  # Django's flag on a function, unknown to the stubs
