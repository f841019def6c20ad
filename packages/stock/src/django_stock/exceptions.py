"""Exceptions of django-stock: one base class, ``StockError``, and typed subclasses.

Every service validates before its first write, so when one of these is raised nothing was
written: no movement, no balance change, no decision.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class StockError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidQuantity(StockError, ValueError):
    """A quantity is not a positive ``int`` (``1.5``, ``0``, ``-1``, ``"2"``, ``Decimal("2")``, ``True``...)."""

    def __init__(self, message: str, *, quantity: Any) -> None:
        super().__init__(message)
        self.quantity = quantity


class InvalidMovement(StockError, ValueError):
    """An argument of a write is not acceptable (missing reason, lot of another item, naive date...)."""


class InsufficientStock(StockError):
    """An outbound movement asks for more than is available.

    ``available`` is what could have been taken at that moment: the balance of the lot at the
    location, or for a FEFO issue the sum over the location's usable lots of the item.
    ``location`` is the ``Location``, ``lot`` the ``Lot`` (None for FEFO) and ``item`` the item's
    key (FEFO only).
    """

    def __init__(
        self, message: str, *, requested: int, available: int, location: Any, lot: Any = None, item: Any = None
    ) -> None:
        super().__init__(message)
        self.requested = requested
        self.available = available
        self.location = location
        self.lot = lot
        self.item = item


class LotUnavailable(StockError):
    """The lot's status or expiry forbids this movement; ``lot`` is the lot, ``status`` its status."""

    def __init__(self, message: str, *, lot: Any) -> None:
        super().__init__(message)
        self.lot = lot
        self.status = getattr(lot, "status", None)


class LotBlocked(LotUnavailable):
    """The lot is blocked (quarantine): no receive, issue, transfer or return until unblocked."""


class LotExpired(LotUnavailable):
    """The lot has reached its expiry date (or is marked expired)."""


class LotRecalled(LotUnavailable):
    """The lot was recalled: it never moves again except by recall removals and corrections."""


class UnknownObject(StockError, LookupError):
    """A location, lot or item given to a service does not exist; ``value`` is what was given."""

    def __init__(self, message: str, *, value: Any) -> None:
        super().__init__(message)
        self.value = value


class UnknownLocation(UnknownObject):
    """The location does not exist (an unsaved instance, a deleted one, an unknown key)."""


class UnknownLot(UnknownObject):
    """The lot does not exist."""


class UnknownItem(UnknownObject):
    """The stock item does not exist."""


class UnknownMovement(UnknownObject):
    """The stock movement does not exist."""


class MovementImmutable(StockError):
    """Stock movements are insert-only: they are never updated or deleted; reverse them instead."""


class MovementNotReversible(StockError):
    """The movement was already reversed, or is itself a reversal."""


class ReturnExceedsIssued(StockError):
    """A return gives back more of a lot than was issued to its reference; ``returnable`` is the most it may."""

    def __init__(self, message: str, *, requested: int, returnable: int) -> None:
        super().__init__(message)
        self.requested = requested
        self.returnable = returnable


class InvalidStatusChange(StockError):
    """The lot's status does not allow this change (unblocking an active lot, blocking a recalled one...)."""


class StockPermissionDenied(StockError, PermissionDenied):
    """The user lacks the permission this decision needs (see ``STOCK_REVERSE_PERMISSION``...)."""


__all__ = [
    "InsufficientStock",
    "InvalidMovement",
    "InvalidQuantity",
    "InvalidStatusChange",
    "LotBlocked",
    "LotExpired",
    "LotRecalled",
    "LotUnavailable",
    "MovementImmutable",
    "MovementNotReversible",
    "ReturnExceedsIssued",
    "StockError",
    "StockPermissionDenied",
    "UnknownItem",
    "UnknownLocation",
    "UnknownLot",
    "UnknownMovement",
    "UnknownObject",
]
