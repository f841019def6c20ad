"""Write paths: draft baskets, adding and removing items, the idempotent commit, work item lifecycle, dispensing.

Every function runs in ``transaction.atomic()``, validates before its first write and raises a
``django_catalog.exceptions.CatalogError`` subclass when it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from django_basemodels.limits import text_within_limit
from django_catalog import conf
from django_catalog.exceptions import (
    AlreadyDispensed,
    BasketNotDraft,
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
from django_catalog.models import (
    BOARD_MAX_LENGTH,
    Basket,
    BasketItem,
    CatalogItem,
    CatalogSettings,
    DispenseLog,
    WorkItem,
)
from django_decisioning.exceptions import InvalidDecision
from django_decisioning.services import record_decision

COMMIT_ACTION = "django_catalog.commit_basket"
CANCEL_ACTION = "django_catalog.cancel_basket"
SNAPSHOT_FIELDS = [
    "display_name_snapshot",
    "price_amount_snapshot",
    "price_currency_snapshot",
    "routing_snapshot",
    "updated_at",
]


def _require_user(user: Any, name: str = "user") -> None:
    user_model = get_user_model()
    if not isinstance(user, user_model) or user.pk is None or user._state.adding:
        raise InvalidUser(f"{name} must be a saved {user_model.__name__}, not {user!r}.")


def _require_quantity(quantity: Any) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(f"quantity must be a positive integer, not {quantity!r}.")


def _require_request_key(request_key: Any) -> None:
    if request_key is None:
        return
    if not isinstance(request_key, str) or not request_key or len(request_key) > 255:
        raise InvalidRequestKey(f"request_key must be None or a string of 1 to 255 characters, not {request_key!r}.")


def _require_text(value: Any, name: str) -> None:
    text_within_limit(value, name=name, limit=conf.max_text_length(), error=TextTooLong)


def _require_orderable(item: CatalogItem, catalog_settings: CatalogSettings) -> None:
    if item.deleted_at is not None:
        raise ItemNotOrderable(f"Catalog item {item} was deleted and cannot be ordered.")
    if not item.active and not catalog_settings.allow_inactive_items:
        raise ItemNotOrderable(f"Catalog item {item} is inactive; CatalogSettings.allow_inactive_items is off.")


def _lock_basket(basket: Basket) -> Basket:
    # The row lock serialises every change of one basket: a commit and an add, or two commits,
    # never interleave on PostgreSQL and MariaDB. (SQLite serialises writers by itself.)
    return Basket.objects.select_for_update().get(pk=basket.pk)


def _lock_work_item_with_its_catalog_item(work_item: WorkItem) -> WorkItem:
    """Lock the work item's row, not its catalog item's: inserting a basket item checks its foreign
    key against the catalog item's row, which must not wait for a dispense to commit."""
    if connection.features.has_select_for_update_of:
        return WorkItem.objects.select_for_update(of=("self",)).select_related("catalog_item").get(pk=work_item.pk)
    # MariaDB has no FOR UPDATE OF, and a join would lock the catalog item too: it is read apart.
    locked = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    locked.catalog_item  # noqa: B018 - loaded here, by a plain read
    return locked


def _copy_fields(source: models.Model, target: models.Model, names: Iterable[str]) -> None:
    """Bring the caller's instance up to date with what was saved, without another query."""
    for name in names:
        field = source._meta.get_field(name)
        setattr(target, field.attname, getattr(source, field.attname))


def get_or_create_draft_basket(encounter: models.Model, user: models.Model) -> Basket:
    """Return the draft basket of ``encounter``, creating it (``created_by=user``) if there is none.

    Guarantees at most one draft basket per encounter, also under concurrent calls: a partial
    unique constraint backs it, and a call that loses the race returns the winner's basket.

    Raises ``InvalidEncounter`` when ``encounter`` is not a saved instance of
    ``CATALOG_ENCOUNTER_MODEL``, and ``InvalidUser`` when ``user`` is not a saved user.
    """
    encounter_model = conf.get_encounter_model()
    if not isinstance(encounter, encounter_model) or encounter.pk is None or encounter._state.adding:
        raise InvalidEncounter(f"encounter must be a saved {encounter_model._meta.label}, not {encounter!r}.")
    _require_user(user)
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


def add_item(
    *,
    basket: Basket,
    catalog_item: CatalogItem,
    user: models.Model,
    quantity: int = 1,
    request_key: str | None = None,
) -> BasketItem:
    """Add ``quantity`` of ``catalog_item`` to the draft ``basket`` and return the new basket item.

    With a ``request_key``, the call is idempotent: a repeat with the same key in the same basket
    (a double-click, a retried request) adds nothing and returns the item the first call added,
    even after the basket was committed. A unique constraint on (basket, request_key) backs it.

    Raises ``BasketNotDraft`` (committed or cancelled basket), ``ItemNotOrderable`` (inactive item
    while ``CatalogSettings.allow_inactive_items`` is off, or deleted item), ``RequestKeyConflict``
    (key already used for another item or quantity), ``InvalidQuantity``, ``InvalidRequestKey``,
    ``InvalidUser``.
    """
    _require_user(user)
    _require_quantity(quantity)
    _require_request_key(request_key)
    with transaction.atomic():
        locked = _lock_basket(basket)
        if request_key is not None:
            existing = locked.items.filter(request_key=request_key).first()
            if existing is not None:
                if existing.catalog_item_id != catalog_item.pk or existing.quantity != quantity:
                    raise RequestKeyConflict(
                        f"Request key {request_key!r} already added {existing.quantity} x "
                        f"{existing.catalog_item_id} to basket {locked.pk}."
                    )
                return existing
        if locked.status != Basket.Status.DRAFT:
            raise BasketNotDraft(f"Basket {locked.pk} is {locked.status}; items can only be added to a draft.")
        # Read the item again: whether it is orderable is decided on its stored state.
        current = CatalogItem.all_objects.get(pk=catalog_item.pk)
        _require_orderable(current, CatalogSettings.get_instance())
        return BasketItem.objects.create(
            basket=locked, catalog_item=current, quantity=quantity, added_by=user, request_key=request_key
        )


def remove_item(*, basket_item: BasketItem) -> None:
    """Remove a line from its draft basket (the row is deleted: nothing was ordered yet).

    Raises ``BasketNotDraft`` when the basket is committed or cancelled.
    """
    with transaction.atomic():
        locked = _lock_basket(basket_item.basket)
        if locked.status != Basket.Status.DRAFT:
            raise BasketNotDraft(f"Basket {locked.pk} is {locked.status}; its items can no longer be removed.")
        BasketItem.objects.filter(pk=basket_item.pk, basket=locked).delete()


def cancel_basket(basket: Basket, user: models.Model) -> Basket:
    """Cancel a draft basket (its encounter may then get a new draft) and record the decision.

    Idempotent: cancelling a cancelled basket changes nothing and returns it. The caller's
    ``basket`` instance is updated too. Raises ``BasketNotDraft`` for a committed basket and
    ``InvalidUser``.
    """
    _require_user(user)
    with transaction.atomic():
        locked = _lock_basket(basket)
        if locked.status == Basket.Status.COMMITTED:
            raise BasketNotDraft(f"Basket {locked.pk} is committed; cancel its work items instead.")
        if locked.status == Basket.Status.DRAFT:
            locked.status = Basket.Status.CANCELLED
            locked.cancelled_at = timezone.now()
            locked.cancelled_by = user
            locked.save(update_fields=["status", "cancelled_at", "cancelled_by", "updated_at"])
            record_decision(action=CANCEL_ACTION, actor=user, outcome="cancelled", target=locked)
    _copy_fields(locked, basket, ["status", "cancelled_at", "cancelled_by", "updated_at"])
    return locked


def _route(router: Callable[..., Any], basket_item: BasketItem, catalog_settings: CatalogSettings) -> str:
    board = router(basket_item, catalog_settings)
    if not isinstance(board, str) or not board or len(board) > BOARD_MAX_LENGTH:
        raise RoutingError(
            f"No usable board for {basket_item.catalog_item} (the router returned {board!r}): set the item's "
            f"routing or CatalogSettings.default_routing (1 to {BOARD_MAX_LENGTH} characters)."
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


def _require_principal(on_behalf_of: Any) -> None:
    # The check record_decision makes, made before the first write (its exception, too: the
    # principal is the Decision's field).
    if on_behalf_of is not None and (
        not isinstance(on_behalf_of, models.Model) or on_behalf_of.pk is None or on_behalf_of._state.adding
    ):
        raise InvalidDecision(f"on_behalf_of must be a saved model instance or None, not {on_behalf_of!r}.")


def _spawn_work_items(basket: Basket, user: models.Model, on_behalf_of: models.Model | None) -> list[WorkItem]:
    items = list(basket.items.select_related("catalog_item").order_by("created_at", "id"))
    if not items:
        raise EmptyBasket(f"Basket {basket.pk} has no items to commit.")
    catalog_settings = CatalogSettings.get_instance()
    router = conf.get_work_item_router()
    now = timezone.now()
    # Decide everything (orderable, board) before the first write.
    for item in items:
        catalog_item = item.catalog_item
        _require_orderable(catalog_item, catalog_settings)
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
    basket.save(update_fields=["status", "committed_at", "committed_by", "updated_at"])
    record_decision(
        action=COMMIT_ACTION,
        actor=user,
        on_behalf_of=on_behalf_of,
        outcome="committed",
        target=basket,
        evidence=_commit_evidence(basket, items),
    )
    return work_items


def commit_basket(basket: Basket, user: models.Model, *, on_behalf_of: models.Model | None = None) -> list[WorkItem]:
    """Commit a draft basket: spawn one work item per basket item and return them, in basket order.

    At commit, each basket item gets a snapshot of its catalog item's name and price and of the
    board the router decided (``CATALOG_WORK_ITEM_ROUTER``); the work item stores that board and
    later catalog changes leave both alone. The commit is recorded as a ``Decision`` (actor
    ``user``, principal ``on_behalf_of``, target the basket, evidence the items with their
    snapshots). ``on_behalf_of`` is whoever ``user`` commits for (any saved model instance: a
    party, an organisation, another user), or ``None``.

    Idempotent: committing a committed basket again, by anyone and for anyone, spawns nothing,
    records nothing (the first commit's actor and principal stay) and returns the same work
    items. Concurrent commits of one basket serialise on its row lock (PostgreSQL); the
    one-work-item-per-basket-item constraint makes a duplicate impossible in any case. The
    caller's ``basket`` instance is updated to the committed state.

    Raises ``BasketNotDraft`` (cancelled basket), ``EmptyBasket``, ``ItemNotOrderable`` (an item
    became inactive or was deleted since it was added), ``RoutingError`` (no board for an item),
    ``InvalidUser``, and ``django_decisioning.InvalidDecision`` when ``on_behalf_of`` is neither
    ``None`` nor a saved model instance; nothing is written when it raises.
    """
    _require_user(user)
    _require_principal(on_behalf_of)
    with transaction.atomic():
        locked = _lock_basket(basket)
        if locked.status == Basket.Status.COMMITTED:
            work_items = _work_items_of(locked)
        elif locked.status == Basket.Status.DRAFT:
            work_items = _spawn_work_items(locked, user, on_behalf_of)
        else:
            raise BasketNotDraft(f"Basket {locked.pk} is {locked.status} and cannot be committed.")
    _copy_fields(locked, basket, ["status", "committed_at", "committed_by", "updated_at"])
    return work_items


def _change_work_item(
    work_item: WorkItem, *, allowed_from: Iterable[str], action: str, changes: dict[str, Any]
) -> WorkItem:
    with transaction.atomic():
        locked = WorkItem.objects.select_for_update().get(pk=work_item.pk)
        if locked.status not in allowed_from:
            raise InvalidTransition(f"Cannot {action} work item {locked.pk}: it is {locked.status}.")
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*changes, "updated_at"])
    _copy_fields(locked, work_item, [*changes, "updated_at"])
    return locked


def start_work_item(work_item: WorkItem, *, user: models.Model) -> WorkItem:
    """Move a pending work item to ``in_progress``; an unassigned item is assigned to ``user``.

    Returns the saved work item (the caller's instance is updated too). Raises
    ``InvalidTransition`` unless the item is pending, and ``InvalidUser``.
    """
    _require_user(user)
    changes: dict[str, Any] = {"status": WorkItem.Status.IN_PROGRESS, "started_at": timezone.now()}
    if work_item.assignee_id is None:
        changes["assignee"] = user
    return _change_work_item(work_item, allowed_from=[WorkItem.Status.PENDING], action="start", changes=changes)


def complete_work_item(work_item: WorkItem, *, user: models.Model) -> WorkItem:
    """Move an in-progress work item to ``completed`` (``completed_by=user``).

    Raises ``InvalidTransition`` unless the item is in progress, and ``InvalidUser``.
    """
    _require_user(user)
    changes = {"status": WorkItem.Status.COMPLETED, "completed_at": timezone.now(), "completed_by": user}
    return _change_work_item(work_item, allowed_from=[WorkItem.Status.IN_PROGRESS], action="complete", changes=changes)


def cancel_work_item(work_item: WorkItem, *, user: models.Model, reason: str = "") -> WorkItem:
    """Cancel a pending or in-progress work item (``cancelled_by=user``, ``cancel_reason=reason``).

    Raises ``InvalidTransition`` for a completed or cancelled item, ``InvalidUser``, and
    ``TextTooLong`` for a ``reason`` longer than ``CATALOG_MAX_TEXT_LENGTH``.
    """
    _require_user(user)
    _require_text(reason, "reason")
    changes = {
        "status": WorkItem.Status.CANCELLED,
        "cancelled_at": timezone.now(),
        "cancelled_by": user,
        "cancel_reason": reason,
    }
    return _change_work_item(
        work_item,
        allowed_from=[WorkItem.Status.PENDING, WorkItem.Status.IN_PROGRESS],
        action="cancel",
        changes=changes,
    )


def assign_work_item(work_item: WorkItem, *, assignee: models.Model | None) -> WorkItem:
    """Set (or with ``None`` clear) the assignee of an open work item.

    Raises ``InvalidTransition`` for a completed or cancelled item and ``InvalidUser`` when
    ``assignee`` is neither ``None`` nor a saved user.
    """
    if assignee is not None:
        _require_user(assignee, "assignee")
    return _change_work_item(
        work_item,
        allowed_from=[WorkItem.Status.PENDING, WorkItem.Status.IN_PROGRESS],
        action="assign",
        changes={"assignee": assignee},
    )


def record_dispense(
    *,
    work_item: WorkItem,
    user: models.Model,
    quantity: int | None = None,
    effective_at: dt.datetime | None = None,
    notes: str = "",
) -> DispenseLog:
    """Record that the stock item of ``work_item`` was dispensed by ``user``; return the record.

    ``quantity`` defaults to the work item's. ``effective_at`` (aware, default now) may be in the
    past (backdating), never in the future; ``recorded_at`` is set by the server. The record
    keeps a snapshot of the item's name and stock code. The work item's status is left as is:
    complete it with ``complete_work_item``.

    One record per work item: a repeat with the same quantity, user and notes (a retried request)
    returns the existing record; any other repeat raises ``AlreadyDispensed``. Concurrent calls
    serialise on the work item's row lock; a unique constraint backs it.

    Raises ``NotDispensable`` (not a stock item, or a cancelled work item), ``AlreadyDispensed``,
    ``InvalidEffectiveAt``, ``InvalidQuantity``, ``InvalidUser``, ``TextTooLong`` (``notes`` longer
    than ``CATALOG_MAX_TEXT_LENGTH``).
    """
    _require_user(user)
    _require_text(notes, "notes")
    if quantity is not None:
        _require_quantity(quantity)
    if effective_at is not None:
        if not isinstance(effective_at, dt.datetime) or timezone.is_naive(effective_at):
            raise InvalidEffectiveAt(f"effective_at must be a timezone-aware datetime, not {effective_at!r}.")
        if effective_at > timezone.now():
            raise InvalidEffectiveAt(f"effective_at {effective_at.isoformat()} is in the future.")
    with transaction.atomic():
        locked = _lock_work_item_with_its_catalog_item(work_item)
        quantity = locked.quantity if quantity is None else quantity
        existing = DispenseLog.objects.filter(work_item=locked).first()
        if existing is not None:
            if (existing.quantity, existing.dispensed_by_id, existing.notes) == (quantity, user.pk, notes):
                return existing
            raise AlreadyDispensed(f"Work item {locked.pk} was already dispensed.", existing=existing)
        if locked.catalog_item.kind != CatalogItem.Kind.STOCK_ITEM:
            raise NotDispensable(f"Work item {locked.pk} is for a service, not a stock item.")
        if locked.status == WorkItem.Status.CANCELLED:
            raise NotDispensable(f"Work item {locked.pk} is cancelled.")
        log = DispenseLog(
            work_item=locked,
            catalog_item=locked.catalog_item,
            display_name_snapshot=locked.display_name,
            stock_sku_snapshot=locked.catalog_item.stock_sku,
            quantity=quantity,
            dispensed_by=user,
            notes=notes,
        )
        if effective_at is not None:
            log.effective_at = effective_at
        log.save()
    return log
