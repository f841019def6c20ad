"""Reversing posted facts: a whole transaction, or one entry, with a new posted transaction that mirrors it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models, router, transaction

from django_basemodels.arguments import require_aware, require_idempotency_key, require_saved, require_user
from django_basemodels.limits import text_within_limit
from django_decisioning import IdempotencyConflictError
from django_decisioning.services import record_decision, run_once
from django_ledger import conf
from django_ledger.choices import EntryType
from django_ledger.exceptions import (
    AlreadyReversedError,
    AmbiguousReversalError,
    CurrencyMismatchError,
    InvalidReversalError,
    NotPostedError,
    ReversalNotAuthorizedError,
)
from django_ledger.models import Account, Entry, Transaction
from django_ledger.querysets import locked_for_writing
from django_ledger.services.posting import Leg, require_one_org, stored_transaction, write_transaction

# Decision actions and idempotency scopes: one per service.
REVERSE_TRANSACTION_ACTION = REVERSE_TRANSACTION_SCOPE = "django_ledger.reverse_transaction"
REVERSE_ENTRY_ACTION = REVERSE_ENTRY_SCOPE = "django_ledger.reverse_entry"


def _validate_reversal_request(reason: Any, by: Any, on_behalf_of: Any, effective_at: Any, key: Any) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidReversalError(f"A reversal needs a non-empty reason, not {reason!r}.")
    text_within_limit(reason, name="reason", limit=conf.max_text_length(), error=InvalidReversalError)
    require_user(by, error=InvalidReversalError)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidReversalError, allow_none=True)
    require_aware(effective_at, name="effective_at", error=InvalidReversalError)
    require_idempotency_key(key, error=InvalidReversalError)
    permission = conf.reversal_permission()
    if by is not None and permission is not None and not by.has_perm(permission):
        raise ReversalNotAuthorizedError(f"{by} may not reverse ledger facts: the permission {permission} is required.")
    return reason


def _mirror(entry: Entry) -> Leg:
    return Leg(
        account=entry.account,
        entry_type=EntryType(entry.entry_type).opposite,
        amount=entry.amount,
        source={"source_type_id": entry.source_type_id, "source_id": entry.source_id},
        reverses=entry,
    )


def _entry_snapshot(entry: Entry) -> dict[str, Any]:
    return {
        "entry": str(entry.pk),
        "account": entry.account.code,
        "entry_type": entry.entry_type,
        "amount": entry.amount,
        "currency": entry.currency,
    }


def _lock_posted(transaction_id: Any, using: str) -> Transaction:
    original = locked_for_writing(Transaction._base_manager.using(using)).get(pk=transaction_id)
    if original.posted_at is None:
        raise NotPostedError(f"Transaction {original.pk} is a draft: edit or delete it instead of reversing it.")
    return original


def reverse_transaction(
    transaction_to_reverse: Transaction,
    *,
    reason: str,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Transaction:
    """Reverse a posted transaction with a new posted one and return the new one.

    The new transaction has ``reverses`` set to the original and ``reason`` stored; each of its
    entries mirrors one original entry (same account, amount, currency and source, the other side)
    with ``reverses`` set, so every account's balance returns to what it was without the original.
    The original is untouched. A ``Decision`` ``django_ledger.reverse_transaction`` (target: the
    original) records the actor (``by``, a user, or ``None`` for the system), ``on_behalf_of``, the
    reason and a snapshot of the original amounts. ``effective_at`` defaults to the posting instant.
    With ``idempotency_key``, the new transaction stores the key: a repeat returns it, even after
    the key's django-decisioning row was purged.

    Raises ``InvalidReversalError`` for an empty reason, one longer than ``LEDGER_MAX_TEXT_LENGTH``,
    or malformed arguments, ``ReversalNotAuthorizedError`` when ``by`` lacks
    ``LEDGER_REVERSAL_PERMISSION``, ``NotPostedError`` for a draft and ``AlreadyReversedError`` when
    the transaction or any of its entries was reversed before; nothing is written then.
    """
    require_saved(transaction_to_reverse, name="transaction_to_reverse", error=InvalidReversalError, model=Transaction)
    reason = _validate_reversal_request(reason, by, on_behalf_of, effective_at, idempotency_key)
    using = router.db_for_write(Transaction)
    pk = transaction_to_reverse.pk

    def reverse() -> Transaction:
        with transaction.atomic(using=using):
            original = _lock_posted(pk, using)
            entries = list(
                Entry._base_manager.using(using)
                .filter(transaction_id=pk)
                .select_related("account")
                .order_by("-entry_type", "id")
            )
            if Entry._base_manager.using(using).filter(reverses__transaction_id=pk).exists():
                raise AlreadyReversedError(f"Transaction {pk} (or one of its entries) is already reversed.")
            reversal, _ = write_transaction(
                legs=[_mirror(entry) for entry in entries],
                description=f"Reversal of: {original.description}",
                effective_at=effective_at,
                reverses=original,
                reason=reason,
                using=using,
                idempotency_scope=REVERSE_TRANSACTION_SCOPE,
                idempotency_key=idempotency_key,
            )
            record_decision(
                action=REVERSE_TRANSACTION_ACTION,
                by=by,
                on_behalf_of=on_behalf_of,
                target=original,
                outcome="reversed",
                evidence={
                    "reason": reason,
                    "transaction": str(original.pk),
                    "reversal": str(reversal.pk),
                    "description": original.description,
                    "entries": [_entry_snapshot(entry) for entry in entries],
                },
                effective_at=reversal.effective_at,
            )
            return reversal

    payload = {
        "transaction": transaction_to_reverse,
        "reason": reason,
        "effective_at": effective_at,
        "by": by,
        "for": on_behalf_of,
    }
    return run_once(
        scope=REVERSE_TRANSACTION_SCOPE,
        idempotency_key=idempotency_key,
        func=reverse,
        payload=payload,
        replay=lambda: stored_transaction(REVERSE_TRANSACTION_SCOPE, idempotency_key, using),
        using=using,
    )


def _validate_offset_account(offset_account: Any, entry: Entry) -> None:
    if offset_account is None:
        return
    require_saved(offset_account, name="offset_account", error=InvalidReversalError, model=Account, allow_none=True)
    if offset_account.pk == entry.account_id:
        raise InvalidReversalError("offset_account must differ from the account of the entry it balances.")
    require_one_org([entry.account, offset_account])
    if offset_account.currency != entry.currency:
        raise CurrencyMismatchError(
            f"offset_account {offset_account.code} is kept in {offset_account.currency}, the entry in {entry.currency}."
        )


def _stored_reversing_entry(key: str | None, entry_pk: Any, using: str) -> Entry | None:
    """The entry that reversed ``entry_pk`` in the transaction an earlier call stored ``key`` on, or None."""
    reversal = stored_transaction(REVERSE_ENTRY_SCOPE, key, using)
    if reversal is None or key is None:
        return None
    found = Entry._base_manager.using(using).filter(transaction_id=reversal.pk, reverses_id=entry_pk).first()
    if found is None:
        raise IdempotencyConflictError(
            f"Idempotency key {key!r} reversed another entry than {entry_pk} (transaction {reversal.pk}).",
            scope=REVERSE_ENTRY_SCOPE,
            key=key,
        )
    return found


def reverse_entry(
    entry: Entry,
    *,
    reason: str,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    offset_account: Account | None = None,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Entry:
    """Reverse one posted entry with a new posted transaction, and return the reversing entry.

    The reversing entry mirrors ``entry`` (same account, amount, currency and source, the other
    side) with ``reverses=entry``. The new transaction must balance, so it needs a second leg:

    - with ``offset_account`` (same currency): ``entry``'s amount on ``entry``'s side of that
      account (e.g. a suspense or correction account); the rest of the original stays in force;
    - without: the original transaction must have exactly two entries, and the second leg
      mirrors the other one (``reverses`` set too), which reverses the whole original; the new
      transaction then has ``reverses`` set to the original.

    A ``Decision`` ``django_ledger.reverse_entry`` (target: ``entry``) records actor, principal,
    reason and the original amounts. With ``idempotency_key``, the new transaction stores the key:
    a repeat returns the same reversing entry, even after the key's django-decisioning row was
    purged (``IdempotencyConflictError`` if that key reversed another entry).

    Raises ``InvalidReversalError`` (empty reason, one longer than ``LEDGER_MAX_TEXT_LENGTH``, bad
    arguments, an offset account that is ``entry``'s own), ``CurrencyMismatchError`` (offset account
    in another currency), ``CrossOrgTransactionError`` (offset account of another organization than
    ``entry``'s account), ``ReversalNotAuthorizedError``, ``NotPostedError``,
    ``AmbiguousReversalError`` (more than two entries and no ``offset_account``) and
    ``AlreadyReversedError`` (``entry``, or the other entry it would mirror, was reversed before).
    """
    require_saved(entry, name="entry", error=InvalidReversalError, model=Entry)
    reason = _validate_reversal_request(reason, by, on_behalf_of, effective_at, idempotency_key)
    _validate_offset_account(offset_account, entry)
    using = router.db_for_write(Transaction)
    entry_pk, transaction_pk = entry.pk, entry.transaction_id

    def reverse() -> Entry:
        with transaction.atomic(using=using):
            original = _lock_posted(transaction_pk, using)
            entries = {
                item.pk: item
                for item in Entry._base_manager.using(using)
                .filter(transaction_id=transaction_pk)
                .select_related("account")
            }
            target = entries[entry_pk]
            reversed_ids = set(
                Entry._base_manager.using(using)
                .filter(reverses_id__in=list(entries))
                .values_list("reverses_id", flat=True)
            )
            if entry_pk in reversed_ids:
                raise AlreadyReversedError(f"Entry {entry_pk} is already reversed.")
            legs = [_mirror(target)]
            reverses = None
            if offset_account is None:
                others = [item for pk, item in entries.items() if pk != entry_pk]
                if len(others) != 1:
                    raise AmbiguousReversalError(
                        f"Transaction {transaction_pk} has {len(entries)} entries: pass offset_account= to say where "
                        "the balancing leg goes, or reverse the whole transaction."
                    )
                if others[0].pk in reversed_ids:
                    raise AlreadyReversedError(
                        f"The other entry of transaction {transaction_pk} is already reversed: pass offset_account=."
                    )
                legs.append(_mirror(others[0]))
                reverses = original
            else:
                legs.append(
                    Leg(
                        account=offset_account,
                        entry_type=EntryType(target.entry_type),
                        amount=target.amount,
                        source={"source_type_id": target.source_type_id, "source_id": target.source_id},
                    )
                )
            reversal, created = write_transaction(
                legs=legs,
                description=f"Reversal of an entry of: {original.description}",
                effective_at=effective_at,
                reverses=reverses,
                reason=reason,
                using=using,
                idempotency_scope=REVERSE_ENTRY_SCOPE,
                idempotency_key=idempotency_key,
            )
            record_decision(
                action=REVERSE_ENTRY_ACTION,
                by=by,
                on_behalf_of=on_behalf_of,
                target=target,
                outcome="reversed",
                evidence={
                    "reason": reason,
                    "transaction": str(original.pk),
                    "reversal": str(reversal.pk),
                    "entries": [_entry_snapshot(target)],
                    "offset_account": offset_account.code if offset_account is not None else None,
                },
                effective_at=reversal.effective_at,
            )
            return created[0]

    payload = {
        "entry": entry,
        "reason": reason,
        "effective_at": effective_at,
        "offset_account": offset_account,
        "by": by,
        "for": on_behalf_of,
    }
    return run_once(
        scope=REVERSE_ENTRY_SCOPE,
        idempotency_key=idempotency_key,
        func=reverse,
        payload=payload,
        replay=lambda: _stored_reversing_entry(idempotency_key, entry_pk, using),
        using=using,
    )
