"""Reversing a payment or a refund recorded in error (or a cheque that bounced): a new fact, never an edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction

from django_basemodels.arguments import require_saved
from django_settlements.choices import SettlementKind
from django_settlements.exceptions import AlreadyReversedError, InvalidSettlementError, NotReversibleError
from django_settlements.models import Allocation, Settlement
from django_settlements.services import _common as common
from django_settlements.services.payments import lock_obligations

REVERSE_SETTLEMENT = "reverse_settlement"


def reverse_settlement(
    settlement: Settlement,
    *,
    reason: str,
    by: models.Model | None,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Settlement:
    """Reverse a payment or a refund by recording its reversal; the original is never edited. Return the reversal.

    The reversal copies the parties, amount, currency and organization of the original, and mirrors its
    allocations (what the payment paid on an obligation is open again; what a refund gave back is paid again).
    From its ``effective_at`` (aware, default now, not before the original's) the original no longer counts
    in balances. A payment is reversed once its refunds are (reverse them first). Records a ``Decision``
    ``django_settlements.reverse_settlement`` (by ``by``, ``None`` for the system, for ``on_behalf_of``; evidence
    a snapshot of the original and the reason). At most one reversal per settlement, also under concurrency.

    Raises ``ReversalNotPermittedError`` when ``by`` lacks ``SETTLEMENTS_REVERSE_PERMISSION``,
    ``AlreadyReversedError`` (carrying the ``reversal``), ``NotReversibleError`` (a reversal, or a payment with
    standing refunds), ``InvalidSettlementError`` (no reason, an effective time before the original's...) and
    ``IdempotencyKeyReusedError``; nothing is written then.
    """
    require_saved(settlement, name="settlement", error=InvalidSettlementError, model=Settlement)
    if settlement.kind == SettlementKind.REVERSAL:
        raise NotReversibleError("A reversal cannot be reversed: record the payment or refund again.")
    why = common.reason(reason, required=True)
    moment = common.when(effective_at)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    common.require_reverse_permission(user, "reverse payments and refunds")
    scope = common.scope_of(REVERSE_SETTLEMENT)
    payload = {
        "settlement": settlement,
        "reason": why,
        "effective_at": moment,
        "by": user,
        "on_behalf_of": principal,
    }
    fingerprint = common.fingerprint(payload)
    using = common.database()

    def write() -> Settlement:
        with transaction.atomic(using=using):
            # The payment first (a refund's, or the one reversed): refunds of it take the same lock.
            payment_key = settlement.refund_of_id or settlement.pk
            settlements = Settlement.objects.using(using).select_for_update()
            list(settlements.filter(pk__in={payment_key, settlement.pk}).order_by("pk").values_list("pk"))
            original = Settlement.objects.using(using).get(pk=settlement.pk)
            _refuse_reversed(original, using)
            if original.kind == SettlementKind.PAYMENT and original.refunds.using(using).standing().exists():
                raise NotReversibleError(
                    f"The payment {original.pk} has refunds that still stand: reverse them before the payment."
                )
            allocations = list(Allocation.objects.using(using).filter(settlement=original).order_by("obligation_id"))
            lock_obligations([allocation.obligation_id for allocation in allocations], using)
            reversal = Settlement(
                kind=SettlementKind.REVERSAL,
                payer_type_id=original.payer_type_id,
                payer_id=original.payer_id,
                payee_type_id=original.payee_type_id,
                payee_id=original.payee_id,
                reference_type_id=original.reference_type_id,
                reference_id=original.reference_id,
                amount=original.amount,
                currency=original.currency,
                description=original.description,
                reverses=original,
                reason=why,
                effective_at=common.not_before(moment, original.effective_at, what=original.kind),  # type: ignore[misc]  # None: the record time
                org_key=original.org_key,
            )
            common.keyed(reversal, scope=scope, key=key, fingerprint=fingerprint, user=user)
            try:
                with transaction.atomic(using=using):
                    reversal.save(using=using)
            except IntegrityError:
                _refuse_reversed(original, using)  # a reversal that got past the lock: the unique column
                raise
            Allocation.objects.using(using).bulk_create(
                [
                    Allocation(
                        settlement=reversal,
                        obligation_id=allocation.obligation_id,
                        amount=allocation.amount,
                        currency=allocation.currency,
                        direction=-allocation.direction,
                    )
                    for allocation in allocations
                ]
            )
            common.decide(
                service=REVERSE_SETTLEMENT,
                by=user,
                on_behalf_of=principal,
                target=original,
                outcome="reversed",
                evidence=_evidence(original, why, allocations),
                effective_at=reversal.effective_at,
            )
        return reversal

    return common.run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload=payload,
        using=using,
        stored_as=Settlement,
        fingerprint=fingerprint,
    )


def _refuse_reversed(original: Settlement, using: str) -> None:
    existing = Settlement.objects.using(using).filter(reverses=original).first()
    if existing is not None:
        raise AlreadyReversedError(
            f"The {original.kind} {original.pk} was already reversed.", original=original, reversal=existing
        )


def _evidence(original: Settlement, reason: str, allocations: list[Allocation]) -> dict[str, Any]:
    return {
        "settlement": original.pk,
        "kind": original.kind,
        "payer": {"type": original.payer_type_id, "pk": original.payer_id},
        "payee": {"type": original.payee_type_id, "pk": original.payee_id},
        "amount": original.amount,
        "currency": original.currency,
        "description": original.description,
        "reason": reason,
        "allocations": [
            {"obligation": allocation.obligation_id, "amount": allocation.amount, "direction": allocation.direction}
            for allocation in allocations
        ],
    }
