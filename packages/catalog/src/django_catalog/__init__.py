"""An order catalog for Django: catalog items, encounter-scoped baskets whose idempotent commit spawns
routed work items, work item boards and an append-only dispense log.

Models need the app registry: import them from ``django_catalog.models``; writes from
``django_catalog.services``. The exceptions below are safe to import anywhere.
"""

from django_catalog.exceptions import (
    AlreadyDispensed,
    BasketNotDraft,
    CatalogError,
    DispenseLogImmutable,
    EmptyBasket,
    InvalidEffectiveAt,
    InvalidEncounter,
    InvalidQuantity,
    InvalidRequestKey,
    InvalidTransition,
    InvalidUser,
    ItemNotOrderable,
    NotDispensable,
    RequestKeyConflict,
    RoutingError,
    TextTooLong,
)

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
