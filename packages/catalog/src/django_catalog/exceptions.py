"""Exceptions of django-catalog: one base class, ``CatalogError``, and a typed subclass per refusal."""

from __future__ import annotations


class CatalogError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidEncounter(CatalogError, ValueError):
    """The object given as encounter is not a saved instance of ``CATALOG_ENCOUNTER_MODEL``."""


class InvalidUser(CatalogError, ValueError):
    """A user argument is not a saved instance of the user model."""


class InvalidQuantity(CatalogError, ValueError):
    """A quantity is not a positive integer."""


class InvalidRequestKey(CatalogError, ValueError):
    """A request key is not ``None`` nor a non-empty string of at most 255 characters."""


class InvalidEffectiveAt(CatalogError, ValueError):
    """An ``effective_at`` is naive or in the future."""


class TextTooLong(CatalogError, ValueError):
    """A free text (dispense ``notes``, a cancel ``reason``) is longer than ``CATALOG_MAX_TEXT_LENGTH``."""


class ItemNotOrderable(CatalogError):
    """The catalog item is inactive (and ``CatalogSettings.allow_inactive_items`` is off) or deleted."""


class BasketNotDraft(CatalogError):
    """The basket is committed or cancelled: its items can no longer change."""


class EmptyBasket(CatalogError):
    """A basket without items cannot be committed."""


class RequestKeyConflict(CatalogError):
    """The request key was already used in this basket for a different item or quantity."""


class RoutingError(CatalogError):
    """The router gave no usable board for a basket item (empty, not a string, or too long)."""


class InvalidTransition(CatalogError):
    """The work item's current status does not allow the requested change."""


class NotDispensable(CatalogError):
    """The work item cannot be dispensed (not a stock item, or cancelled)."""


class AlreadyDispensed(CatalogError):
    """The work item already has a dispense record that differs from this one; ``existing`` is that record."""

    def __init__(self, message: str, *, existing: object) -> None:
        super().__init__(message)
        self.existing = existing


class DispenseLogImmutable(CatalogError):
    """Dispense records are append-only clinical facts: they are never updated or deleted."""


__all__ = [
    "AlreadyDispensed",
    "BasketNotDraft",
    "CatalogError",
    "DispenseLogImmutable",
    "EmptyBasket",
    "InvalidEffectiveAt",
    "InvalidEncounter",
    "InvalidQuantity",
    "InvalidRequestKey",
    "InvalidTransition",
    "InvalidUser",
    "ItemNotOrderable",
    "NotDispensable",
    "RequestKeyConflict",
    "RoutingError",
    "TextTooLong",
]
