"""Voiding a posted transaction: its reversal fact, with the ``Decision`` that records who voided it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, models
from django.db.transaction import atomic

from django_basemodels.arguments import require_idempotency_key, require_saved, require_user
from django_budget import conf
from django_budget.exceptions import AlreadyVoidedError, InvalidTransactionError, VoidNotPermittedError
from django_budget.models import BudgetTransaction
from django_budget.services import _validation as check
from django_budget.services._keys import key_reused, run_once_per_key
from django_decisioning.canonical import request_fingerprint
from django_decisioning.services import record_decision

# The decision action and the idempotency scope of void_transaction.
VOID_ACTION = VOID_SCOPE = "django_budget.void_transaction"


def void_transaction(
    transaction: BudgetTransaction,
    *,
    reason: str,
    by: models.Model | None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> BudgetTransaction:
    """Void a posted transaction by writing its reversal fact; the transaction itself is never edited.

    The reversal copies kind, amount, bucket, priority, ``date`` and ``effective_at`` of the
    original (it corrects the original's month) and records ``reason``, the user ``by`` (``None``
    for the system) and a ``Decision`` ``django_budget.void_transaction`` (by ``by``, principal
    ``on_behalf_of``, target the original, evidence a snapshot of it and the key). At most one
    reversal per transaction, also under concurrency (a row lock, and a unique column behind it).

    With an ``idempotency_key``, a repeat of the same request (same transaction, reason, ``by``
    and ``on_behalf_of``) returns the reversal the first call wrote and writes nothing, however
    often it is retried: the reversal stores the key (unique among voids) and the request's
    fingerprint, so a retry after django-decisioning's key row was purged finds it too.

    Raises ``VoidNotPermittedError`` when ``by`` lacks ``BUDGET_VOID_PERMISSION``, ``AlreadyVoidedError``
    (carrying the existing ``reversal``) when the transaction was voided by another request (no
    key, or another key), ``IdempotencyKeyReusedError`` when the key was used for a different
    request (another transaction, reason, user or principal), ``InvalidTransactionError`` (a void
    fact given, an empty reason or one longer than ``BUDGET_MAX_TEXT_LENGTH``, an unsaved
    transaction, user or principal, a malformed key).
    """
    require_saved(transaction, name="transaction", error=InvalidTransactionError, model=BudgetTransaction)
    if transaction.reverses_id is not None:
        raise InvalidTransactionError(
            "This is a void fact: a void cannot be voided; post the transaction again instead."
        )
    reason = check.text(reason, "reason", conf.max_text_length(), required=True)
    user: Any = require_user(by, error=InvalidTransactionError)  # AUTH_USER_MODEL, swappable
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidTransactionError, allow_none=True)
    key = require_idempotency_key(idempotency_key, error=InvalidTransactionError)
    request = {
        "operation": "void",
        "transaction": str(transaction.pk),
        "reason": reason,
        "by": None if user is None else str(user.pk),
        "on_behalf_of": on_behalf_of,
    }
    fingerprint = request_fingerprint(request) if key is not None else ""
    permission = conf.void_permission()
    if user is not None and permission is not None and not user.has_perm(permission):
        raise VoidNotPermittedError(f"{user} lacks the permission {permission} to void budget transactions.")

    def write() -> BudgetTransaction:
        with atomic():
            original = _locked_for_void(transaction)
            _refuse_voided(original)
            try:
                with atomic():
                    decision = record_decision(
                        action=VOID_ACTION,
                        by=user,
                        on_behalf_of=on_behalf_of,
                        target=original,
                        outcome="voided",
                        evidence={**_void_evidence(original, reason), "idempotency_key": key},
                    )
                    reversal = BudgetTransaction(
                        budget_id=original.budget_id,
                        kind=original.kind,
                        amount=original.amount,
                        currency=original.currency,
                        date=original.date,
                        effective_at=original.effective_at,
                        bucket_id=original.bucket_id,
                        priority=original.priority,
                        description=original.description,
                        split_group=original.split_group,
                        split_index=original.split_index,
                        reverses=original,
                        reference_type_id=original.reference_type_id,
                        reference_id=original.reference_id,
                        reason=reason,
                        idempotency_key=key,
                        request_fingerprint=fingerprint,
                        decision=decision,
                        created_by=user,
                    )
                    reversal.save()
            except IntegrityError:
                # The row lock (PostgreSQL, MariaDB) and the serialised writers (SQLite) make a second void
                # unlikely to get this far; should one, the unique reverses column refuses it here.
                replay = _stored_void(original, key, fingerprint) if key is not None else None
                if replay is not None:
                    return replay
                _refuse_voided(original)
                raise
        return reversal

    return run_once_per_key(
        scope=VOID_SCOPE,
        key=key,
        func=write,
        payload=request,
        replay=lambda: _stored_void(transaction, key, fingerprint) if key is not None else None,
    )


def _locked_for_void(transaction: BudgetTransaction) -> BudgetTransaction:
    """``transaction`` read again with its row locked until the end of the transaction: voids of it queue here."""
    if connection.features.has_select_for_update_of:
        # Its bucket is read in the same query, and only the transaction's row is locked.
        query = BudgetTransaction.objects.select_for_update(of=("self",)).select_related("bucket")
    else:
        # FOR UPDATE would lock the bucket of a join too (MariaDB/MySQL), and with it every expense
        # posted to that bucket meanwhile: the bucket is read afterwards, unlocked.
        query = BudgetTransaction.objects.select_for_update()
    return query.get(pk=transaction.pk)


def _refuse_voided(original: BudgetTransaction) -> None:
    existing = BudgetTransaction.objects.filter(reverses=original).first()
    if existing is not None:
        raise AlreadyVoidedError(f"{original} was already voided.", transaction=original, reversal=existing)


def _stored_void(original: BudgetTransaction, key: str, fingerprint: str) -> BudgetTransaction | None:
    """The void of ``original`` made with ``key`` when this request repeats it, else ``None``.

    Raises ``IdempotencyKeyReusedError`` when ``key`` voided ``original`` for a different request, or
    voided another transaction.
    """
    existing = BudgetTransaction.objects.filter(reverses=original).select_related("decision").first()
    # A void written before voids stored their key keeps it only in its decision's evidence.
    earlier_key = (
        existing.decision.evidence.get("idempotency_key")
        if existing is not None and existing.idempotency_key is None and existing.decision is not None
        else None
    )
    if existing is not None and key in (existing.idempotency_key, earlier_key):
        if existing.request_fingerprint != fingerprint:
            raise key_reused(VOID_SCOPE, key)
        return existing
    if BudgetTransaction.objects.filter(reverses__isnull=False, idempotency_key=key).exists():
        raise key_reused(VOID_SCOPE, key)
    return None


def _void_evidence(original: BudgetTransaction, reason: str) -> dict[str, Any]:
    return {
        "transaction": original.pk,
        "kind": original.kind,
        "amount": original.amount,
        "currency": original.currency,
        "date": original.date,
        "bucket": original.bucket_id,
        "bucket_name": original.bucket.name if original.bucket else None,
        "priority": original.priority,
        "description": original.description,
        "reason": reason,
    }
