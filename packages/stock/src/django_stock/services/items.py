"""Item status changes: block a whole item (a medicine withdrawn) so that no lot of it moves, and unblock it."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from django_decisioning.services import record_decision, run_once
from django_stock import conf
from django_stock.choices import ItemStatus
from django_stock.exceptions import InvalidStatusChangeError, UnknownItemError
from django_stock.models import StockItem
from django_stock.services._validation import (
    check_common,
    check_permission,
    check_reason,
    database,
    instance_key,
    request_payload,
)
from django_stock.services.locking import lock_item
from django_stock.services.writing import scope_of


def _change_item_status(
    service: str,
    *,
    item: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None,
    idempotency_key: str | None,
    allowed_from: ItemStatus,
    to: ItemStatus,
) -> StockItem:
    item_key = instance_key(item, StockItem, UnknownItemError)
    check_reason(reason, required=True)
    check_common(by=by, on_behalf_of=on_behalf_of, idempotency_key=idempotency_key)
    # Before run_once: a refused user leaves no idempotency key row and no decision behind.
    check_permission(by, conf.block_permission(), f"{'block' if to == ItemStatus.BLOCKED else 'unblock'} items")
    db = database()

    def run() -> StockItem:
        with transaction.atomic(using=db):
            # FOR UPDATE: waits for the movements holding the item's shared lock, which commit first.
            the_item = lock_item(db, item_key)
            previous = the_item.status
            if previous != allowed_from:
                raise InvalidStatusChangeError(
                    f"Item {the_item.sku} is {previous}: it must be {allowed_from} to become {to}."
                )
            the_item.status = to
            the_item.save(using=db, update_fields=["status", "updated_at"])
            record_decision(
                action=scope_of(service),
                by=by,
                on_behalf_of=on_behalf_of,
                target=the_item,
                outcome=to.value,
                evidence={"reason": reason, "previous_status": previous},
            )
            return the_item

    payload: dict[str, Any] = {"item": item_key, "reason": reason, "by": by, "on_behalf_of": on_behalf_of}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        using=db,
    )


def block_item(
    *,
    item: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> StockItem:
    """Block a whole item (a medicine withdrawn): no lot of it can be received, issued, transferred or returned.

    Beside per-lot blocking: the lots keep their own status, which counts again once the item is unblocked.
    Movement services refuse the item's lots with ``ItemBlockedError`` before writing; a movement of the item
    already running commits before the block (the item is locked ``FOR UPDATE`` against their shared lock).
    Corrections still pass: ``adjust`` (a write-off), ``reverse_movement`` and ``recall_lot``.
    Records a decision (action ``django_stock.block_item``, target the item, actor ``by``, ``on_behalf_of``;
    the reason and the previous status in the evidence). ``item`` is a ``StockItem`` or its key.

    Raises ``StockPermissionDeniedError`` (``STOCK_BLOCK_PERMISSION``, the permission ``django_stock.block_lot``
    by default), ``InvalidStatusChangeError`` when the item is already blocked, ``InvalidMovementError`` (no
    reason, or one over ``STOCK_MAX_TEXT_LENGTH``, a ``by`` that is not a saved user, a bad key...) or
    ``UnknownItemError``; nothing is written then.
    """
    return _change_item_status(
        "block_item",
        item=item,
        reason=reason,
        by=by,
        on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
        allowed_from=ItemStatus.ACTIVE,
        to=ItemStatus.BLOCKED,
    )


def unblock_item(
    *,
    item: Any,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> StockItem:
    """Make a blocked item active again: its lots move as their own status allows.

    Records a decision (action ``django_stock.unblock_item``). Raises ``StockPermissionDeniedError``
    (``STOCK_BLOCK_PERMISSION``), ``InvalidStatusChangeError`` when the item is not blocked,
    ``InvalidMovementError`` or ``UnknownItemError``; nothing is written then.
    """
    return _change_item_status(
        "unblock_item",
        item=item,
        reason=reason,
        by=by,
        on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
        allowed_from=ItemStatus.BLOCKED,
        to=ItemStatus.ACTIVE,
    )
