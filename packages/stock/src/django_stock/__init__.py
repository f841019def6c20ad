"""Lot-tracked stock for Django: insert-only movements, FEFO issues, atomic transfers, recalls, traceability.

Models need the app registry: import them from ``django_stock.models``; writes from
``django_stock.services``; reads from ``django_stock.selectors``. What is below is safe to import
anywhere.
"""

from django_stock.choices import Direction, LocationKind, LotStatus, MovementType
from django_stock.exceptions import (
    InsufficientStock,
    InvalidMovement,
    InvalidQuantity,
    InvalidStatusChange,
    LotBlocked,
    LotExpired,
    LotRecalled,
    LotUnavailable,
    MovementImmutable,
    MovementNotReversible,
    ReturnExceedsIssued,
    StockError,
    StockPermissionDenied,
    UnknownItem,
    UnknownLocation,
    UnknownLot,
    UnknownMovement,
    UnknownObject,
)
from django_stock.quantities import MAX_QUANTITY, validate_quantity

__all__ = [
    "MAX_QUANTITY",
    "Direction",
    "InsufficientStock",
    "InvalidMovement",
    "InvalidQuantity",
    "InvalidStatusChange",
    "LocationKind",
    "LotBlocked",
    "LotExpired",
    "LotRecalled",
    "LotStatus",
    "LotUnavailable",
    "MovementImmutable",
    "MovementNotReversible",
    "MovementType",
    "ReturnExceedsIssued",
    "StockError",
    "StockPermissionDenied",
    "UnknownItem",
    "UnknownLocation",
    "UnknownLot",
    "UnknownMovement",
    "UnknownObject",
    "validate_quantity",
]
