"""Payments, allocated exactly to the obligations they settle, and refunds, capped by what was paid."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from django_basemodels.arguments import require_saved
from django_basemodels.tenancy import OrgLike
from django_money import Money
from django_settlements.amounts import as_money, to_decimal, vendor_of
from django_settlements.choices import SettlementKind
from django_settlements.exceptions import (
    CrossOrgSettlementError,
    CurrencyMismatchError,
    InvalidSettlementError,
    ObligationCancelledError,
    OverpaymentError,
    PartyMismatchError,
    RefundExceedsPaymentError,
)
from django_settlements.models import Allocation, Obligation, Settlement
from django_settlements.services import _common as common

RECORD_PAYMENT = "record_payment"
RECORD_REFUND = "record_refund"
PROPORTIONAL = "proportional"
DUE_DATE = "due_date"
ALLOCATIONS = (PROPORTIONAL, DUE_DATE)


class _ObligationsOrg:
    """The default ``org`` of a payment: the organization of its obligations (none without obligations)."""

    def __repr__(self) -> str:
        return "<the obligations' organization>"


OBLIGATIONS_ORG: Any = _ObligationsOrg()


def record_payment(
    *,
    payer: models.Model,
    payee: models.Model,
    amount: Money,
    obligations: Iterable[Obligation] = (),
    allocation: str = PROPORTIONAL,
    reference: models.Model | None = None,
    description: str = "",
    effective_at: dt.datetime | None = None,
    org: OrgLike = OBLIGATIONS_ORG,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Settlement:
    """Record that ``payer`` paid ``payee`` ``amount``; return the payment (a ``Settlement`` of kind ``payment``).

    ``obligations`` are what the payment settles: obligations of ``payer`` to ``payee`` in the payment's
    currency and organization. The payment is split between them to the minor unit, the parts summing exactly
    to ``amount``: ``allocation="proportional"`` (the default) in proportion to what is open on each (largest
    remainders get the odd minor units: ``Money.allocate``), ``"due_date"`` paying the earliest due first (then
    in the order given). It may not exceed what is open on them: record an advance as a payment without
    obligations. Without obligations the payment settles nothing in particular: it counts in the balances
    of the two parties (a transfer between people, an advance).

    ``effective_at`` (aware, default now) may be in the past. ``org`` defaults to the obligations'
    organization (no organization without obligations); a different one is refused. With ``by`` or
    ``on_behalf_of`` a ``Decision`` ``django_settlements.record_payment`` records who recorded it, the amount and
    its allocations. The obligations are locked while the payment is written: concurrent payments of one
    obligation queue, and together never exceed it.

    With ``idempotency_key``, a repeat of the same request returns the payment recorded first and writes nothing,
    also after django-decisioning's key row was purged (the key is stored on the payment).

    Raises, before writing anything: ``InvalidAmountError``, ``CurrencyMismatchError`` (an obligation in another
    currency), ``PartyMismatchError`` (an obligation of other parties, a party paying itself),
    ``CrossOrgSettlementError``, ``ObligationCancelledError``, ``OverpaymentError`` (more than is open),
    ``InvalidSettlementError`` (an unsaved party, a cancellation given as an obligation, the same obligation
    twice, an unknown ``allocation``...) and ``IdempotencyKeyReusedError``.
    """
    payer = common.party(payer, name="payer")
    payee = common.party(payee, name="payee")
    if common.same_party(payer, payee):
        raise PartyMismatchError(f"{payer} cannot pay itself.")
    value = common.money(amount, what="amount")
    if allocation not in ALLOCATIONS:
        raise InvalidSettlementError(f"allocation must be one of {', '.join(ALLOCATIONS)}, not {allocation!r}.")
    chosen = _obligations(obligations, payer=payer, payee=payee, currency=value.currency)
    require_saved(reference, name="reference", error=InvalidSettlementError, allow_none=True)
    text = common.description(description)
    moment = common.when(effective_at)
    key_of_org = _payment_org(org, chosen)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    scope = common.scope_of(RECORD_PAYMENT)
    payload = {
        "payer": payer,
        "payee": payee,
        "amount": value,
        "obligations": [obligation.pk for obligation in chosen],
        "allocation": allocation,
        "reference": reference,
        "description": text,
        "effective_at": moment,
        "org": key_of_org,
        "by": user,
        "on_behalf_of": principal,
    }
    fingerprint = common.fingerprint(payload)
    using = common.database()

    def write() -> Settlement:
        with transaction.atomic(using=using):
            parts = _allocate(value, chosen, allocation, using) if chosen else []
            payment = Settlement(
                kind=SettlementKind.PAYMENT,
                **common.generic("payer", payer),
                **common.generic("payee", payee),
                **common.generic("reference", reference),
                amount=value.amount,
                currency=value.currency,
                description=text,
                effective_at=moment,  # type: ignore[misc]  # None: the record time, filled on insert
                org_key=key_of_org,
            )
            common.keyed(payment, scope=scope, key=key, fingerprint=fingerprint, user=user)
            payment.save(using=using)
            rows = [
                Allocation(
                    settlement=payment, obligation=obligation, amount=part.amount, currency=part.currency, direction=1
                )
                for obligation, part in parts
            ]
            Allocation.objects.using(using).bulk_create(rows)
            if user is not None or principal is not None:
                common.decide(
                    service=RECORD_PAYMENT,
                    by=user,
                    on_behalf_of=principal,
                    target=payment,
                    outcome="paid",
                    evidence=_evidence(payment, payer, payee, rows),
                    effective_at=payment.effective_at,
                )
        return payment

    return common.run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload=payload,
        using=using,
        stored_as=Settlement,
        fingerprint=fingerprint,
    )


def record_refund(
    payment: Settlement,
    *,
    amount: Money,
    reason: str = "",
    obligation: Obligation | None = None,
    reference: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Settlement:
    """Give back ``amount`` of ``payment`` to its payer; return the refund (a ``Settlement`` of kind ``refund``).

    The refund goes the other way (its payer is the payment's payee) in the payment's currency and organization,
    and never exceeds what is left of the payment: its amount less the refunds already recorded (a reversed
    refund gives its amount back). Refunds of one payment queue on a lock of the payment row; the database
    refuses a refund beyond the payment too. A refund of a payment that settled obligations reopens them: by
    ``amount`` split in proportion to what the payment still holds on each (``Money.allocate``), or all on
    ``obligation`` when given. Cancel an obligation as well when the debt itself is gone (goods returned).

    ``effective_at`` (aware, default now) is not before the payment's. With ``by`` or ``on_behalf_of`` a
    ``Decision`` ``django_settlements.record_refund`` records it. With ``idempotency_key``, a repeat of the same
    request returns the first refund (the key is stored on it, under a unique constraint): a refund is never
    given twice for one request.

    Raises ``RefundExceedsPaymentError`` (more than is refundable; nothing is once the payment is reversed),
    ``InvalidAmountError``, ``CurrencyMismatchError``, ``InvalidSettlementError`` (not a payment, an obligation the
    payment did not settle, a naive time...) and ``IdempotencyKeyReusedError``; nothing is written then.
    """
    require_saved(payment, name="payment", error=InvalidSettlementError, model=Settlement)
    if payment.kind != SettlementKind.PAYMENT:
        raise InvalidSettlementError(f"Only a payment is refunded, not a {payment.kind}: reverse it instead.")
    value = common.money(amount, what="amount")
    if value.currency != payment.currency:
        raise CurrencyMismatchError(
            f"The refund is in {value.currency} but the payment was in {payment.currency}.",
            expected=payment.currency,
            got=value.currency,
        )
    require_saved(obligation, name="obligation", error=InvalidSettlementError, model=Obligation, allow_none=True)
    require_saved(reference, name="reference", error=InvalidSettlementError, allow_none=True)
    why = common.reason(reason, required=False)
    moment = common.when(effective_at)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    scope = common.scope_of(RECORD_REFUND)
    payload = {
        "payment": payment,
        "amount": value,
        "reason": why,
        "obligation": obligation,
        "reference": reference,
        "effective_at": moment,
        "by": user,
        "on_behalf_of": principal,
    }
    fingerprint = common.fingerprint(payload)
    using = common.database()

    def write() -> Settlement:
        with transaction.atomic(using=using):
            original = Settlement.objects.using(using).select_for_update().get(pk=payment.pk)
            refundable = refundable_of(original, using)
            if value > refundable:
                left = (
                    "the payment was reversed" if _is_reversed(original, using) else f"{refundable} is left to refund"
                )
                raise RefundExceedsPaymentError(
                    f"Cannot refund {value} of a payment of {original.money}: {left}.",
                    requested=value,
                    refundable=refundable,
                )
            parts = _refund_parts(original, value, obligation, using)
            refund = Settlement(
                kind=SettlementKind.REFUND,
                payer_type_id=original.payee_type_id,
                payer_id=original.payee_id,
                payee_type_id=original.payer_type_id,
                payee_id=original.payer_id,
                **common.generic("reference", reference),
                amount=value.amount,
                currency=value.currency,
                description=original.description,
                refund_of=original,
                reason=why,
                effective_at=common.not_before(moment, original.effective_at, what="payment"),  # type: ignore[misc]  # None: the record time
                org_key=original.org_key,
            )
            common.keyed(refund, scope=scope, key=key, fingerprint=fingerprint, user=user)
            refund.save(using=using)
            rows = [
                Allocation(
                    settlement=refund,
                    obligation_id=obligation_id,
                    amount=part.amount,
                    currency=part.currency,
                    direction=-1,
                )
                for obligation_id, part in parts
            ]
            Allocation.objects.using(using).bulk_create(rows)
            if user is not None or principal is not None:
                common.decide(
                    service=RECORD_REFUND,
                    by=user,
                    on_behalf_of=principal,
                    target=refund,
                    outcome="refunded",
                    evidence={
                        "payment": original.pk,
                        "amount": refund.amount,
                        "currency": refund.currency,
                        "reason": why,
                        "paid": original.amount,
                        "refundable_before": refundable.amount,
                        "allocations": [{"obligation": row.obligation_id, "amount": row.amount} for row in rows],
                    },
                    effective_at=refund.effective_at,
                )
        return refund

    return common.run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload=payload,
        using=using,
        stored_as=Settlement,
        fingerprint=fingerprint,
    )


def refundable_of(payment: Settlement, using: str) -> Money:
    """What is left to refund of ``payment``: its amount less its standing refunds; nothing once it is reversed."""
    if _is_reversed(payment, using):
        return as_money(Decimal(0), payment.currency)
    refunded = Settlement.objects.using(using).filter(refund_of=payment).standing().values_list("amount", flat=True)
    return as_money(payment.amount - sum(refunded, Decimal(0)), payment.currency)


def _is_reversed(settlement: Settlement, using: str) -> bool:
    return Settlement.objects.using(using).filter(reverses=settlement).exists()


def _obligations(obligations: Any, *, payer: models.Model, payee: models.Model, currency: str) -> list[Obligation]:
    if isinstance(obligations, (str, bytes, models.Model, Mapping)) or not isinstance(obligations, Iterable):
        raise InvalidSettlementError(f"obligations must be a list of obligations, not {type(obligations).__name__}.")
    chosen: list[Obligation] = []
    seen = set()
    for index, obligation in enumerate(obligations):
        require_saved(obligation, name=f"obligations[{index}]", error=InvalidSettlementError, model=Obligation)
        if obligation.reverses_id is not None:
            raise InvalidSettlementError(f"obligations[{index}] is a cancellation, not an obligation to pay.")
        if obligation.pk in seen:
            raise InvalidSettlementError(f"obligations[{index}] is given twice.")
        seen.add(obligation.pk)
        if obligation.currency != currency:
            raise CurrencyMismatchError(
                f"obligations[{index}] is in {obligation.currency}, the payment in {currency}: amounts are never "
                "converted.",
                expected=currency,
                got=obligation.currency,
            )
        if not (common.points_at(obligation, "debtor", payer) and common.points_at(obligation, "creditor", payee)):
            raise PartyMismatchError(
                f"obligations[{index}] is a debt of another debtor or to another creditor than this payment's "
                "payer and payee."
            )
        chosen.append(obligation)
    return chosen


def _payment_org(org: OrgLike, obligations: list[Obligation]) -> str:
    keys = sorted({obligation.org_key for obligation in obligations})
    if len(keys) > 1:
        raise CrossOrgSettlementError(
            f"The obligations belong to {len(keys)} organizations: a payment settles those of one.", org_keys=keys
        )
    if org is OBLIGATIONS_ORG:
        return keys[0] if keys else ""
    key = common.organization(org)
    if keys and keys[0] != key:
        raise CrossOrgSettlementError(
            f"The obligations belong to {keys[0]!r}, the payment to {key!r}.", org_keys=sorted({keys[0], key})
        )
    return key


def _allocate(
    value: Money, obligations: list[Obligation], allocation: str, using: str
) -> list[tuple[Obligation, Money]]:
    """Lock the obligations, then split ``value`` between them; refuse a cancelled one, or more than is open."""
    vendor = vendor_of(using)
    keys = [obligation.pk for obligation in obligations]
    lock_obligations(keys, using)
    locked = {row.pk: row for row in Obligation.objects.using(using).filter(pk__in=keys).with_open_amount()}
    opens = []
    for obligation in obligations:
        row = locked[obligation.pk]
        if row.is_cancelled:  # type: ignore[attr-defined]  # the annotation of with_open_amount
            raise ObligationCancelledError(f"{row} was cancelled: it takes no payment.", obligation=row)
        opens.append(as_money(to_decimal(row.open_units, vendor), value.currency))  # type: ignore[attr-defined]
    total = Money.sum(opens, currency=value.currency)
    if value > total:
        raise OverpaymentError(
            f"The payment of {value} exceeds the {total} open on its obligations: record the rest as a payment "
            "without obligations.",
            requested=value,
            open=total,
        )
    if allocation == PROPORTIONAL:
        shares = value.allocate([open_.minor_units() for open_ in opens])
    else:
        by_due = sorted(range(len(obligations)), key=lambda index: (obligations[index].due_on, index))
        shares = [Money.zero(value.currency)] * len(obligations)
        left = value
        for index in by_due:
            shares[index] = min(left, opens[index])
            left -= shares[index]
    return [(obligation, share) for obligation, share in zip(obligations, shares, strict=True) if not share.is_zero()]


def _refund_parts(
    payment: Settlement, value: Money, obligation: Obligation | None, using: str
) -> list[tuple[Any, Money]]:
    """How much of a refund of ``value`` goes back on each obligation ``payment`` still holds something of.

    What the payment holds on an obligation: its allocation there, net of its refunds' (and their reversals').
    The obligations are locked (after the payment) so that concurrent payments see the refund.
    """
    held: dict[Any, Decimal] = {}
    rows = (
        Allocation.objects.using(using)
        .filter(models.Q(settlement=payment) | models.Q(settlement__refund_of=payment))
        .values_list("obligation_id", "amount", "direction", "settlement__kind", "settlement_id")
    )
    reversed_refunds = set(
        Settlement.objects.using(using).filter(reverses__refund_of=payment).values_list("reverses_id", flat=True)
    )
    for obligation_id, amount, direction, kind, settlement_id in rows:
        if kind == SettlementKind.REFUND and settlement_id in reversed_refunds:
            continue
        held[obligation_id] = held.get(obligation_id, Decimal(0)) + amount * direction
    if not held:
        if obligation is not None:
            raise InvalidSettlementError("The payment settled no obligation: a refund of it goes on none.")
        return []
    if obligation is not None:
        holding = held.get(obligation.pk, Decimal(0))
        if obligation.pk not in held or as_money(holding, value.currency) < value:
            raise RefundExceedsPaymentError(
                f"Cannot refund {value} on this obligation: the payment holds {holding} {value.currency} of it.",
                requested=value,
                refundable=as_money(holding, value.currency),
            )
        targets = [obligation.pk]
        shares = [value]
    else:
        targets = sorted(held, key=str)
        shares = value.allocate([Money(held[target], value.currency).minor_units() for target in targets])
    lock_obligations(targets, using)
    return [(target, share) for target, share in zip(targets, shares, strict=True) if not share.is_zero()]


def lock_obligations(keys: Sequence[Any], using: str) -> None:
    """Lock the rows of the obligations ``keys``, in key order (the one order every service locks them in)."""
    list(Obligation.objects.using(using).select_for_update().filter(pk__in=list(keys)).order_by("pk").values_list("pk"))


def _evidence(payment: Settlement, payer: Any, payee: Any, rows: list[Allocation]) -> dict[str, Any]:
    return {
        "payment": payment.pk,
        "payer": common.party_label(payer),
        "payee": common.party_label(payee),
        "amount": payment.amount,
        "currency": payment.currency,
        "description": payment.description,
        "org_key": payment.org_key,
        "allocations": [{"obligation": row.obligation_id, "amount": row.amount} for row in rows],
    }
