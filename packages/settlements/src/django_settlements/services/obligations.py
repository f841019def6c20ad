"""Obligations: recording a debt, and cancelling one (its reversal)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from django_basemodels.arguments import require_saved
from django_basemodels.tenancy import OrgLike
from django_money import Money
from django_settlements.exceptions import (
    AlreadyReversedError,
    InvalidSettlementError,
    NotReversibleError,
    PartyMismatchError,
)
from django_settlements.models import Obligation
from django_settlements.services import _common as common

RECORD_OBLIGATION = "record_obligation"
CANCEL_OBLIGATION = "cancel_obligation"


def record_obligation(
    *,
    debtor: models.Model,
    creditor: models.Model,
    amount: Money,
    due_on: dt.date | None = None,
    reference: models.Model | None = None,
    description: str = "",
    effective_at: dt.datetime | None = None,
    org: OrgLike = None,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> Obligation:
    """Record that ``debtor`` owes ``creditor`` ``amount``, due on ``due_on``, for ``reference``; return the obligation.

    ``debtor``, ``creditor`` and ``reference`` are saved instances of any model. ``amount`` is a positive
    ``Money`` in whole minor units. ``effective_at`` (aware, default now) is when the debt arose and may be in the
    past; ``due_on`` defaults to its day in the current time zone. ``org`` is the organization the obligation
    belongs to (a saved instance, a string key, or ``None``). With ``by`` or ``on_behalf_of``, a ``Decision``
    ``django_settlements.record_obligation`` records who recorded it and what (a snapshot of the parties and
    the amount).

    With ``idempotency_key``, a repeat of the same request returns the obligation recorded first and writes
    nothing, also after django-decisioning's key row was purged (the key is stored on the obligation).

    Raises, before writing anything: ``InvalidAmountError``, ``PartyMismatchError`` (a party owing itself),
    ``InvalidSettlementError`` (an unsaved party or reference, a naive ``effective_at``, a description over 255
    characters, a bad key, user or organization) and ``IdempotencyKeyReusedError``.
    """
    debtor = common.party(debtor, name="debtor")
    creditor = common.party(creditor, name="creditor")
    if common.same_party(debtor, creditor):
        raise PartyMismatchError(f"{debtor} cannot owe itself.")
    value = common.money(amount, what="amount")
    require_saved(reference, name="reference", error=InvalidSettlementError, allow_none=True)
    text = common.description(description)
    moment = common.when(effective_at)
    due = common.day(due_on, name="due_on") if due_on is not None else None
    key_of_org = common.organization(org)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    scope = common.scope_of(RECORD_OBLIGATION)
    payload = {
        "debtor": debtor,
        "creditor": creditor,
        "amount": value,
        "due_on": due,
        "reference": reference,
        "description": text,
        "effective_at": moment,
        "org": key_of_org,
        "by": user,
        "on_behalf_of": principal,
    }
    fingerprint = common.fingerprint(payload)
    using = common.database()

    def write() -> Obligation:
        obligation = Obligation(
            **common.generic("debtor", debtor),
            **common.generic("creditor", creditor),
            **common.generic("reference", reference),
            amount=value.amount,
            currency=value.currency,
            description=text,
            effective_at=moment,  # type: ignore[misc]  # None: the record time, filled on insert
            org_key=key_of_org,
        )
        obligation.due_on = due or timezone.localdate(common.stamp(obligation))
        common.keyed(obligation, scope=scope, key=key, fingerprint=fingerprint, user=user)
        with transaction.atomic(using=using):
            obligation.save(using=using)
            if user is not None or principal is not None:
                common.decide(
                    service=RECORD_OBLIGATION,
                    by=user,
                    on_behalf_of=principal,
                    target=obligation,
                    outcome="recorded",
                    evidence=_evidence(obligation, debtor, creditor),
                    effective_at=obligation.effective_at,
                )
        return obligation

    return common.run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload=payload,
        using=using,
        stored_as=Obligation,
        fingerprint=fingerprint,
    )


def cancel_obligation(
    obligation: Obligation,
    *,
    reason: str,
    by: models.Model | None,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Obligation:
    """Cancel an obligation by recording its cancellation (a copy of it with ``reverses`` and ``reason``); the
    obligation itself is never edited. Return the cancellation.

    From the cancellation's ``effective_at`` (aware, default now, not before the obligation's) nothing is open on
    the obligation and it no longer counts in balances; what was paid on it stays paid (the payer is owed it
    back, as a balance shows: refund it with ``record_refund``). Records a ``Decision``
    ``django_settlements.cancel_obligation`` (by ``by``, ``None`` for the system, for ``on_behalf_of``; evidence a
    snapshot of the obligation and the reason). At most one cancellation per obligation, also under concurrency
    (a row lock, and a unique column behind it).

    Raises ``ReversalNotPermittedError`` when ``by`` lacks ``SETTLEMENTS_REVERSE_PERMISSION``,
    ``AlreadyReversedError`` (carrying the ``reversal``) when it was cancelled already, ``NotReversibleError``
    for a cancellation, ``InvalidSettlementError`` (no reason, an effective time before the obligation's...) and
    ``IdempotencyKeyReusedError``.
    """
    require_saved(obligation, name="obligation", error=InvalidSettlementError, model=Obligation)
    if obligation.reverses_id is not None:
        raise NotReversibleError("This is a cancellation: it cannot be cancelled; record the obligation again.")
    why = common.reason(reason, required=True)
    moment = common.when(effective_at)
    user, principal, key = common.actors(by, on_behalf_of, idempotency_key)
    common.require_reverse_permission(user, "cancel obligations")
    scope = common.scope_of(CANCEL_OBLIGATION)
    payload = {
        "obligation": obligation,
        "reason": why,
        "effective_at": moment,
        "by": user,
        "on_behalf_of": principal,
    }
    fingerprint = common.fingerprint(payload)
    using = common.database()

    def write() -> Obligation:
        with transaction.atomic(using=using):
            original = Obligation.objects.using(using).select_for_update().get(pk=obligation.pk)
            _refuse_cancelled(original, using)
            cancellation = Obligation(
                debtor_type_id=original.debtor_type_id,
                debtor_id=original.debtor_id,
                creditor_type_id=original.creditor_type_id,
                creditor_id=original.creditor_id,
                reference_type_id=original.reference_type_id,
                reference_id=original.reference_id,
                amount=original.amount,
                currency=original.currency,
                due_on=original.due_on,
                description=original.description,
                org_key=original.org_key,
                reverses=original,
                reason=why,
                effective_at=common.not_before(moment, original.effective_at, what="obligation"),  # type: ignore[misc]  # None: the record time
            )
            common.keyed(cancellation, scope=scope, key=key, fingerprint=fingerprint, user=user)
            try:
                with transaction.atomic(using=using):
                    cancellation.save(using=using)
            except IntegrityError:
                _refuse_cancelled(original, using)  # a cancellation that got past the lock: the unique column
                raise
            common.decide(
                service=CANCEL_OBLIGATION,
                by=user,
                on_behalf_of=principal,
                target=original,
                outcome="cancelled",
                evidence={**_evidence(original, original.debtor, original.creditor), "reason": why},
                effective_at=cancellation.effective_at,
            )
        return cancellation

    return common.run_once_per_key(
        scope=scope,
        key=key,
        func=write,
        payload=payload,
        using=using,
        stored_as=Obligation,
        fingerprint=fingerprint,
    )


def _refuse_cancelled(obligation: Obligation, using: str) -> None:
    existing = Obligation.objects.using(using).filter(reverses=obligation).first()
    if existing is not None:
        raise AlreadyReversedError(f"{obligation} was already cancelled.", original=obligation, reversal=existing)


def _evidence(obligation: Obligation, debtor: Any, creditor: Any) -> dict[str, Any]:
    return {
        "obligation": obligation.pk,
        "debtor": common.party_label(debtor),
        "creditor": common.party_label(creditor),
        "amount": obligation.amount,
        "currency": obligation.currency,
        "due_on": obligation.due_on,
        "description": obligation.description,
        "org_key": obligation.org_key,
    }
