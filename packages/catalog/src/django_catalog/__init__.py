"""An order catalog for Django: catalog items, encounter-scoped baskets whose idempotent commit spawns
routed work items, work item boards and an append-only dispense log.

The services are importable from the package root (``from django_catalog import commit_basket``) and
are imported on first use, so ``import django_catalog`` works before the app registry is ready (in
``settings.py``). Models are imported from ``django_catalog.models``, read paths are their querysets
(``WorkItem.objects.for_board("lab").open()``). The exceptions below are safe to import anywhere.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_catalog.exceptions import (
    AlreadyDispensed,
    AlreadyDispensedError,
    BasketNotDraft,
    BasketNotDraftError,
    CatalogError,
    CatalogPermissionDeniedError,
    CrossOrgBasketError,
    DispenseLogImmutable,
    DispenseLogImmutableError,
    EmptyBasket,
    EmptyBasketError,
    FactImmutableError,
    IdempotencyKeyConflictError,
    InvalidEffectiveAt,
    InvalidEffectiveAtError,
    InvalidEncounter,
    InvalidEncounterError,
    InvalidIdempotencyKeyError,
    InvalidLotError,
    InvalidQuantity,
    InvalidQuantityError,
    InvalidRequestKey,
    InvalidTransition,
    InvalidTransitionError,
    InvalidUser,
    InvalidUserError,
    ItemNotOrderable,
    ItemNotOrderableError,
    NotDispensable,
    NotDispensableError,
    NotReversibleError,
    ReasonRequiredError,
    RequestKeyConflict,
    RoutingError,
    TextTooLong,
    TextTooLongError,
)
from django_catalog.routing import route_by_catalog_item, route_by_explicit_routing

if TYPE_CHECKING:
    from django_catalog.services import (
        add_item,
        assign_work_item,
        cancel_basket,
        cancel_work_item,
        commit_basket,
        complete_work_item,
        get_or_create_draft_basket,
        record_dispense,
        remove_item,
        reverse_dispense,
        start_work_item,
    )

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_catalog.services": [
            "add_item",
            "assign_work_item",
            "cancel_basket",
            "cancel_work_item",
            "commit_basket",
            "complete_work_item",
            "get_or_create_draft_basket",
            "record_dispense",
            "remove_item",
            "reverse_dispense",
            "start_work_item",
        ],
    },
)

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
    "add_item",
    "assign_work_item",
    "cancel_basket",
    "cancel_work_item",
    "commit_basket",
    "complete_work_item",
    "get_or_create_draft_basket",
    "record_dispense",
    "remove_item",
    "reverse_dispense",
    "route_by_catalog_item",
    "route_by_explicit_routing",
    "start_work_item",
]
