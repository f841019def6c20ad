"""Reversal of a movement: a new opposite movement; both legs of a transfer are reversed together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, transaction

from django_decisioning.services import record_decision, run_once
from django_stock import conf
from django_stock.choices import Direction, MovementType
from django_stock.exceptions import (
    InsufficientStockError,
    MovementNotReversibleError,
    UnknownMovementError,
)
from django_stock.models import StockMovement
from django_stock.services._validation import (
    check_common,
    check_permission,
    check_reason,
    database,
    instance_key,
    request_payload,
)
from django_stock.services.locking import lock_balances, share_lock_lots
from django_stock.services.writing import Line, scope_of, stored_movements, write_movements

# Keyed by the stored text of a movement's type (a str), giving the type of the other leg.
TRANSFER_COUNTERPART: dict[str, MovementType] = {
    MovementType.TRANSFER_OUT: MovementType.TRANSFER_IN,
    MovementType.TRANSFER_IN: MovementType.TRANSFER_OUT,
}


def reverse_movement(
    movement: Any,
    *,
    reason: str,
    by: Any,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> list[StockMovement]:
    """Cancel a movement by a new opposite one (type ``reversal``, ``reverses`` set); the original stays.

    Reversing either leg of a transfer reverses both legs, atomically; the list returned holds the
    reversal of ``movement`` first. The reversals keep the original's reference and lot status is
    not checked (a correction). Records a decision (action ``django_stock.reverse_movement``,
    target the movement, actor ``by``, ``on_behalf_of``). ``by`` is a user (needing
    ``STOCK_REVERSE_PERMISSION``) or ``None`` for the system.

    Raises ``MovementNotReversibleError`` (already reversed, or itself a reversal), ``InsufficientStockError``
    (reversing a movement in whose units have since left), ``StockPermissionDeniedError``,
    ``InvalidMovementError`` (no reason, or one over ``STOCK_MAX_TEXT_LENGTH``) or ``UnknownMovementError``;
    nothing is written then.
    """
    movement_key = instance_key(movement, StockMovement, UnknownMovementError)
    check_reason(reason, required=True)
    check_common(by=by, on_behalf_of=on_behalf_of, effective_at=effective_at, idempotency_key=idempotency_key)
    check_permission(by, conf.reverse_permission(), "reverse stock movements")
    db = database()
    service = "reverse_movement"

    def run() -> list[StockMovement]:
        with transaction.atomic(using=db):
            movements = StockMovement.objects.using(db).select_related("location", "lot")
            original = movements.filter(pk=movement_key).first()
            if original is None:
                raise UnknownMovementError(f"No stock movement {movement_key}.", value=movement_key)
            if original.movement_type == MovementType.REVERSAL:
                raise MovementNotReversibleError("A reversal cannot be reversed; record the original operation again.")
            originals = [original]
            if original.movement_type in TRANSFER_COUNTERPART:
                counterpart = movements.filter(
                    operation_id=original.operation_id,
                    lot_id=original.lot_id,
                    movement_type=TRANSFER_COUNTERPART[original.movement_type],
                ).first()
                if counterpart is not None:
                    originals.append(counterpart)
            share_lock_lots(db, [original.lot_id])
            balances = lock_balances(
                db,
                taking=[(m.location_id, m.lot_id) for m in originals if m.direction == Direction.IN],
                adding=[(m.location_id, m.lot_id) for m in originals if m.direction == Direction.OUT],
            )
            # Checked under the balance locks, which every reversal of these movements also takes.
            if StockMovement.objects.using(db).filter(reverses__in=[m.pk for m in originals]).exists():
                raise MovementNotReversibleError(f"Movement {original.pk} was already reversed.")
            for m in originals:
                held = balances[(m.location_id, m.lot_id)]
                if m.direction == Direction.IN and held < m.quantity:
                    raise InsufficientStockError(
                        f"Cannot reverse {m.movement_type} of {m.quantity} at {m.location.code}: {held} left.",
                        requested=m.quantity,
                        available=held,
                        location=m.location,
                        lot=m.lot,
                    )
            lines = [
                Line(
                    m.location,
                    m.lot,
                    MovementType.REVERSAL,
                    m.quantity,
                    -m.direction,
                    reverses=m,
                    reference={"reference_type_id": m.reference_type_id, "reference_id": m.reference_id},
                )
                for m in originals
            ]
            reversals = write_movements(
                db,
                lines,
                reference=None,
                by=by,
                reason=reason,
                effective_at=effective_at,
                service=service,
                idempotency_key=idempotency_key,
            )
            record_decision(
                action=scope_of(service),
                by=by,
                on_behalf_of=on_behalf_of,
                target=original,
                outcome="reversed",
                effective_at=effective_at,
                evidence={
                    "reason": reason,
                    "reversed": [
                        {"movement": m.pk, "type": m.movement_type, "quantity": m.quantity, "location": m.location_id}
                        for m in originals
                    ],
                    "reversals": [r.pk for r in reversals],
                },
            )
            return reversals

    payload: dict[str, Any] = {"movement": movement_key, "reason": reason, "by": by, "on_behalf_of": on_behalf_of}
    payload |= {"effective_at": effective_at}
    return run_once(
        scope=scope_of(service),
        idempotency_key=idempotency_key,
        func=run,
        payload=request_payload(service, payload),
        replay=lambda: stored_movements(db, service, idempotency_key),
        using=db,
    )
