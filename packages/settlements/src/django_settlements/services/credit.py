"""Credit limits: set one, reserve credit under it, release a reservation, consume one into an obligation.

Every write locks the limit's row first (``SELECT ... FOR UPDATE``) and reads the credit in use under that lock:
writers of one limit queue, so reservations never take it over the limit, whatever the number of workers
(PostgreSQL, MariaDB/MySQL; SQLite serialises writers). The reads assume Django's ``READ COMMITTED`` on
MariaDB/MySQL: at ``REPEATABLE READ`` a transaction that read before taking the lock would keep its snapshot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from django_basemodels.arguments import require_saved
from django_basemodels.tenancy import OrgLike
from django_money import Money
from django_settlements import conf
from django_settlements.choices import CreditMovementKind
from django_settlements.exceptions import (
    CreditLimitExceededError,
    CreditLimitNotPermittedError,
    CurrencyMismatchError,
    InvalidSettlementError,
    PartyMismatchError,
    ReservationExceededError,
)
from django_settlements.models import CreditLimit, CreditMovement, Obligation
from django_settlements.selectors import credit_in_use, remaining_of_reservation
from django_settlements.services import _common as common

SET_CREDIT_LIMIT = "set_credit_limit"
RESERVE_CREDIT = "reserve_credit"
RELEASE_CREDIT = "release_credit"
CONSUME_CREDIT = "consume_credit"


def set_credit_limit(
    *,
    creditor: models.Model,
    debtor: models.Model,
    limit: Money,
    org: OrgLike = None,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> CreditLimit:
    """Let ``debtor`` owe ``creditor`` up to ``limit`` on credit (in ``limit``'s currency, within ``org``).

    Creates the limit, or changes the one of these parties, currency and organization (under its row lock).
    A limit lowered below the credit in use stands: no reservation passes until the use falls under it.
    With ``by`` or ``on_behalf_of`` a ``Decision`` ``django_settlements.set_credit_limit`` records the change
    (the previous and the new limit). Returns the limit.

    Raises ``CreditLimitNotPermittedError`` when ``by`` lacks ``SETTLEMENTS_CREDIT_LIMIT_PERMISSION``,
    ``InvalidAmountError`` (a negative limit, a fraction of a minor unit...), ``PartyMismatchError`` (a party
    lending to itself), ``InvalidSettlementError`` and ``IdempotencyKeyReusedError``; nothing is written then.
    """
    creditor = common.party(creditor, name="creditor")
    debtor = common.party(debtor, name="debtor")
    if common.same_party(creditor, debtor):
        raise PartyMismatchError(f"{creditor} cannot lend to itself.")
    value = common.money(limit, what="limit", allow_zero=True)
    key_of_org = common.organization(org)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    common.require_permission(user, conf.credit_limit_permission(), "set a credit limit", CreditLimitNotPermittedError)
    scope = common.scope_of(SET_CREDIT_LIMIT)
    payload = {
        "creditor": creditor,
        "debtor": debtor,
        "limit": value,
        "org": key_of_org,
        "by": user,
        "on_behalf_of": principal,
    }
    using = common.database()

    def write() -> CreditLimit:
        with transaction.atomic(using=using):
            limits = CreditLimit.objects.using(using).select_for_update()
            parties = {**common.generic("creditor", creditor), **common.generic("debtor", debtor)}
            current = limits.filter(**parties, currency=value.currency, org_key=key_of_org).first()
            previous = current.limit_amount if current is not None else None
            if current is None:
                current = CreditLimit(**parties, currency=value.currency, org_key=key_of_org, limit_amount=value.amount)
                try:
                    with transaction.atomic(using=using):
                        current.save(using=using)
                except IntegrityError:
                    # Another writer created it first: change that one, under its lock.
                    current = limits.get(**parties, currency=value.currency, org_key=key_of_org)
                    previous = current.limit_amount
            if previous is not None:
                current.limit_amount = value.amount
                current.save(using=using, update_fields=["limit_amount", "updated_at"])
            if user is not None or principal is not None:
                common.decide(
                    service=SET_CREDIT_LIMIT,
                    by=user,
                    on_behalf_of=principal,
                    target=current,
                    outcome="limit set",
                    evidence={
                        "creditor": common.party_label(creditor),
                        "debtor": common.party_label(debtor),
                        "currency": value.currency,
                        "previous": previous,
                        "limit": value.amount,
                    },
                    effective_at=None,
                )
        return current

    return common.run_once_per_key(scope=scope, key=key, func=write, payload=payload, using=using)


def reserve_credit(
    credit_limit: CreditLimit,
    *,
    amount: Money,
    reference: models.Model | None = None,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> CreditMovement:
    """Hold ``amount`` of ``credit_limit`` for ``reference`` (an order placed on credit); return the reservation.

    Refused when it would take the credit in use (open reservations, and what consumptions turned into
    obligations still unpaid) over the limit: under the limit's row lock, so concurrent reservations never
    exceed it together. Release it (``release_credit``) or consume it (``consume_credit``) later. With ``by`` or
    ``on_behalf_of`` a ``Decision`` ``django_settlements.reserve_credit`` records it. With ``idempotency_key``, a
    repeat of the same request returns the first reservation (the key is stored on it): credit is never held
    twice for one request.

    Raises ``CreditLimitExceededError`` (with ``requested``, ``available`` and ``limit``), ``InvalidAmountError``,
    ``CurrencyMismatchError`` (another currency than the limit's), ``InvalidSettlementError`` and
    ``IdempotencyKeyReusedError``; nothing is written then.
    """
    require_saved(credit_limit, name="credit_limit", error=InvalidSettlementError, model=CreditLimit)
    value = _in_currency(common.money(amount, what="amount"), credit_limit.currency)
    require_saved(reference, name="reference", error=InvalidSettlementError, allow_none=True)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    scope = common.scope_of(RESERVE_CREDIT)
    payload = {
        "credit_limit": credit_limit,
        "amount": value,
        "reference": reference,
        "by": user,
        "on_behalf_of": principal,
    }
    fingerprint = common.fingerprint(payload)
    using = common.database()

    def write() -> CreditMovement:
        with transaction.atomic(using=using):
            locked = CreditLimit.objects.using(using).select_for_update().get(pk=credit_limit.pk)
            in_use = credit_in_use(locked, using=using)
            limit = locked.limit.quantized()  # type: ignore[union-attr]
            available = limit - in_use
            if value > available:
                raise CreditLimitExceededError(
                    f"Reserving {value} would take the credit in use ({in_use}) over the limit of {limit}.",
                    requested=value,
                    available=max(available, Money.zero(locked.currency)),
                    limit=limit,
                )
            movement = CreditMovement(
                credit_limit=locked,
                kind=CreditMovementKind.RESERVE,
                amount=value.amount,
                currency=value.currency,
                **common.generic("reference", reference),
            )
            _save(movement, scope=scope, key=key, fingerprint=fingerprint, user=user, using=using)
            if user is not None or principal is not None:
                _decide(RESERVE_CREDIT, movement, locked, user, principal, in_use=in_use)
        return movement

    return common.run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload=payload,
        using=using,
        stored_as=CreditMovement,
        fingerprint=fingerprint,
    )


def release_credit(
    reservation: CreditMovement,
    *,
    amount: Money | None = None,
    reason: str = "",
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> CreditMovement:
    """Give back ``amount`` (default: all that is left) of ``reservation`` to its limit; return the release.

    Raises ``ReservationExceededError`` (more than is left of the reservation), ``InvalidAmountError``,
    ``CurrencyMismatchError``, ``InvalidSettlementError`` (not a reservation...) and ``IdempotencyKeyReusedError``.
    """
    return _settle_reservation(
        RELEASE_CREDIT,
        reservation,
        amount=amount,
        reason=reason,
        obligation=None,
        by=by,
        on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def consume_credit(
    reservation: CreditMovement,
    *,
    amount: Money | None = None,
    due_on: dt.date | None = None,
    description: str = "",
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> CreditMovement:
    """Turn ``amount`` (default: all that is left) of ``reservation`` into an obligation of the limit's debtor to
    its creditor (the order was delivered); return the consumption, whose ``obligation`` is the new debt.

    The obligation names the reservation's reference, is due on ``due_on`` (default today) and belongs to the
    limit's organization; it stays in use under the limit until paid (or cancelled). Raises the errors of
    ``release_credit``.
    """
    due = common.day(due_on, name="due_on") if due_on is not None else None
    return _settle_reservation(
        CONSUME_CREDIT,
        reservation,
        amount=amount,
        reason="",
        obligation={"due_on": due, "description": common.description(description)},
        by=by,
        on_behalf_of=on_behalf_of,
        idempotency_key=idempotency_key,
    )


def _settle_reservation(
    service: str,
    reservation: CreditMovement,
    *,
    amount: Money | None,
    reason: str,
    obligation: dict[str, Any] | None,
    by: Any,
    on_behalf_of: Any,
    idempotency_key: str | None,
) -> CreditMovement:
    require_saved(reservation, name="reservation", error=InvalidSettlementError, model=CreditMovement)
    if reservation.kind != CreditMovementKind.RESERVE:
        raise InvalidSettlementError(f"Only a reservation is released or consumed, not a {reservation.kind}.")
    value = _in_currency(common.money(amount, what="amount"), reservation.currency) if amount is not None else None
    why = common.reason(reason, required=False)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    scope = common.scope_of(service)
    payload = {
        "reservation": reservation,
        "amount": value,
        "reason": why,
        "obligation": obligation,
        "by": user,
        "on_behalf_of": principal,
    }
    fingerprint = common.fingerprint(payload)
    using = common.database()
    kind = CreditMovementKind.RELEASE if service == RELEASE_CREDIT else CreditMovementKind.CONSUME

    def write() -> CreditMovement:
        with transaction.atomic(using=using):
            locked = CreditLimit.objects.using(using).select_for_update().get(pk=reservation.credit_limit_id)
            remaining = remaining_of_reservation(reservation, using=using)
            moved = value if value is not None else remaining
            if moved > remaining or moved.is_zero():
                raise ReservationExceededError(
                    f"Cannot {kind} {moved}: {remaining} is left of the reservation.",
                    requested=moved,
                    remaining=remaining,
                )
            debt = None
            if obligation is not None:
                debt = Obligation(
                    debtor_type_id=locked.debtor_type_id,
                    debtor_id=locked.debtor_id,
                    creditor_type_id=locked.creditor_type_id,
                    creditor_id=locked.creditor_id,
                    reference_type_id=reservation.reference_type_id,
                    reference_id=reservation.reference_id,
                    amount=moved.amount,
                    currency=moved.currency,
                    due_on=obligation["due_on"] or timezone.localdate(),
                    description=obligation["description"],
                    org_key=locked.org_key,
                    created_by=user,
                )
                debt.save(using=using)
            movement = CreditMovement(
                credit_limit=locked,
                kind=kind,
                amount=moved.amount,
                currency=moved.currency,
                reservation=reservation,
                obligation=debt,
                reference_type_id=reservation.reference_type_id,
                reference_id=reservation.reference_id,
                reason=why,
            )
            _save(movement, scope=scope, key=key, fingerprint=fingerprint, user=user, using=using)
            if user is not None or principal is not None:
                _decide(service, movement, locked, user, principal, in_use=None)
        return movement

    return common.run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload=payload,
        using=using,
        stored_as=CreditMovement,
        fingerprint=fingerprint,
    )


def _in_currency(value: Money, currency: str) -> Money:
    if value.currency != currency:
        raise CurrencyMismatchError(
            f"The amount is in {value.currency}, the credit limit in {currency}.", expected=currency, got=value.currency
        )
    return value


def _save(movement: CreditMovement, *, scope: str, key: str | None, fingerprint: str, user: Any, using: str) -> None:
    common.keyed(movement, scope=scope, key=key, fingerprint=fingerprint, user=user)
    movement.save(using=using)


def _decide(
    service: str, movement: CreditMovement, limit: CreditLimit, user: Any, principal: Any, *, in_use: Money | None
) -> None:
    evidence: dict[str, Any] = {
        "credit_limit": limit.pk,
        "kind": movement.kind,
        "amount": movement.amount,
        "currency": movement.currency,
        "limit": limit.limit_amount,
        "reservation": movement.reservation_id,
        "obligation": movement.obligation_id,
    }
    if in_use is not None:
        evidence["in_use_before"] = in_use.amount
    common.decide(
        service=service,
        by=user,
        on_behalf_of=principal,
        target=movement,
        outcome=movement.kind,
        evidence=evidence,
        effective_at=movement.effective_at,
    )
