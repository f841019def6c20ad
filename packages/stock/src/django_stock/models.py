"""Stock items, lots, locations, insert-only movements and the per-(location, lot) balances derived from them.

The movements are the truth. ``StockBalance`` is a derived row, kept by a database trigger in the
same statement as each movement insert, that services lock and read fast. The rules the database
enforces are declared in each model's ``Meta.guarantees`` (their SQL is in ``django_stock.guarantees``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveCharField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.guarantees import AppendOnly, FrozenColumns, RowTrigger, Undeletable
from django_basemodels.models import OrgOwned, TimeStampedModel, UUIDModel
from django_basemodels.tenancy import unique_per_org
from django_decisioning.mixins import TimeSemanticsMixin
from django_stock import guarantees as sql
from django_stock.choices import DIRECTION_OF_TYPE, Direction, ItemStatus, LocationKind, LotStatus, MovementType
from django_stock.exceptions import MovementImmutableError
from django_stock.querysets import (
    LocationQuerySet,
    LotQuerySet,
    StockBalanceQuerySet,
    StockItemQuerySet,
    StockMovementQuerySet,
)


# The example site's audit-log tracking swaps the managers of tracked models at runtime for classes the
# django-stubs plugin cannot look up (django.db.models.manager.TrackedManager...); the declared ones are right.
class StockItem(OrgOwned, UUIDModel, TimeStampedModel):  # type: ignore[django-manager-missing]
    """What is stocked: a product counted in whole ``unit``\\ s (tablet, vial, box).

    ``sku`` is unique per organization (``org``, see ``django_basemodels.models.OrgOwned``); the lots of
    an item, and so its movements, belong to the item's organization. ``status`` ``blocked`` (a medicine
    withdrawn) stops every lot of the item, beside each lot's own status; it is changed by ``block_item`` and
    ``unblock_item``, each change a recorded decision.
    """

    sku = CaseSensitiveCharField("SKU", max_length=64)
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=32, default="unit", help_text="What one unit of quantity is.")
    status = CaseSensitiveCharField(max_length=16, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)

    objects = StockItemQuerySet.as_manager()  # type: ignore[django-manager-missing]  # see the comment above

    class Meta:
        ordering = ["sku"]
        constraints = [
            unique_per_org("sku", name="django_stock_stockitem_sku_per_org"),
            models.CheckConstraint(
                condition=Q(status__in=ItemStatus.values), name="django_stock_stockitem_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Lot(UUIDModel, TimeStampedModel):
    """A batch of one item, with its dates and status.

    A lot is reference data, not a fact: its status changes (blocked, recalled, expired) are made
    by the services, which record each change as a ``django_decisioning`` decision. A lot is
    expired on and after its ``expiry_date``; a lot without one never expires.
    """

    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="lots")
    lot_number = CaseSensitiveCharField(max_length=64)
    manufacture_date = models.DateField(null=True, blank=True)
    expiry_date = models.DateField(null=True, blank=True, db_index=True)
    status = CaseSensitiveCharField(max_length=16, choices=LotStatus.choices, default=LotStatus.ACTIVE, db_index=True)

    objects = LotQuerySet.as_manager()  # type: ignore[django-manager-missing]  # see StockItem

    class Meta:
        ordering = ["item", "expiry_date", "lot_number"]
        permissions = [("recall_lot", "Can recall a lot"), ("block_lot", "Can block and unblock lots and items")]
        # FEFO reads an item's usable lots in this order and stops once the quantity is covered.
        indexes = [models.Index(fields=["item", "status", "expiry_date", "lot_number"], name="django_stock_lot_fefo")]
        constraints = [
            models.UniqueConstraint(fields=["item", "lot_number"], name="django_stock_lot_number_per_item"),
            models.CheckConstraint(condition=Q(status__in=LotStatus.values), name="django_stock_lot_status_valid"),
            models.CheckConstraint(
                condition=Q(manufacture_date__isnull=True)
                | Q(expiry_date__isnull=True)
                | Q(expiry_date__gte=F("manufacture_date")),
                name="django_stock_lot_expiry_after_manufacture",
                violation_error_message="The expiry date cannot precede the manufacture date.",
            ),
        ]

    def __str__(self) -> str:
        return self.lot_number

    def clean(self) -> None:
        super().clean()
        if self.manufacture_date and self.expiry_date and self.expiry_date < self.manufacture_date:
            raise ValidationError({"expiry_date": "The expiry date cannot precede the manufacture date."})


class Location(OrgOwned, UUIDModel, TimeStampedModel):
    """Where stock is kept: a store, pharmacy, facility or warehouse, optionally owned by any model.

    ``code`` is unique per organization (``org``); the movements and balances at a location belong to
    its organization, and the services only move an item's stock between locations of the item's organization.
    """

    code = CaseSensitiveCharField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=LocationKind.choices, default=LocationKind.STORE)
    owner_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_id = ObjectIdField(blank=True, default="")
    owner = GenericForeignKey("owner_type", "owner_id")

    objects = LocationQuerySet.as_manager()  # type: ignore[django-manager-missing]  # see StockItem

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="django_stock_location_owner")]
        constraints = [
            unique_per_org("code", name="django_stock_location_code_per_org"),
            models.CheckConstraint(
                condition=Q(owner_type__isnull=True, owner_id="") | Q(owner_type__isnull=False) & ~Q(owner_id=""),
                name="django_stock_location_owner_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class StockMovement(UUIDModel, TimeSemanticsMixin):
    """One insert-only fact: ``quantity`` units of ``lot`` entered (``direction`` +1) or left (-1) ``location``.

        ``quantity`` is always a positive integer; ``direction`` follows from ``movement_type``
        (a reversal goes against the movement it reverses). Movements sharing an ``operation_id`` were
        written by one service call (both legs of a transfer, the lots of a FEFO issue). A call made with an
    ``idempotency_key`` stores it with ``idempotency_scope`` (the service, ``django_stock.<service>``) and
    ``idempotency_line`` (0, 1, ... in the order the call returned them), unique together: one set of
    movements per key, whatever retries follow. Movements written without a key have the key ``""`` and
    no scope.

        ``save()`` of an existing movement, ``delete()`` and queryset ``update()``/``delete()`` raise
        ``MovementImmutableError``; the database refuses raw SQL UPDATE and DELETE, and on SQLite an INSERT OR
        REPLACE / REPLACE of an existing movement (``Meta.guarantees``).
    """

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="movements")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements")
    movement_type = CaseSensitiveCharField(max_length=16, choices=MovementType.choices)
    direction = models.SmallIntegerField(choices=Direction.choices)
    quantity = models.PositiveIntegerField()
    reference_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reference_id = ObjectIdField(blank=True, default="")
    reference = GenericForeignKey("reference_type", "reference_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True, default="")
    operation_id = models.UUIDField(db_index=True, editable=False)
    idempotency_key = CaseSensitiveCharField(max_length=255, blank=True, default="")
    # Written by the movement's INSERT (movements are never updated): a retry with the same key finds the
    # movements of the first call here even after the django_decisioning key row was purged.
    idempotency_scope = CaseSensitiveCharField(
        max_length=100, null=True, blank=True, editable=False, help_text="The service the key was given to."
    )
    idempotency_line = models.PositiveSmallIntegerField(
        null=True, blank=True, editable=False, help_text="The movement's place among those of its service call."
    )
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")

    objects = StockMovementQuerySet.as_manager()  # type: ignore[misc]  # a narrower manager than the mixin's

    # Checked by django_basemodels.W020: these keys stay unique per database, whatever the organization.
    unique_per_database = {
        ("idempotency_scope", "idempotency_key", "idempotency_line"): "client request keys (random tokens) under "
        "the service's scope, matching django_decisioning's idempotency keys, which are unique per database",
    }

    class Meta:
        permissions = [("reverse_stockmovement", "Can reverse a stock movement")]
        indexes = [
            # Key-only covering index: an as_of balance reads the index alone, on both databases.
            models.Index(
                fields=["location", "lot", "effective_at", "direction", "quantity"], name="django_stock_mv_balance"
            ),
            models.Index(fields=["lot", "effective_at"], name="django_stock_mv_lot_history"),
            models.Index(fields=["reference_type", "reference_id"], name="django_stock_mv_reference"),
        ]
        constraints = [
            PartialUniqueConstraint(
                fields=["idempotency_scope", "idempotency_key", "idempotency_line"],
                condition=Q(idempotency_scope__isnull=False),
                name="django_stock_movement_idempotency_key",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="django_stock_movement_quantity_positive"),
            models.CheckConstraint(
                condition=Q(movement_type__in=[t for t, d in DIRECTION_OF_TYPE.items() if d == Direction.IN])
                & Q(direction=Direction.IN)
                | Q(movement_type__in=[t for t, d in DIRECTION_OF_TYPE.items() if d == Direction.OUT])
                & Q(direction=Direction.OUT)
                | Q(movement_type=MovementType.REVERSAL, direction__in=Direction.values),
                name="django_stock_movement_direction_of_type",
            ),
            models.CheckConstraint(
                condition=Q(movement_type=MovementType.REVERSAL, reverses__isnull=False)
                | ~Q(movement_type=MovementType.REVERSAL) & Q(reverses__isnull=True),
                name="django_stock_movement_reversal_has_original",
            ),
        ]
        guarantees = [
            AppendOnly(message=sql.MOVEMENT_INSERT_ONLY),
            RowTrigger(
                name="apply_to_balance",
                events=["insert"],
                timing="after",
                body={
                    "sqlite": sql.APPLY_MOVEMENT_SQLITE,
                    "postgresql": sql.APPLY_MOVEMENT_POSTGRESQL,
                    "mysql": sql.APPLY_MOVEMENT_MYSQL,
                },
                description="adds quantity * direction to the (location, lot) balance row, created at 0 when "
                "missing; refuses a movement that would make it negative",
            ),
        ]

    def __str__(self) -> str:
        sign = "+" if self.direction == Direction.IN else "-"
        return f"{self.movement_type} {sign}{self.quantity} of lot {self.lot_id} at {self.location_id}"

    @property
    def signed_quantity(self) -> int:
        """``quantity`` with the sign of ``direction``."""
        return self.quantity * self.direction

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert the movement (``direction`` filled from the type when empty); saving an existing one raises."""
        if not self._state.adding:
            raise MovementImmutableError("Stock movements are insert-only; reverse a movement instead of editing it.")
        if self.direction is None and self.movement_type in DIRECTION_OF_TYPE:
            self.direction = DIRECTION_OF_TYPE[self.movement_type]
        super().save(*args, **kwargs)

    save.alters_data = True  # type: ignore[attr-defined]

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise MovementImmutableError("Stock movements are insert-only; reverse a movement instead of deleting it.")

    delete.alters_data = True  # type: ignore[attr-defined]


class StockBalance(models.Model):
    """The quantity of one lot at one location: the signed sum of its movements, never negative.

    Maintained by a database trigger on every movement insert, in the same statement; services
    lock these rows (``select_for_update``) to serialise writers. ``manage.py stock_balances``
    verifies them against the movements (and ``--rebuild`` rewrites them). The database refuses a
    write that would make a row differ from its movements (see ``Meta.guarantees`` and the README
    for what SQLite checks).
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="balances")
    quantity = models.BigIntegerField(default=0, db_default=0)

    objects = StockBalanceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "lot"], name="django_stock_balance_location_lot"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="django_stock_balance_not_negative"),
        ]
        # Written by the movement trigger only, or with the sum of the movements (rebuild_balances, bulk
        # loads). What each vendor checks, and why SQLite checks less: django_stock/guarantees.py, README.
        guarantees = [
            RowTrigger(
                name="update_follows_movements",
                events=["update"],
                when=sql.BALANCE_UPDATE_CHECKED_WHEN,
                body={
                    "sqlite": sql.BALANCE_UPDATE_SQLITE,
                    "postgresql": sql.BALANCE_EQUALS_SUM_POSTGRESQL,
                    "mysql": sql.BALANCE_EQUALS_SUM_MYSQL,
                },
                description="refuses an UPDATE that leaves the quantity different from the signed sum of the "
                "pair's movements (PostgreSQL: outside the movement trigger; MariaDB/MySQL: unless it adds the change "
                "of the movement the trigger applies; SQLite: unless it adds the newest movement's change)",
            ),
            RowTrigger(
                name="insert_follows_movements",
                events=["insert"],
                when=sql.BALANCE_INSERT_CHECKED_WHEN,
                body={
                    "sqlite": sql.BALANCE_INSERT_SQLITE,
                    "postgresql": sql.BALANCE_EQUALS_SUM_POSTGRESQL,
                    "mysql": sql.BALANCE_EQUALS_SUM_MYSQL,
                },
                description="refuses an INSERT with stock that differs from the signed sum of the pair's movements "
                "(PostgreSQL: outside the movement trigger; MariaDB/MySQL: every one; SQLite does not check inserts)",
                protects_existing_rows=False,
            ),
            FrozenColumns("location_id", "lot_id", message=sql.BALANCE_KEEPS_ITS_PAIR),
            Undeletable(
                name="holding_stock_undeletable", when="OLD.quantity <> 0", message=sql.BALANCE_HOLDING_STOCK_KEPT
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of lot {self.lot_id} at {self.location_id}"


__all__ = ["Location", "Lot", "StockBalance", "StockItem", "StockMovement"]
