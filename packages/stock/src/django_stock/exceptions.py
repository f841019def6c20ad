"""Exceptions of django-stock: one base class, ``StockError``, and typed subclasses.

Every service validates before its first write, so when one of these is raised nothing was
written: no movement, no balance change, no decision. Every class is named ``...Error``; the former
names (``InsufficientStock``, ``InvalidMovement``...) are aliases of them, kept for one release.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied


class StockError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidQuantityError(StockError, ValueError):
    """A quantity is not a positive ``int`` (``1.5``, ``0``, ``-1``, ``"2"``, ``Decimal("2")``, ``True``...)."""

    def __init__(self, message: str, *, quantity: Any) -> None:
        super().__init__(message)
        self.quantity = quantity


class InvalidMovementError(StockError, ValueError):
    """An argument of a write is not acceptable (missing reason, lot of another item, naive date...)."""


class CrossOrgMovementError(InvalidMovementError):
    """The operation mixes organizations: an item of one organization at a location of another, or a
    transfer between locations of two organizations. Nothing is written.

    ``org_keys`` maps each party of the operation (``"item"``, ``"location"``, or ``"from_location"`` and
    ``"to_location"``) to its ``org_key`` (``""``: no organization).
    """

    def __init__(self, message: str, *, org_keys: dict[str, str]) -> None:
        super().__init__(message)
        self.org_keys = org_keys


class InsufficientStockError(StockError):
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


class LotUnavailableError(StockError):
    """The lot's status or expiry forbids this movement; ``lot`` is the lot, ``status`` its status."""

    def __init__(self, message: str, *, lot: Any) -> None:
        super().__init__(message)
        self.lot = lot
        self.status = getattr(lot, "status", None)


class LotBlockedError(LotUnavailableError):
    """The lot is blocked (quarantine): no receive, issue, transfer or return until unblocked."""


class LotExpiredError(LotUnavailableError):
    """The lot has reached its expiry date (or is marked expired)."""


class LotRecalledError(LotUnavailableError):
    """The lot was recalled: it never moves again except by recall removals and corrections."""


class ItemBlockedError(LotUnavailableError):
    """The lot's item is blocked (a medicine withdrawn): no lot of it is received, issued, transferred or returned
    until the item is unblocked, whatever the lot's own status.

    ``item`` is the ``StockItem``; ``lot`` the lot asked for (None for a FEFO issue or transfer by ``item=``) and
    ``status`` that lot's own status (None without a lot).
    """

    def __init__(self, message: str, *, item: Any, lot: Any = None) -> None:
        super().__init__(message, lot=lot)
        self.item = item


class UnknownObjectError(StockError, LookupError):
    """A location, lot or item given to a service does not exist; ``value`` is what was given."""

    def __init__(self, message: str, *, value: Any) -> None:
        super().__init__(message)
        self.value = value


class UnknownLocationError(UnknownObjectError):
    """The location does not exist (an unsaved instance, a deleted one, an unknown key)."""


class UnknownLotError(UnknownObjectError):
    """The lot does not exist."""


class UnknownItemError(UnknownObjectError):
    """The stock item does not exist."""


class UnknownMovementError(UnknownObjectError):
    """The stock movement does not exist."""


class MovementImmutableError(StockError):
    """Stock movements are insert-only: they are never updated or deleted; reverse them instead."""


class MovementNotReversibleError(StockError):
    """The movement was already reversed, or is itself a reversal."""


class ReturnExceedsIssuedError(StockError):
    """A return gives back more of a lot than was issued to its reference; ``returnable`` is the most it may."""

    def __init__(self, message: str, *, requested: int, returnable: int) -> None:
        super().__init__(message)
        self.requested = requested
        self.returnable = returnable


class InvalidStatusChangeError(StockError):
    """The lot's or item's status does not allow this change (unblocking an active lot, blocking a recalled one,
    blocking a blocked item...)."""


class StockPermissionDeniedError(StockError, PermissionDenied):
    """The user lacks the permission this decision needs (see ``STOCK_REVERSE_PERMISSION``...)."""


# The former names, deprecated: aliases kept for one release so that ``except InvalidMovement`` still works.
InvalidQuantity = InvalidQuantityError
InvalidMovement = InvalidMovementError
InsufficientStock = InsufficientStockError
LotUnavailable = LotUnavailableError
LotBlocked = LotBlockedError
LotExpired = LotExpiredError
LotRecalled = LotRecalledError
UnknownObject = UnknownObjectError
UnknownLocation = UnknownLocationError
UnknownLot = UnknownLotError
UnknownItem = UnknownItemError
UnknownMovement = UnknownMovementError
MovementImmutable = MovementImmutableError
MovementNotReversible = MovementNotReversibleError
ReturnExceedsIssued = ReturnExceedsIssuedError
InvalidStatusChange = InvalidStatusChangeError
StockPermissionDenied = StockPermissionDeniedError

__all__ = [
    "CrossOrgMovementError",
    "InsufficientStock",
    "InsufficientStockError",
    "InvalidMovement",
    "InvalidMovementError",
    "InvalidQuantity",
    "InvalidQuantityError",
    "InvalidStatusChange",
    "InvalidStatusChangeError",
    "ItemBlockedError",
    "LotBlocked",
    "LotBlockedError",
    "LotExpired",
    "LotExpiredError",
    "LotRecalled",
    "LotRecalledError",
    "LotUnavailable",
    "LotUnavailableError",
    "MovementImmutable",
    "MovementImmutableError",
    "MovementNotReversible",
    "MovementNotReversibleError",
    "ReturnExceedsIssued",
    "ReturnExceedsIssuedError",
    "StockError",
    "StockPermissionDenied",
    "StockPermissionDeniedError",
    "UnknownItem",
    "UnknownItemError",
    "UnknownLocation",
    "UnknownLocationError",
    "UnknownLot",
    "UnknownLotError",
    "UnknownMovement",
    "UnknownMovementError",
    "UnknownObject",
    "UnknownObjectError",
]
