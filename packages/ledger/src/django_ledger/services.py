"""Write paths of the ledger: open an account, post a transaction, reverse an entry or a transaction.

Every function takes keyword arguments, validates everything before its first write, writes in
one ``transaction.atomic()``, raises the typed errors of ``django_ledger.exceptions`` and returns
what it created. ``idempotency_key`` makes a call run once per key (``django_decisioning``): a
repeat with the same arguments returns the stored result, other arguments raise
``IdempotencyConflict``. A call that owns its transaction runs again when the database rolls it
back to break a deadlock (its whole effect is its writes); inside a caller's transaction the
error reaches the caller, whose transaction the deadlock rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, router, transaction
from django.utils import timezone

from django_basemodels.generic import generic_key_values
from django_basemodels.limits import json_within_limit, text_within_limit
from django_basemodels.transactions import retry_on_deadlock
from django_decisioning import UnsupportedValue, request_fingerprint, to_json_value
from django_decisioning.services import record_decision, run_idempotent
from django_ledger import conf
from django_ledger.choices import AccountType, EntryType
from django_ledger.exceptions import (
    AlreadyReversed,
    AmbiguousReversal,
    CurrencyMismatch,
    InvalidAccount,
    InvalidMetadata,
    InvalidReversal,
    InvalidTransaction,
    NotPosted,
    ReversalNotAuthorized,
    TooFewEntries,
    UnbalancedTransaction,
)
from django_ledger.models import Account, Entry, Transaction
from django_ledger.querysets import locked_for_writing
from django_ledger.selectors import balances, get_balance, trial_balance
from django_ledger.specs import EntrySpec, parse_amount, parse_entry_type
from django_money import Money

POST_SCOPE = "django_ledger.post_transaction"
REVERSE_TRANSACTION_SCOPE = "django_ledger.reverse_transaction"
REVERSE_ENTRY_SCOPE = "django_ledger.reverse_entry"
_SPEC_KEYS = frozenset({"account", "amount", "entry_type", "source"})


@dataclass(frozen=True)
class _Leg:
    account: Account
    entry_type: EntryType
    amount: Decimal
    source: dict[str, Any] = field(default_factory=lambda: generic_key_values("source", None))
    reverses: Entry | None = None
    source_object: models.Model | None = None

    def snapshot(self) -> dict[str, Any]:
        return {
            "account": self.account.code,
            "entry_type": self.entry_type.value,
            "amount": self.amount,
            "currency": self.account.currency,
        }


def _is_saved(obj: Any) -> bool:
    return isinstance(obj, models.Model) and obj.pk is not None and not obj._state.adding


def _aware(value: Any, name: str, error: type[Exception] = InvalidTransaction) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise error(f"{name} must be a timezone-aware datetime, not {value!r}.")
    return value


def _validate_people(by: Any, on_behalf_of: Any, error: type[Exception]) -> None:
    user_model = get_user_model()
    if by is not None and (not isinstance(by, user_model) or not _is_saved(by)):
        raise error(f"by must be a saved {user_model.__name__} or None, not {by!r}.")
    if on_behalf_of is not None and not _is_saved(on_behalf_of):
        raise error(f"on_behalf_of must be a saved model instance or None, not {on_behalf_of!r}.")


def _validate_key(key: Any, error: type[Exception]) -> None:
    if key is not None and (not isinstance(key, str) or not key or len(key) > 255):
        raise error(f"idempotency_key must be a string of 1 to 255 characters or None, not {key!r}.")


def _idempotent(scope: str, key: str | None, func: Callable[[], Any], payload: Mapping[str, Any], *, using: str) -> Any:
    """Run ``func`` (once per ``key`` when there is one), and again when the database breaks a deadlock
    by rolling it back and this call owns the transaction: ``func``'s whole effect is its writes, all
    in one ``transaction.atomic()`` of its own.

    With a key, ``run_idempotent`` owns the transaction (it records a failed call in one of its own),
    so the retry opens none of its own: the next attempt takes the key the deadlock left failed.
    """

    def call() -> Any:
        if key is None:
            return func()
        return run_idempotent(scope=scope, key=key, func=func, fingerprint=request_fingerprint(payload))

    return retry_on_deadlock(call, using=using, atomic=False)()


def _leg(item: Any, index: int) -> _Leg:
    if isinstance(item, EntrySpec):
        values = {"account": item.account, "amount": item.amount, "entry_type": item.entry_type, "source": item.source}
    elif isinstance(item, Mapping):
        unknown = set(item) - _SPEC_KEYS
        missing = {"account", "amount", "entry_type"} - set(item)
        if unknown or missing:
            raise InvalidTransaction(
                f"entries[{index}] must have account, amount and entry_type (and optionally source); "
                f"unknown: {sorted(map(str, unknown))}, missing: {sorted(missing)}."
            )
        values = {"source": None, **item}
    else:
        raise InvalidTransaction(f"entries[{index}] must be an EntrySpec or a mapping, not {type(item).__name__}.")
    account = values["account"]
    if not isinstance(account, Account) or not _is_saved(account):
        raise InvalidTransaction(f"entries[{index}] needs a saved Account, not {account!r}.")
    source = values["source"]
    if source is not None and not _is_saved(source):
        raise InvalidTransaction(f"entries[{index}] source must be a saved model instance or None, not {source!r}.")
    return _Leg(
        account=account,
        entry_type=parse_entry_type(values["entry_type"]),
        amount=parse_amount(values["amount"], currency=account.currency),
        source=generic_key_values("source", source),
        source_object=source,
    )


def _validate_legs(entries: Any) -> list[_Leg]:
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, Iterable):
        raise InvalidTransaction(f"entries must be a list of EntrySpec or mappings, not {type(entries).__name__}.")
    items = list(entries)
    if len(items) < 2:
        raise TooFewEntries(f"A transaction needs at least two entries, got {len(items)}.")
    legs = [_leg(item, index) for index, item in enumerate(items)]
    nets: dict[str, Decimal] = defaultdict(Decimal)
    for leg in legs:
        nets[leg.account.currency] += leg.amount if leg.entry_type == EntryType.DEBIT else -leg.amount
    unbalanced = {currency: net for currency, net in sorted(nets.items()) if net != 0}
    if unbalanced:
        detail = ", ".join(f"{currency}: debits exceed credits by {net}" for currency, net in unbalanced.items())
        raise UnbalancedTransaction(f"The entries do not balance ({detail}).")
    return legs


def _validate_metadata(metadata: Any) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidMetadata(f"metadata must be a mapping, not {type(metadata).__name__}.")
    try:
        clean = to_json_value(dict(metadata), path="metadata")
    except UnsupportedValue as exc:
        raise InvalidMetadata(str(exc)) from exc
    return json_within_limit(clean, name="metadata", limit=conf.max_json_bytes(), error=InvalidMetadata)


def _within_column(model: type[models.Model], field_name: str, value: Any, error: type[Exception]) -> None:
    """Refuse a string longer than its column holds: PostgreSQL would fail the insert, SQLite would store it."""
    text_within_limit(value, name=field_name, limit=model._meta.get_field(field_name).max_length, error=error)


def _write_transaction(
    *,
    legs: list[_Leg],
    description: str,
    effective_at: dt.datetime | None,
    using: str,
    metadata: dict[str, Any] | None = None,
    reverses: Transaction | None = None,
    reason: str = "",
) -> tuple[Transaction, list[Entry]]:
    """Insert the draft and its entries, then post it: the database checks the balance again (``Meta.guarantees``)."""
    now = timezone.now()
    txn = Transaction(
        description=description,
        metadata=metadata or {},
        effective_at=effective_at or now,
        reverses=reverses,
        reason=reason,
    )
    txn.save(using=using)
    entries = [
        Entry(
            transaction=txn,
            account=leg.account,
            entry_type=leg.entry_type.value,
            amount=leg.amount,
            currency=leg.account.currency,
            effective_at=txn.effective_at,
            reverses=leg.reverses,
            **leg.source,
        )
        for leg in legs
    ]
    # The base manager's bulk_create: the legs are validated already, and the database checks each row.
    Entry._base_manager.using(using).bulk_create(entries)
    Transaction._base_manager.using(using).filter(pk=txn.pk).update(posted_at=now)
    txn.posted_at = now
    for entry in entries:
        entry.recorded_at = now  # what the posting wrote (Transaction guarantee posting_stamps_entries), not read back
    return txn, entries


def open_account(
    *,
    code: str,
    name: str,
    account_type: AccountType | str,
    currency: str,
    parent: Account | None = None,
    owner: models.Model | None = None,
) -> Account:
    """Open an account of the chart of accounts and return it.

    Raises ``InvalidAccount`` for an empty code or name, a code longer than 50 characters or a
    name longer than 200 (their columns), a code already in use, an unknown ``account_type`` or
    currency, an unsaved parent or owner, or a parent cycle.
    """
    _within_column(Account, "code", code, InvalidAccount)
    _within_column(Account, "name", name, InvalidAccount)
    if parent is not None and (not isinstance(parent, Account) or not _is_saved(parent)):
        raise InvalidAccount(f"parent must be a saved Account or None, not {parent!r}.")
    if owner is not None and not _is_saved(owner):
        raise InvalidAccount(f"owner must be a saved model instance or None, not {owner!r}.")
    account = Account(
        code=code,
        name=name,
        account_type=account_type,
        currency=currency,
        parent=parent,
        **generic_key_values("owner", owner),
    )
    using = router.db_for_write(Account)

    def open_it() -> Account:
        if Account.objects.using(using).filter(code=code).exists():
            raise InvalidAccount(f"An account with code {code!r} exists already.")
        account.save(using=using)
        return account

    try:
        # Again after a deadlock: InnoDB may deadlock concurrent inserts of one code (each holding a shared
        # lock on the key and wanting it exclusive); the check then sees the account that won.
        return retry_on_deadlock(open_it, using=using)()
    except IntegrityError as exc:  # a concurrent open_account took the code between the check and the insert
        raise InvalidAccount(f"An account with code {code!r} exists already.") from exc


def post_transaction(
    *,
    entries: Iterable[EntrySpec | Mapping[str, Any]],
    description: str,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
) -> Transaction:
    """Post a balanced transaction and return it, posted.

    ``entries`` are ``EntrySpec``s or mappings with ``account``, ``amount``, ``entry_type``
    (``"debit"``/``"credit"``) and optionally ``source``. Guarantees: the transaction and all its
    entries are written and posted atomically, or nothing is; ``effective_at`` (aware, default:
    the posting instant) may be in the past or the future; ``posted_at`` and the entries'
    ``recorded_at`` are the server's time. With ``by`` (a user) or ``on_behalf_of`` (any saved
    model), a ``Decision`` ``ledger.post`` records who posted it and the entries posted.

    Raises, before writing anything: ``TooFewEntries`` (fewer than two), ``InvalidAmount`` (a
    float, zero, a negative amount, more than 4 decimal places), ``CurrencyMismatch`` (an amount
    in another currency than its account), ``InvalidEntryType``, ``UnbalancedTransaction``
    (debits differ from credits in a currency), ``InvalidMetadata`` (not a mapping, or a float
    in it, or more than ``LEDGER_MAX_JSON_BYTES`` of JSON), ``InvalidTransaction`` (a description
    longer than ``LEDGER_MAX_TEXT_LENGTH``, anything else malformed). With ``idempotency_key``: a
    repeat returns the first transaction; other arguments raise ``IdempotencyConflict``.
    """
    legs = _validate_legs(entries)
    if not isinstance(description, str) or not description.strip():
        raise InvalidTransaction(f"A transaction needs a non-empty description, not {description!r}.")
    text_within_limit(description, name="description", limit=conf.max_text_length(), error=InvalidTransaction)
    _aware(effective_at, "effective_at")
    clean_metadata = _validate_metadata(metadata)
    _validate_people(by, on_behalf_of, InvalidTransaction)
    _validate_key(idempotency_key, InvalidTransaction)
    using = router.db_for_write(Transaction)

    def post() -> Transaction:
        with transaction.atomic(using=using):
            txn, _ = _write_transaction(
                legs=legs, description=description, effective_at=effective_at, metadata=clean_metadata, using=using
            )
            if by is not None or on_behalf_of is not None:
                record_decision(
                    action="ledger.post",
                    actor=by,
                    on_behalf_of=on_behalf_of,
                    target=txn,
                    outcome="posted",
                    evidence={"description": description, "entries": [leg.snapshot() for leg in legs]},
                    effective_at=txn.effective_at,
                )
            return txn

    payload = {
        "entries": [{**leg.snapshot(), "account": leg.account, "source": leg.source_object} for leg in legs],
        "description": description,
        "effective_at": effective_at,
        "metadata": clean_metadata,
        "by": by,
        "on_behalf_of": on_behalf_of,
    }
    return _idempotent(POST_SCOPE, idempotency_key, post, payload, using=using)


def post_entry(
    *,
    debit: Account,
    credit: Account,
    amount: Decimal | int | str | Money,
    description: str,
    effective_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    source: models.Model | None = None,
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
) -> Transaction:
    """Post the common two-entry transaction: ``amount`` debited to ``debit`` and credited to ``credit``.

    Both entries get ``source``. Same guarantees and errors as ``post_transaction`` (the two
    accounts must share a currency, or it raises ``UnbalancedTransaction``).
    """
    return post_transaction(
        entries=[EntrySpec.debit(debit, amount, source=source), EntrySpec.credit(credit, amount, source=source)],
        description=description,
        effective_at=effective_at,
        idempotency_key=idempotency_key,
        metadata=metadata,
        by=by,
        on_behalf_of=on_behalf_of,
    )


def _validate_reversal_request(reason: Any, by: Any, on_behalf_of: Any, effective_at: Any, key: Any) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidReversal(f"A reversal needs a non-empty reason, not {reason!r}.")
    text_within_limit(reason, name="reason", limit=conf.max_text_length(), error=InvalidReversal)
    _validate_people(by, on_behalf_of, InvalidReversal)
    _aware(effective_at, "effective_at", InvalidReversal)
    _validate_key(key, InvalidReversal)
    permission = conf.reversal_permission()
    if by is not None and permission is not None and not by.has_perm(permission):
        raise ReversalNotAuthorized(f"{by} may not reverse ledger facts: the permission {permission} is required.")
    return reason


def _mirror(entry: Entry) -> _Leg:
    return _Leg(
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
        raise NotPosted(f"Transaction {original.pk} is a draft: edit or delete it instead of reversing it.")
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
    The original is untouched. A ``Decision`` ``ledger.reverse`` records the actor (``by``, a user,
    or ``None`` for the system), ``on_behalf_of``, the reason and a snapshot of the original
    amounts. ``effective_at`` defaults to the posting instant.

    Raises ``InvalidReversal`` for an empty reason, one longer than ``LEDGER_MAX_TEXT_LENGTH``, or
    malformed arguments, ``ReversalNotAuthorized`` when ``by`` lacks ``LEDGER_REVERSAL_PERMISSION``,
    ``NotPosted`` for a draft and ``AlreadyReversed`` when the transaction or any of its entries
    was reversed before; nothing is written then.
    """
    if not isinstance(transaction_to_reverse, Transaction) or not _is_saved(transaction_to_reverse):
        raise InvalidReversal(f"Expected a saved Transaction, not {transaction_to_reverse!r}.")
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
                raise AlreadyReversed(f"Transaction {pk} (or one of its entries) is already reversed.")
            reversal, _ = _write_transaction(
                legs=[_mirror(entry) for entry in entries],
                description=f"Reversal of: {original.description}",
                effective_at=effective_at,
                reverses=original,
                reason=reason,
                using=using,
            )
            record_decision(
                action="ledger.reverse",
                actor=by,
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

    payload = {"transaction": transaction_to_reverse, "reason": reason, "effective_at": effective_at}
    return _idempotent(
        REVERSE_TRANSACTION_SCOPE, idempotency_key, reverse, {**payload, "by": by, "for": on_behalf_of}, using=using
    )


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

    A ``Decision`` ``ledger.reverse`` records actor, principal, reason and the original amounts.
    Raises ``InvalidReversal`` (empty reason, one longer than ``LEDGER_MAX_TEXT_LENGTH``, bad
    arguments, an offset account that is ``entry``'s own), ``CurrencyMismatch`` (offset account in
    another currency), ``ReversalNotAuthorized``, ``NotPosted``, ``AmbiguousReversal`` (more than
    two entries and no ``offset_account``) and ``AlreadyReversed`` (``entry``, or the other entry
    it would mirror, was reversed before).
    """
    if not isinstance(entry, Entry) or not _is_saved(entry):
        raise InvalidReversal(f"Expected a saved Entry, not {entry!r}.")
    reason = _validate_reversal_request(reason, by, on_behalf_of, effective_at, idempotency_key)
    if offset_account is not None:
        if not isinstance(offset_account, Account) or not _is_saved(offset_account):
            raise InvalidReversal(f"offset_account must be a saved Account or None, not {offset_account!r}.")
        if offset_account.pk == entry.account_id:
            raise InvalidReversal("offset_account must differ from the account of the entry it balances.")
        if offset_account.currency != entry.currency:
            raise CurrencyMismatch(
                f"offset_account {offset_account.code} is kept in {offset_account.currency}, "
                f"the entry in {entry.currency}."
            )
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
                raise AlreadyReversed(f"Entry {entry_pk} is already reversed.")
            legs = [_mirror(target)]
            reverses = None
            if offset_account is None:
                others = [item for pk, item in entries.items() if pk != entry_pk]
                if len(others) != 1:
                    raise AmbiguousReversal(
                        f"Transaction {transaction_pk} has {len(entries)} entries: pass offset_account= to say where "
                        "the balancing leg goes, or reverse the whole transaction."
                    )
                if others[0].pk in reversed_ids:
                    raise AlreadyReversed(
                        f"The other entry of transaction {transaction_pk} is already reversed: pass offset_account=."
                    )
                legs.append(_mirror(others[0]))
                reverses = original
            else:
                legs.append(
                    _Leg(
                        account=offset_account,
                        entry_type=EntryType(target.entry_type),
                        amount=target.amount,
                        source={"source_type_id": target.source_type_id, "source_id": target.source_id},
                    )
                )
            reversal, created = _write_transaction(
                legs=legs,
                description=f"Reversal of an entry of: {original.description}",
                effective_at=effective_at,
                reverses=reverses,
                reason=reason,
                using=using,
            )
            record_decision(
                action="ledger.reverse",
                actor=by,
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

    payload = {"entry": entry, "reason": reason, "effective_at": effective_at, "offset_account": offset_account}
    return _idempotent(
        REVERSE_ENTRY_SCOPE, idempotency_key, reverse, {**payload, "by": by, "for": on_behalf_of}, using=using
    )


# The seed's import path: ``from django_ledger.services import post_entry, reverse_entry, get_balance``.
__all__ = [
    "balances",
    "get_balance",
    "open_account",
    "post_entry",
    "post_transaction",
    "reverse_entry",
    "reverse_transaction",
    "trial_balance",
]
