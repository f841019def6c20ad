"""The commit of a basket: snapshots, routing, one work item per line, one recorded decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from django_basemodels.arguments import require_idempotency_key, require_saved, require_user
from django_catalog import conf
from django_catalog.exceptions import (
    BasketNotDraftError,
    EmptyBasketError,
    InvalidIdempotencyKeyError,
    InvalidUserError,
    RoutingError,
)
from django_catalog.models import BOARD_MAX_LENGTH, Basket, BasketItem, CatalogSettings, WorkItem
from django_catalog.services.guards import (
    key_conflicts_as_catalog_errors,
    reference,
    require_one_org,
    require_orderable,
)
from django_catalog.services.locking import copy_fields, lock_basket
from django_decisioning.exceptions import InvalidDecisionError
from django_decisioning.services import record_decision, run_once

COMMIT_ACTION = "django_catalog.commit_basket"
COMMIT_FIELDS = ["status", "committed_at", "committed_by", "updated_at"]
SNAPSHOT_FIELDS = [
    "display_name_snapshot",
    "price_amount_snapshot",
    "price_currency_snapshot",
    "routing_snapshot",
    "updated_at",
]


def commit_basket(
    basket: Basket,
    user: Any,
    *,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> list[WorkItem]:
    """Commit a draft basket: spawn one work item per basket item and return them, in basket order.

    At commit, each basket item gets a snapshot of its catalog item's name and price and of the
    board the router decided (``CATALOG_WORK_ITEM_ROUTER``); the work item stores that board and
    later catalog changes leave both alone. The commit is recorded as a ``Decision``
    ``django_catalog.commit_basket`` (actor ``user``, principal ``on_behalf_of``, target the basket,
    evidence the items with their snapshots). ``on_behalf_of`` is whoever ``user`` commits for (any
    saved model instance: a party, an organisation, another user), or ``None``.

    Idempotent: committing a committed basket again, by anyone and for anyone, spawns nothing,
    records nothing (the first commit's actor and principal stay) and returns the same work
    items. Concurrent commits of one basket serialise on its row lock; the
    one-work-item-per-basket-item constraint makes a duplicate impossible in any case. With an
    ``idempotency_key`` the call goes through ``django_decisioning.services.run_once`` (scope
    ``django_catalog.commit_basket``): a repeat of the request (same basket, ``user`` and
    ``on_behalf_of``) returns the first result; the key used for another request raises
    ``IdempotencyKeyConflictError``. The basket's committed status stays the durable record: a
    retry after the key was purged returns the work items of the first commit and writes nothing.
    The caller's ``basket`` instance is updated to the committed state.

    Raises ``BasketNotDraftError`` (cancelled basket), ``EmptyBasketError``, ``ItemNotOrderableError``
    (an item became inactive or was deleted since it was added), ``CrossOrgBasketError`` (items of
    two organizations, written around ``add_item``), ``RoutingError`` (no board for an
    item), ``InvalidUserError``, ``InvalidIdempotencyKeyError``, and
    ``django_decisioning.InvalidDecisionError`` when ``on_behalf_of`` is neither ``None`` nor a saved
    model instance; nothing is written when it raises.
    """
    require_user(user, name="user", error=InvalidUserError, allow_none=False)
    # The check record_decision makes, made before the first write (its exception, too: the
    # principal is the Decision's field).
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidDecisionError, allow_none=True)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    committed: list[Basket] = []

    def commit() -> list[WorkItem]:
        with transaction.atomic():
            locked = lock_basket(basket)
            if locked.status == Basket.Status.COMMITTED:
                work_items = _work_items_of(locked)
            elif locked.status == Basket.Status.DRAFT:
                work_items = _spawn_work_items(locked, user, on_behalf_of)
            else:
                raise BasketNotDraftError(
                    f"Basket {locked.pk} is {locked.status} and cannot be committed: open a new draft with "
                    f"get_or_create_draft_basket(encounter, user)."
                )
        committed.append(locked)
        return work_items

    def replay() -> list[WorkItem] | None:
        if not Basket.objects.filter(pk=basket.pk, status=Basket.Status.COMMITTED).exists():
            return None
        return _work_items_of(basket)

    with key_conflicts_as_catalog_errors():
        work_items = run_once(
            scope=COMMIT_ACTION,
            idempotency_key=idempotency_key,
            func=commit,
            payload={"basket": reference(basket), "user": reference(user), "on_behalf_of": reference(on_behalf_of)},
            replay=replay,
        )
    # A replayed call read no basket: read it for the caller's copy.
    copy_fields(committed[-1] if committed else Basket.objects.get(pk=basket.pk), basket, COMMIT_FIELDS)
    return work_items


def _route(router: Callable[..., Any], basket_item: BasketItem, catalog_settings: CatalogSettings) -> str:
    board = router(basket_item, catalog_settings)
    if not isinstance(board, str) or not board or len(board) > BOARD_MAX_LENGTH:
        raise RoutingError(
            f"No usable board for {basket_item.catalog_item} (the router {conf.work_item_router_path()} returned "
            f"{board!r}): give the item a board (routing='lab', 1 to {BOARD_MAX_LENGTH} characters), set "
            f"CatalogSettings.default_routing, or leave CATALOG_WORK_ITEM_ROUTER unset for the default router, "
            f"which falls back to the item's service_category and kind."
        )
    return board


def _work_items_of(basket: Basket) -> list[WorkItem]:
    return list(WorkItem.objects.filter(basket=basket).order_by("basket_item__created_at", "basket_item__id"))


def _commit_evidence(basket: Basket, items: list[BasketItem]) -> dict[str, Any]:
    return {
        "basket": basket.pk,
        "encounter": str(basket.encounter_id),
        "items": [
            {
                "basket_item": item.pk,
                "catalog_item": item.catalog_item_id,
                "kind": item.catalog_item.kind,
                "display_name": item.display_name_snapshot,
                "quantity": item.quantity,
                "price_amount": item.price_amount_snapshot,
                "price_currency": item.price_currency_snapshot,
                "board": item.routing_snapshot,
            }
            for item in items
        ],
    }


def _spawn_work_items(basket: Basket, user: Any, on_behalf_of: models.Model | None) -> list[WorkItem]:
    items = list(basket.items.select_related("catalog_item").order_by("created_at", "id"))
    if not items:
        raise EmptyBasketError(
            f"Basket {basket.pk} has no items to commit: add some first with "
            f"add_item(basket=basket, catalog_item=item, by=user)."
        )
    require_one_org(basket, items)
    catalog_settings = CatalogSettings.get_instance()
    router = conf.get_work_item_router()
    now = timezone.now()
    # Decide everything (orderable, board) before the first write.
    for item in items:
        catalog_item = item.catalog_item
        require_orderable(catalog_item, catalog_settings)
        item.routing_snapshot = _route(router, item, catalog_settings)
        item.display_name_snapshot = catalog_item.display_name
        item.price_amount_snapshot = catalog_item.price_amount
        item.price_currency_snapshot = catalog_item.price_currency
        item.updated_at = now
    BasketItem.objects.bulk_update(items, SNAPSHOT_FIELDS)
    work_items = WorkItem.objects.bulk_create(
        [
            WorkItem(
                basket=basket,
                basket_item=item,
                catalog_item=item.catalog_item,
                display_name=item.display_name_snapshot,
                quantity=item.quantity,
                board=item.routing_snapshot,
            )
            for item in items
        ]
    )
    basket.status = Basket.Status.COMMITTED
    basket.committed_at = now
    basket.committed_by = user
    basket.save(update_fields=COMMIT_FIELDS)
    record_decision(
        action=COMMIT_ACTION,
        by=user,
        on_behalf_of=on_behalf_of,
        outcome="committed",
        target=basket,
        evidence=_commit_evidence(basket, items),
    )
    return work_items
