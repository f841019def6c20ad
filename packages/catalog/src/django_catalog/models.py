"""The catalog's data: items, catalog-wide settings, encounter baskets, work items and dispense records.

Writes go through ``django_catalog.services``; the models hold data and invariants (constraints,
append-only guards), not workflows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from django_basemodels import SwappableForeignKey
from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveCharField
from django_basemodels.guarantees import AppendOnly, Refuse
from django_basemodels.models import BaseModel, OrgOwned, TimeStampedModel, UUIDModel
from django_catalog import conf
from django_catalog.choices import BasketStatus, CatalogItemKind, WorkItemStatus
from django_catalog.exceptions import DispenseLogImmutableError, FactImmutableError
from django_catalog.lots import LOT_REFERENCE_MAX_LENGTH
from django_catalog.querysets import (
    BasketQuerySet,
    CatalogItemManager,
    DispenseLogQuerySet,
    DispenseReversalQuerySet,
    WorkItemCancellationQuerySet,
    WorkItemQuerySet,
)
from django_decisioning.mixins import TimeSemanticsMixin
from django_singleton.models import SingletonModel

BOARD_MAX_LENGTH = 50
NAME_MAX_LENGTH = 200

WORK_ITEM_CANCELLED_IS_FINAL = (
    "django_catalog_workitem: a cancelled work item stays cancelled; its cancellation is a fact "
    "(django_catalog_workitemcancellation), never edited"
)


class CatalogItem(BaseModel, OrgOwned):
    """Something that can be ordered: a service (a blood test) or a stock item (a drug).

    An item belongs to one organization (``org``, stored as ``org_key``; ``""``: none), and so does
    everything ordered from it: a basket holds the items of one organization only, and the work items
    and dispense records of an item belong to the item's organization. An item has no natural key
    (``stock_sku`` is not unique), so two organizations may hold items of the same name and code.

    The price is two plain columns, ``price_amount`` (``Decimal``, 4 places, null: no price) and
    ``price_currency`` (ISO 4217 code); a project with django-money can declare
    ``MoneyAttribute(amount_field="price_amount", currency_field="price_currency")`` on a proxy or
    read them as ``Money(item.price_amount, item.price_currency)``. ``routing`` names the board or
    queue its work goes to. ``stock_sku`` refers to a stock record by code, without a foreign key.
    Retire an item with ``active=False`` (or a soft delete); ``objects`` holds live rows only.
    """

    Kind = CatalogItemKind

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    service_category = models.CharField(
        max_length=50, blank=True, db_index=True, help_text="Grouping of the item, e.g. lab, imaging, pharmacy."
    )
    display_name = models.CharField(max_length=NAME_MAX_LENGTH)
    active = models.BooleanField(default=True, db_index=True)
    price_amount = models.DecimalField(max_digits=19, decimal_places=4, null=True, blank=True)
    price_currency = models.CharField(max_length=3, blank=True)
    routing = models.CharField(
        max_length=BOARD_MAX_LENGTH,
        blank=True,
        help_text="The board or queue its work goes to (e.g. lab); empty: CatalogSettings.default_routing.",
    )
    stock_sku = models.CharField(max_length=100, blank=True, help_text="Code of the stock record, if any.")

    objects: ClassVar[CatalogItemManager] = CatalogItemManager()

    class Meta:
        default_manager_name = "objects"
        ordering = ["display_name", "id"]
        indexes = [models.Index(fields=["org_key", "display_name"], name="django_catalog_item_org_name")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["service", "stock_item"]), name="django_catalog_item_kind"),
            models.CheckConstraint(
                condition=Q(price_amount__isnull=True) | Q(price_amount__gte=0),
                name="django_catalog_item_price_positive",
            ),
            models.CheckConstraint(
                condition=Q(price_amount__isnull=True) | ~Q(price_currency=""),
                name="django_catalog_item_price_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class CatalogSettings(SingletonModel):
    """Catalog-wide switches, one row (``CatalogSettings.get_instance()``)."""

    allow_inactive_items = models.BooleanField(
        default=False, help_text="Whether inactive catalog items may still be added to baskets and committed."
    )
    default_routing = models.CharField(
        max_length=BOARD_MAX_LENGTH,
        blank=True,
        default="",
        help_text="Board for items without routing of their own; empty: such items cannot be committed.",
    )

    class Meta:
        verbose_name = "catalog settings"
        verbose_name_plural = "catalog settings"


class Basket(UUIDModel, TimeStampedModel):
    """The items ordered for one encounter before they become work; at most one draft per encounter.

    A basket belongs to the organization of its items (``add_item`` refuses to mix two); an empty
    basket belongs to none. A basket is never deleted: it is ``committed`` (work items spawned) or ``cancelled``.
    """

    Status = BasketStatus

    # Migrated like AUTH_USER_MODEL: to=settings.CATALOG_ENCOUNTER_MODEL, never a model of another package.
    encounter = SwappableForeignKey(
        setting=conf.ENCOUNTER_MODEL_SETTING, on_delete=models.PROTECT, related_name="catalog_baskets"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    committed_at = models.DateTimeField(null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = BasketQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            PartialUniqueConstraint(
                fields=["encounter"], condition=Q(status="draft"), name="django_catalog_one_draft_basket_per_encounter"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "committed", "cancelled"]), name="django_catalog_basket_status"
            ),
            models.CheckConstraint(
                condition=~Q(status="committed") | (Q(committed_at__isnull=False) & Q(committed_by__isnull=False)),
                name="django_catalog_basket_committed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"Basket {self.pk} ({self.status})"


class BasketItem(UUIDModel, TimeStampedModel):
    """One line of a basket. The ``*_snapshot`` fields are filled at commit and never follow the catalog.

    ``idempotency_key`` (optional) identifies the request that added the line: a second request
    with the same key in the same basket adds nothing (unique per basket and key), also after
    decisioning's record of the key was purged.
    """

    basket = models.ForeignKey(Basket, on_delete=models.CASCADE, related_name="items")
    catalog_item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="basket_items")
    quantity = models.PositiveIntegerField(default=1)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    idempotency_key = CaseSensitiveCharField(max_length=255, null=True, blank=True)
    display_name_snapshot = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    price_amount_snapshot = models.DecimalField(max_digits=19, decimal_places=4, null=True, blank=True)
    price_currency_snapshot = models.CharField(max_length=3, blank=True)
    routing_snapshot = models.CharField(max_length=BOARD_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # NULL keys never collide (on every database): only keyed lines are unique.
            models.UniqueConstraint(
                fields=["basket", "idempotency_key"], name="django_catalog_basket_item_idempotency_key"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="django_catalog_basket_item_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.display_name_snapshot or self.catalog_item_id}"


class WorkItem(UUIDModel, TimeStampedModel):
    """Work spawned by a committed basket item, routed to ``board`` when it was spawned.

    One per basket item (a unique constraint: a commit can never spawn twice). ``display_name``
    and ``quantity`` are copies taken at spawn time. Status moves pending -> in_progress ->
    completed, or to cancelled from either open status, through the services only.

    A cancellation is an append-only fact, ``WorkItemCancellation`` (one per work item); the
    ``cancelled_*`` columns and the ``cancelled`` status copy it in the same transaction, so board
    queries stay one filter. The database guards the copy (``Meta.guarantees``): a cancelled work
    item's status, ``cancelled_at`` and ``cancel_reason`` never change.
    """

    Status = WorkItemStatus

    basket = models.ForeignKey(Basket, on_delete=models.PROTECT, related_name="work_items")
    basket_item = models.OneToOneField(BasketItem, on_delete=models.PROTECT, related_name="work_item")
    catalog_item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="work_items")
    display_name = models.CharField(max_length=NAME_MAX_LENGTH)
    quantity = models.PositiveIntegerField()
    board = CaseSensitiveCharField(max_length=BOARD_MAX_LENGTH, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="catalog_work_items",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.TextField(blank=True)

    objects = WorkItemQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["board", "status"], name="django_catalog_board_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["pending", "in_progress", "completed", "cancelled"]),
                name="django_catalog_work_item_status",
            ),
            models.CheckConstraint(condition=~Q(board=""), name="django_catalog_work_item_board"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="django_catalog_work_item_quantity"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False),
                name="django_catalog_work_item_completed_at",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="django_catalog_work_item_cancelled_at",
            ),
        ]
        guarantees = [
            Refuse(
                name="cancelled_is_final",
                events=["update"],
                when=(
                    "OLD.status = 'cancelled' AND (NEW.status <> OLD.status "
                    "OR NEW.cancelled_at <> OLD.cancelled_at OR NEW.cancel_reason <> OLD.cancel_reason)"
                ),
                message=WORK_ITEM_CANCELLED_IS_FINAL,
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.board}, {self.status})"

    @property
    def is_open(self) -> bool:
        """Whether work remains (pending or in progress)."""
        return self.status in (self.Status.PENDING, self.Status.IN_PROGRESS)


class DispenseLog(TimeSemanticsMixin, UUIDModel):
    """The clinical record that a stock item was handed out: append-only, one per work item.

    ``effective_at`` is when it was dispensed (may be backdated, never in the future: a check
    constraint keeps it at or before ``recorded_at``); ``recorded_at`` is set by the server.
    ``save()`` of an existing record, ``delete()`` and queryset ``update()``/``delete()`` raise
    ``DispenseLogImmutableError``; the database refuses raw SQL UPDATE and DELETE (``Meta.guarantees``).

    ``idempotency_key`` is the key of the ``record_dispense`` call that wrote it (or ``None``):
    unique, so a retry with the key returns this record and never dispenses twice, whenever it comes.
    It is unique per database on purpose (``unique_per_database``), whatever the organization of the
    item: a client's request key names one request, and the retry of that request must find it.
    A record belongs to the organization of its catalog item.

    ``lot_reference`` names the lot handed out (``record_dispense(lot=...)``): a lot number as text,
    or the canonical key of a lot row of any package (``"inventory.lot:<pk>"``), so a recall
    finds the encounters that received it (``DispenseLog.objects.for_lot(lot)``) without the catalog
    importing a stock package. A mistaken record is reversed (``DispenseReversal``), never edited.
    """

    unique_per_database: ClassVar[dict[tuple[str, ...], str]] = {
        ("idempotency_key",): "a request key clients generate (a random token): one request, whatever the organization"
    }

    work_item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="dispense_log")
    catalog_item = models.ForeignKey(CatalogItem, on_delete=models.PROTECT, related_name="dispense_logs")
    display_name_snapshot = models.CharField(max_length=NAME_MAX_LENGTH)
    stock_sku_snapshot = models.CharField(max_length=100, blank=True)
    quantity = models.PositiveIntegerField()
    dispensed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True)
    idempotency_key = CaseSensitiveCharField(max_length=255, null=True, blank=True)
    lot_reference = CaseSensitiveCharField(
        max_length=LOT_REFERENCE_MAX_LENGTH,
        blank=True,
        db_index=True,
        help_text='The lot dispensed: a lot number, or "<app_label>.<model>:<pk>" of a lot row; empty: not recorded.',
    )

    objects = DispenseLogQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["effective_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="django_catalog_dispense_quantity"),
            # NULL keys never collide (on every database): only keyed records are unique.
            models.UniqueConstraint(fields=["idempotency_key"], name="django_catalog_dispense_idempotency_key"),
            models.CheckConstraint(
                condition=Q(effective_at__lte=F("recorded_at")), name="django_catalog_dispense_not_in_future"
            ),
        ]
        guarantees = [
            AppendOnly(
                message="django_catalog_dispenselog is append-only: dispense records are never updated or deleted"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.display_name_snapshot}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the record; saving an existing one raises ``DispenseLogImmutableError``."""
        if not self._state.adding:
            raise DispenseLogImmutableError(
                "Dispense records are append-only; record a new fact instead of editing one."
            )
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Always raises ``DispenseLogImmutableError``."""
        raise DispenseLogImmutableError("Dispense records are append-only; they are never deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]


class _AppendOnlyFact(models.Model):
    """``save()`` of an existing row and ``delete()`` raise ``FactImmutableError`` (the database refuses
    them too: ``Meta.guarantees``)."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FactImmutableError(f"{type(self).__name__} rows are append-only; record a new fact instead.")
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise FactImmutableError(f"{type(self).__name__} rows are append-only; they are never deleted.")

    delete.alters_data = True  # type: ignore[attr-defined]


class DispenseReversal(_AppendOnlyFact, TimeSemanticsMixin, UUIDModel):
    """The append-only fact that a dispense record was wrong (nothing was handed out, or it was returned).

    At most one per dispense record (a one-to-one key: the database refuses a second). The original
    stays as it was; the selectors net it out (``DispenseLog.objects.not_reversed()``,
    ``.net_quantity()``). ``effective_at`` is when the reversal takes effect (backdating allowed, never
    before the dispense nor in the future); ``recorded_at`` is set by the server. ``reversed_by`` is
    the user who reversed it; the principal and the evidence are on the ``Decision``
    ``django_catalog.reverse_dispense``. ``idempotency_key`` is unique, like the dispense record's.
    """

    unique_per_database: ClassVar[dict[tuple[str, ...], str]] = {
        ("idempotency_key",): "a request key clients generate (a random token): one request, whatever the organization"
    }

    dispense = models.OneToOneField(DispenseLog, on_delete=models.PROTECT, related_name="reversal")
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    idempotency_key = CaseSensitiveCharField(max_length=255, null=True, blank=True)

    objects = DispenseReversalQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["effective_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="django_catalog_dispense_reversal_key"),
            models.CheckConstraint(
                condition=Q(effective_at__lte=F("recorded_at")), name="django_catalog_dispense_reversal_not_in_future"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="django_catalog_dispense_reversal_reason"),
        ]
        guarantees = [
            AppendOnly(message="django_catalog_dispensereversal is append-only: reversals are never updated or deleted")
        ]

    def __str__(self) -> str:
        return f"Reversal of dispense {self.dispense_id}"


class WorkItemCancellation(_AppendOnlyFact, TimeSemanticsMixin, UUIDModel):
    """The append-only fact that a work item was called off: one per work item (a one-to-one key).

    ``cancel_work_item`` writes it and, in the same transaction, sets the work item's ``cancelled``
    status and ``cancelled_*`` columns (which the database then keeps as they are).
    ``effective_at`` is when the work was called off (backdating allowed, never in the future);
    ``recorded_at`` is set by the server; the principal is on the ``Decision``
    ``django_catalog.cancel_work_item``.
    """

    unique_per_database: ClassVar[dict[tuple[str, ...], str]] = {
        ("idempotency_key",): "a request key clients generate (a random token): one request, whatever the organization"
    }

    work_item = models.OneToOneField(WorkItem, on_delete=models.PROTECT, related_name="cancellation")
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status_before = models.CharField(max_length=20, choices=WorkItemStatus.choices)
    reason = models.TextField(blank=True)
    idempotency_key = CaseSensitiveCharField(max_length=255, null=True, blank=True)

    objects = WorkItemCancellationQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    class Meta:
        ordering = ["effective_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="django_catalog_work_item_cancellation_key"),
            models.CheckConstraint(
                condition=Q(effective_at__lte=F("recorded_at")),
                name="django_catalog_work_item_cancellation_not_in_future",
            ),
        ]
        guarantees = [
            AppendOnly(
                message="django_catalog_workitemcancellation is append-only: cancellations are never updated or deleted"
            )
        ]

    def __str__(self) -> str:
        return f"Cancellation of work item {self.work_item_id}"
