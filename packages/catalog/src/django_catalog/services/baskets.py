"""Draft baskets: opening one for an encounter, adding and removing items, cancelling it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from django_basemodels.arguments import renamed_keywords, require_idempotency_key, require_saved, require_user
from django_catalog import conf
from django_catalog.exceptions import (
    BasketNotDraftError,
    IdempotencyKeyConflictError,
    InvalidEncounterError,
    InvalidIdempotencyKeyError,
    InvalidUserError,
)
from django_catalog.models import Basket, BasketItem, CatalogItem, CatalogSettings
from django_catalog.services.guards import (
    key_conflicts_as_catalog_errors,
    reference,
    require_orderable,
    require_org_of_basket,
    require_quantity,
)
from django_catalog.services.locking import copy_fields, lock_basket
from django_decisioning.services import record_decision, run_once

ADD_ITEM_SCOPE = "django_catalog.add_item"
CANCEL_ACTION = "django_catalog.cancel_basket"
CANCEL_FIELDS = ["status", "cancelled_at", "cancelled_by", "updated_at"]


def get_or_create_draft_basket(encounter: Any, user: Any) -> Basket:
    """Return the draft basket of ``encounter``, creating it (``created_by=user``) if there is none.

    Guarantees at most one draft basket per encounter, also under concurrent calls: a partial
    unique constraint backs it, and a call that loses the race returns the winner's basket.

    Raises ``InvalidEncounterError`` when ``encounter`` is not a saved instance of
    ``CATALOG_ENCOUNTER_MODEL``, and ``InvalidUserError`` when ``user`` is not a saved user.
    """
    require_saved(encounter, name="encounter", error=InvalidEncounterError, model=conf.get_encounter_model())
    require_user(user, name="user", error=InvalidUserError, allow_none=False)
    drafts = Basket.objects.filter(encounter=encounter, status=Basket.Status.DRAFT)
    basket = drafts.first()
    if basket is not None:
        return basket
    try:
        with transaction.atomic():
            return Basket.objects.create(encounter=encounter, created_by=user)
    except IntegrityError:
        # Another request created the draft between our read and our insert (on PostgreSQL our
        # insert waited for it to commit): theirs is the one draft.
        basket = drafts.first()
        if basket is None:  # pragma: no cover - an integrity error of another kind
            raise
        return basket


@renamed_keywords(user="by", request_key="idempotency_key")
def add_item(
    *,
    basket: Basket,
    catalog_item: CatalogItem,
    by: Any,
    quantity: int = 1,
    idempotency_key: str | None = None,
) -> BasketItem:
    """Add ``quantity`` of ``catalog_item`` to the draft ``basket`` (``added_by=by``) and return the new line.

    With an ``idempotency_key`` (1 to 255 characters), a repeat of the request (a double-click, a
    retried request: same basket, item, quantity and ``by``) adds nothing and returns the line the
    first call added, even after the basket was committed (``django_decisioning.services.run_once``,
    scope ``django_catalog.add_item``). The key is stored on the line, unique per basket: a repeat
    after decisioning's record of the key was purged still finds the line and adds nothing. The key
    used for another request raises ``IdempotencyKeyConflictError``.

    A basket holds the items of one organization: an item of another organization than the lines
    already in the basket raises ``CrossOrgBasketError`` and adds nothing (decided under the basket's
    row lock, so two concurrent adds cannot mix them either).

    Raises ``BasketNotDraftError`` (committed or cancelled basket), ``ItemNotOrderableError``
    (inactive item while ``CatalogSettings.allow_inactive_items`` is off, or deleted item),
    ``CrossOrgBasketError``, ``IdempotencyKeyConflictError``, ``InvalidQuantityError``, ``InvalidIdempotencyKeyError``,
    ``InvalidUserError``.
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    require_quantity(quantity)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)

    def replay() -> BasketItem | None:
        existing = BasketItem.objects.filter(basket_id=basket.pk, idempotency_key=idempotency_key).first()
        if existing is not None and (existing.catalog_item_id, existing.quantity, existing.added_by_id) != (
            catalog_item.pk,
            quantity,
            by.pk,
        ):
            raise IdempotencyKeyConflictError(
                f"Idempotency key {idempotency_key!r} already added {existing.quantity} x "
                f"{existing.catalog_item_id} to basket {basket.pk} (by {existing.added_by_id}).",
                scope=ADD_ITEM_SCOPE,
                key=str(idempotency_key),
            )
        return existing

    payload = {
        "basket": reference(basket),
        "catalog_item": reference(catalog_item),
        "quantity": quantity,
        "by": reference(by),
    }
    with key_conflicts_as_catalog_errors():
        return run_once(
            scope=ADD_ITEM_SCOPE,
            idempotency_key=idempotency_key,
            func=lambda: _add_item(basket, catalog_item, by, quantity, idempotency_key),
            payload=payload,
            replay=replay,
        )


def _add_item(
    basket: Basket, catalog_item: CatalogItem, by: Any, quantity: int, idempotency_key: str | None
) -> BasketItem:
    with transaction.atomic():
        locked = lock_basket(basket)
        if locked.status != Basket.Status.DRAFT:
            raise BasketNotDraftError(
                f"Basket {locked.pk} is {locked.status}; items can only be added to a draft: open one with "
                f"get_or_create_draft_basket(encounter, user) and add to that."
            )
        # Read the item again: whether it is orderable is decided on its stored state.
        current = CatalogItem.all_objects.get(pk=catalog_item.pk)
        require_orderable(current, CatalogSettings.get_instance())
        require_org_of_basket(locked, current)
        return BasketItem.objects.create(
            basket=locked, catalog_item=current, quantity=quantity, added_by=by, idempotency_key=idempotency_key
        )


def remove_item(*, basket_item: BasketItem) -> None:
    """Remove a line from its draft basket (the row is deleted: nothing was ordered yet).

    Raises ``BasketNotDraftError`` when the basket is committed or cancelled.
    """
    with transaction.atomic():
        locked = lock_basket(basket_item.basket)
        if locked.status != Basket.Status.DRAFT:
            raise BasketNotDraftError(
                f"Basket {locked.pk} is {locked.status}; its items can no longer be removed"
                + (
                    ": cancel their work items with cancel_work_item(work_item, by=...)."
                    if locked.status == "committed"
                    else "."
                )
            )
        BasketItem.objects.filter(pk=basket_item.pk, basket=locked).delete()


@renamed_keywords(user="by")
def cancel_basket(basket: Basket, *, by: Any, idempotency_key: str | None = None) -> Basket:
    """Cancel a draft basket (its encounter may then get a new draft) and record the decision.

    The decision is ``django_catalog.cancel_basket`` (actor ``by``, target the basket). Idempotent:
    cancelling a cancelled basket changes nothing and returns it; the basket's status is the
    record, so this holds with or without an ``idempotency_key`` (``run_once``, scope
    ``django_catalog.cancel_basket``: the key used for another request raises
    ``IdempotencyKeyConflictError``). The caller's ``basket`` instance is updated too.

    Raises ``BasketNotDraftError`` for a committed basket, ``InvalidUserError`` and
    ``InvalidIdempotencyKeyError``.
    """
    require_user(by, name="by", error=InvalidUserError, allow_none=False)
    require_idempotency_key(idempotency_key, error=InvalidIdempotencyKeyError)
    with key_conflicts_as_catalog_errors():
        cancelled = run_once(
            scope=CANCEL_ACTION,
            idempotency_key=idempotency_key,
            func=lambda: _cancel_basket(basket, by),
            payload={"basket": reference(basket), "by": reference(by)},
        )
    copy_fields(cancelled, basket, CANCEL_FIELDS)
    return cancelled


def _cancel_basket(basket: Basket, by: Any) -> Basket:
    with transaction.atomic():
        locked = lock_basket(basket)
        if locked.status == Basket.Status.COMMITTED:
            raise BasketNotDraftError(
                f"Basket {locked.pk} is committed; cancel its work items instead with "
                f"cancel_work_item(work_item, by=...)."
            )
        if locked.status == Basket.Status.DRAFT:
            locked.status = Basket.Status.CANCELLED
            locked.cancelled_at = timezone.now()
            locked.cancelled_by = by
            locked.save(update_fields=CANCEL_FIELDS)
            record_decision(action=CANCEL_ACTION, by=by, outcome="cancelled", target=locked)
    return locked
