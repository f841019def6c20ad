"""Exceptions of django-catalog: one base class, ``CatalogError``, and a typed subclass per refusal."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from django_decisioning.exceptions import IdempotencyConflictError


class CatalogError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidEncounterError(CatalogError, ValueError):
    """The object given as encounter is not a saved instance of ``CATALOG_ENCOUNTER_MODEL``."""


class InvalidUserError(CatalogError, ValueError):
    """A user argument (``by``, ``assignee``) is not a saved instance of the user model."""


class InvalidQuantityError(CatalogError, ValueError):
    """A quantity is not a positive integer."""


class InvalidIdempotencyKeyError(CatalogError, ValueError):
    """An ``idempotency_key`` is not ``None`` nor a non-empty string of at most 255 characters."""


class InvalidEffectiveAtError(CatalogError, ValueError):
    """An ``effective_at`` is naive or in the future."""


class TextTooLongError(CatalogError, ValueError):
    """A free text (dispense ``notes``, a cancel ``reason``) is longer than ``CATALOG_MAX_TEXT_LENGTH``."""


class ItemNotOrderableError(CatalogError):
    """The catalog item is inactive (and ``CatalogSettings.allow_inactive_items`` is off) or deleted."""


class BasketNotDraftError(CatalogError):
    """The basket is committed or cancelled: its items can no longer change."""


class CrossOrgBasketError(CatalogError):
    """The catalog item belongs to another organization than the items already in the basket.

    A basket holds the items of one organization. ``basket_org_key`` and ``item_org_key`` are the
    two ``org_key`` values (``""``: no organization).
    """

    def __init__(self, message: str, *, basket_org_key: str, item_org_key: str) -> None:
        super().__init__(message)
        self.basket_org_key = basket_org_key
        self.item_org_key = item_org_key


class EmptyBasketError(CatalogError):
    """A basket without items cannot be committed."""


class IdempotencyKeyConflictError(CatalogError, IdempotencyConflictError):
    """The ``idempotency_key`` was already used for another request (another item, quantity, basket, work item...).

    Also a ``django_decisioning.IdempotencyConflictError`` (``scope`` and ``key`` name the key): raised
    the same way whether the key's decisioning record still exists or only the fact storing the key does.
    """


class RoutingError(CatalogError):
    """The router gave no usable board for a basket item (empty, not a string, or too long)."""


class InvalidTransitionError(CatalogError):
    """The work item's current status does not allow the requested change."""


class NotDispensableError(CatalogError):
    """The work item cannot be dispensed (not a stock item, or cancelled)."""


class AlreadyDispensedError(CatalogError):
    """The work item already has a dispense record that differs from this one; ``existing`` is that record."""

    def __init__(self, message: str, *, existing: object) -> None:
        super().__init__(message)
        self.existing = existing


class FactImmutableError(CatalogError):
    """An append-only fact (a dispense record, its reversal, a work item's cancellation) is never updated or deleted."""


class DispenseLogImmutableError(FactImmutableError):
    """Dispense records are append-only clinical facts: they are never updated or deleted."""


class InvalidLotError(CatalogError, ValueError):
    """``lot`` is neither ``None``, a lot number (1 to 255 characters) nor a saved model instance; ``value`` is it."""

    def __init__(self, message: str, *, value: object) -> None:
        super().__init__(message)
        self.value = value


class ReasonRequiredError(CatalogError, ValueError):
    """A reversal needs a ``reason``: a non-empty text of at most ``CATALOG_MAX_TEXT_LENGTH`` characters."""


class CatalogPermissionDeniedError(CatalogError, PermissionDenied):
    """``by`` lacks the permission the service needs (``permission`` names it)."""

    def __init__(self, message: str, *, permission: str) -> None:
        super().__init__(message)
        self.permission = permission


class NotReversibleError(CatalogError):
    """The dispense record cannot be reversed as asked (already reversed by another request, or the
    reversal would take effect before the dispense); ``existing`` is the reversal already recorded, if any."""

    def __init__(self, message: str, *, existing: object = None) -> None:
        super().__init__(message)
        self.existing = existing


# Deprecated names (one release): ``except BasketNotDraft`` keeps catching ``BasketNotDraftError``.
InvalidEncounter = InvalidEncounterError
InvalidUser = InvalidUserError
InvalidQuantity = InvalidQuantityError
InvalidRequestKey = InvalidIdempotencyKeyError
InvalidEffectiveAt = InvalidEffectiveAtError
TextTooLong = TextTooLongError
ItemNotOrderable = ItemNotOrderableError
BasketNotDraft = BasketNotDraftError
EmptyBasket = EmptyBasketError
RequestKeyConflict = IdempotencyKeyConflictError
InvalidTransition = InvalidTransitionError
NotDispensable = NotDispensableError
AlreadyDispensed = AlreadyDispensedError
DispenseLogImmutable = DispenseLogImmutableError

__all__ = [
    "AlreadyDispensed",
    "AlreadyDispensedError",
    "BasketNotDraft",
    "BasketNotDraftError",
    "CatalogError",
    "CatalogPermissionDeniedError",
    "CrossOrgBasketError",
    "DispenseLogImmutable",
    "DispenseLogImmutableError",
    "EmptyBasket",
    "EmptyBasketError",
    "FactImmutableError",
    "IdempotencyKeyConflictError",
    "InvalidEffectiveAt",
    "InvalidEffectiveAtError",
    "InvalidEncounter",
    "InvalidEncounterError",
    "InvalidIdempotencyKeyError",
    "InvalidLotError",
    "InvalidQuantity",
    "InvalidQuantityError",
    "InvalidRequestKey",
    "InvalidTransition",
    "InvalidTransitionError",
    "InvalidUser",
    "InvalidUserError",
    "ItemNotOrderable",
    "ItemNotOrderableError",
    "NotDispensable",
    "NotDispensableError",
    "NotReversibleError",
    "ReasonRequiredError",
    "RequestKeyConflict",
    "RoutingError",
    "TextTooLong",
    "TextTooLongError",
]
