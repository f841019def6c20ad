"""The enumerations of django-stock: item and lot statuses, location kinds, movement types and their direction.

Safe to import before the app registry is ready.
"""

from __future__ import annotations

from django.db import models


class ItemStatus(models.TextChoices):
    """An item's own status: ``blocked`` (a medicine withdrawn) stops every lot of it, whatever the lot's status."""

    ACTIVE = "active", "active"
    BLOCKED = "blocked", "blocked"


class LotStatus(models.TextChoices):
    ACTIVE = "active", "active"
    BLOCKED = "blocked", "blocked"
    EXPIRED = "expired", "expired"
    RECALLED = "recalled", "recalled"


class LocationKind(models.TextChoices):
    STORE = "store", "store"
    PHARMACY = "pharmacy", "pharmacy"
    FACILITY = "facility", "facility"
    WAREHOUSE = "warehouse", "warehouse"


class Direction(models.IntegerChoices):
    IN = 1, "in"
    OUT = -1, "out"


class MovementType(models.TextChoices):
    RECEIVE = "receive", "receive"
    ISSUE = "issue", "issue"
    TRANSFER_IN = "transfer_in", "transfer in"
    TRANSFER_OUT = "transfer_out", "transfer out"
    ADJUSTMENT_IN = "adjustment_in", "adjustment in"
    ADJUSTMENT_OUT = "adjustment_out", "adjustment out"
    RETURN = "return", "return"
    RECALL_REMOVAL = "recall_removal", "recall removal"
    REVERSAL = "reversal", "reversal"


#: The direction every type but ``REVERSAL`` implies; a reversal goes against the movement it reverses.
DIRECTION_OF_TYPE: dict[str, int] = {
    MovementType.RECEIVE: Direction.IN,
    MovementType.TRANSFER_IN: Direction.IN,
    MovementType.ADJUSTMENT_IN: Direction.IN,
    MovementType.RETURN: Direction.IN,
    MovementType.ISSUE: Direction.OUT,
    MovementType.TRANSFER_OUT: Direction.OUT,
    MovementType.ADJUSTMENT_OUT: Direction.OUT,
    MovementType.RECALL_REMOVAL: Direction.OUT,
}

__all__ = ["DIRECTION_OF_TYPE", "Direction", "ItemStatus", "LocationKind", "LotStatus", "MovementType"]
