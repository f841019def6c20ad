"""Posting balanced transactions: the legs a caller gives, checked, then written and posted in one go."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, router, transaction
from django.utils import timezone

from django_basemodels.arguments import require_aware, require_idempotency_key, require_saved, require_user
from django_basemodels.generic import generic_key_values
from django_basemodels.limits import json_within_limit, text_within_limit
from django_basemodels.uuids import new_uuid
from django_decisioning import UnsupportedValueError, to_json_value
from django_decisioning.services import record_decision, run_once
from django_ledger import conf
from django_ledger import guarantees as sql
from django_ledger.choices import EntryType
from django_ledger.exceptions import (
    CrossOrgTransactionError,
    InvalidMetadataError,
    InvalidTransactionError,
    PeriodClosedError,
    TooFewEntriesError,
    UnbalancedTransactionError,
)
from django_ledger.models import Account, Entry, Transaction
from django_ledger.services.writing import DraftRow, key_factory, write_posted
from django_ledger.specs import DECIMAL_PLACES, EntrySpec, parse_amount, parse_entry_type
from django_money import Money

# The decision action and the idempotency scope of post_transaction (and of post_entry, which is one).
POST_ACTION = POST_SCOPE = "django_ledger.post_transaction"
_SPEC_KEYS = frozenset({"account", "amount", "entry_type", "source"})


@dataclass(frozen=True)
class Leg:
    """One entry to write: validated, not yet saved."""

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


def _leg(item: Any, index: int) -> Leg:
    if isinstance(item, EntrySpec):
        values = {"account": item.account, "amount": item.amount, "entry_type": item.entry_type, "source": item.source}
    elif isinstance(item, Mapping):
        unknown = set(item) - _SPEC_KEYS
        missing = {"account", "amount", "entry_type"} - set(item)
        if unknown or missing:
            raise InvalidTransactionError(
                f"entries[{index}] must have account, amount and entry_type (and optionally source); "
                f"unknown: {sorted(map(str, unknown))}, missing: {sorted(missing)}."
            )
        values = {"source": None, **item}
    else:
        raise InvalidTransactionError(f"entries[{index}] must be an EntrySpec or a mapping, not {type(item).__name__}.")
    account = require_saved(
        values["account"], name=f"entries[{index}] account", error=InvalidTransactionError, model=Account
    )
    source = require_saved(
        values["source"], name=f"entries[{index}] source", error=InvalidTransactionError, allow_none=True
    )
    return Leg(
        account=account,
        entry_type=parse_entry_type(values["entry_type"]),
        amount=parse_amount(values["amount"], currency=account.currency),
        source=generic_key_values("source", source),
        source_object=source,
    )


def _validate_legs(entries: Any) -> list[Leg]:
    if isinstance(entries, (str, bytes, Mapping)) or not isinstance(entries, Iterable):
        raise InvalidTransactionError(f"entries must be a list of EntrySpec or mappings, not {type(entries).__name__}.")
    items = list(entries)
    if len(items) < 2:
        raise TooFewEntriesError(f"A transaction needs at least two entries, got {len(items)}.")
    legs = [_leg(item, index) for index, item in enumerate(items)]
    require_one_org(leg.account for leg in legs)
    nets: dict[str, Decimal] = defaultdict(Decimal)
    for leg in legs:
        nets[leg.account.currency] += leg.amount if leg.entry_type == EntryType.DEBIT else -leg.amount
    unbalanced = {currency: net for currency, net in sorted(nets.items()) if net != 0}
    if unbalanced:
        detail = ", ".join(f"{currency}: debits exceed credits by {net}" for currency, net in unbalanced.items())
        raise UnbalancedTransactionError(f"The entries do not balance ({detail}).")
    return legs


def require_one_org(accounts: Iterable[Account]) -> None:
    """Refuse accounts of different organizations in one transaction (``CrossOrgTransactionError``).

    Reads the ``org_key`` of the given instances, no query (an account's organization is fixed once it
    has entries); the ORM path's posting (``Transaction.save``) checks the stored accounts instead.
    """
    accounts = list(accounts)
    keys = sorted({account.org_key for account in accounts})
    if len(keys) > 1:
        codes = ", ".join(f"{account.code} ({account.org_key!r})" for account in accounts)
        raise CrossOrgTransactionError(
            f"The entries are on accounts of {len(keys)} organizations ({codes}): a transaction stays within "
            "one organization.",
            org_keys=keys,
        )


def require_open_period(accounts: Iterable[Account], effective_at: dt.datetime | None) -> None:
    """Refuse a posting effective at or before an account's ``closed_through`` (``PeriodClosedError``).

    Reads the ``closed_through`` of the given instances, no query; an instance loaded before a
    ``close_books`` may be stale, and then the database refuses the posting (an ``IntegrityError``).
    ``effective_at`` ``None`` is the posting instant, after every close.
    """
    if effective_at is None:
        return
    closed = sorted(
        {
            (account.closed_through, account.code)
            for account in accounts
            if account.closed_through is not None and effective_at <= account.closed_through
        }
    )
    if closed:
        codes = [code for _, code in closed]
        latest = closed[-1][0]
        raise PeriodClosedError(
            f"effective_at {effective_at.isoformat()} is in the closed books of {', '.join(codes)} (closed through "
            f"{latest.isoformat()}): pass an effective_at after {latest.isoformat()}.",
            accounts=codes,
            closed_through=latest,
            effective_at=effective_at,
        )


@contextmanager
def refused_closed_period(accounts: Iterable[Account], effective_at: dt.datetime | None) -> Iterator[None]:
    """Raise ``PeriodClosedError`` for the database's refusal of a posting into a closed period.

    The services check ``closed_through`` on the instances they are given; one loaded before a close is
    stale, and the posting guarantee refuses what it let through: the caller's ``transaction.atomic()``
    rolls the rows back. ``closed_through`` of the error is ``None`` then (the database named no
    account), ``accounts`` every account of the posting.
    """
    try:
        yield
    except IntegrityError as exc:
        if sql.IN_A_CLOSED_PERIOD not in str(exc):
            raise
        codes = sorted({account.code for account in accounts})
        raise PeriodClosedError(
            f"The database refused the posting: it is effective at or before the closed_through of one of "
            f"{', '.join(codes)} (closed after these instances were loaded): pass a later effective_at.",
            accounts=codes,
            closed_through=None,
            effective_at=effective_at,
        ) from exc


def _validate_metadata(metadata: Any) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidMetadataError(f"metadata must be a mapping, not {type(metadata).__name__}.")
    try:
        clean = to_json_value(dict(metadata), path="metadata")
    except UnsupportedValueError as exc:
        raise InvalidMetadataError(str(exc)) from exc
    return json_within_limit(clean, name="metadata", limit=conf.max_json_bytes(), error=InvalidMetadataError)


def validate_posting(
    *, entries: Any, description: Any, effective_at: Any, metadata: Any, text_limit: int | None = None
) -> tuple[list[Leg], dict[str, Any]]:
    """The legs and the clean metadata of a transaction to post; raises what ``post_transaction`` documents.

    ``text_limit``: ``LEDGER_MAX_TEXT_LENGTH`` when the caller read it already (once for many transactions).
    """
    legs = _validate_legs(entries)
    if not isinstance(description, str) or not description.strip():
        raise InvalidTransactionError(f"A transaction needs a non-empty description, not {description!r}.")
    limit = conf.max_text_length() if text_limit is None else text_limit
    text_within_limit(description, name="description", limit=limit, error=InvalidTransactionError)
    require_aware(effective_at, name="effective_at", error=InvalidTransactionError)
    require_open_period((leg.account for leg in legs), effective_at)
    return legs, _validate_metadata(metadata)


def stored_transaction(scope: str, key: str | None, using: str) -> Transaction | None:
    """The transaction an earlier call of ``scope`` wrote with ``key`` (the key is stored on it), or None."""
    if key is None:
        return None
    return Transaction._base_manager.using(using).filter(idempotency_scope=scope, idempotency_key=key).first()


def write_transaction(
    *,
    legs: list[Leg],
    description: str,
    effective_at: dt.datetime | None,
    using: str,
    metadata: dict[str, Any] | None = None,
    reverses: Transaction | None = None,
    reason: str = "",
    idempotency_scope: str | None = None,
    idempotency_key: str | None = None,
) -> tuple[Transaction, list[Entry]]:
    """Insert the draft and its entries, then post it: the database checks the balance again (``Meta.guarantees``).

    The idempotency key goes into the draft's INSERT: a posted transaction is never updated. Raises
    ``CrossOrgTransactionError`` before the first write when the legs are on accounts of two organizations.
    """
    require_one_org(leg.account for leg in legs)
    require_open_period((leg.account for leg in legs), effective_at)
    now = timezone.now()
    draft = draft_row(
        legs=legs,
        description=description,
        effective_at=effective_at or now,
        created_at=now,
        metadata=metadata or {},
        reverses=reverses,
        reason=reason,
        idempotency_scope=idempotency_scope,
        idempotency_key=idempotency_key,
        new_key=key_factory(),
    )
    with refused_closed_period((leg.account for leg in legs), effective_at or now):
        (txn,) = write_posted([draft], posted_at=now, using=using)
    # What the posting wrote (Transaction guarantee posting_stamps_entries), not read back.
    entries = [posted_entry(values, txn, leg, using) for values, leg in zip(draft.entries, legs, strict=True)]
    return txn, entries


def draft_row(
    *,
    legs: list[Leg],
    description: str,
    effective_at: dt.datetime,
    created_at: dt.datetime,
    metadata: dict[str, Any],
    reverses: Transaction | None = None,
    reason: str = "",
    idempotency_scope: str | None = None,
    idempotency_key: str | None = None,
    new_key: Callable[[], uuid.UUID] = new_uuid,
) -> DraftRow:
    """The rows of a transaction and its entries, as ``write_posted`` writes them (keys from ``new_key``)."""
    return DraftRow(
        transaction={
            "id": new_key(),
            "description": description,
            "metadata": metadata,
            "effective_at": effective_at,
            "posted_at": None,
            "created_at": created_at,
            "reverses_id": reverses.pk if reverses is not None else None,
            "reason": reason,
            "idempotency_scope": idempotency_scope if idempotency_key is not None else None,
            "idempotency_key": idempotency_key,
        },
        entries=[
            {
                "id": new_key(),
                "account_id": leg.account.pk,
                "entry_type": leg.entry_type.value,
                "amount": leg.amount,
                "currency": leg.account.currency,
                "reverses_id": leg.reverses.pk if leg.reverses is not None else None,
                **_source_columns(leg.source),
            }
            for leg in legs
        ],
    )


def _source_columns(source: dict[str, Any]) -> dict[str, Any]:
    # generic_key_values gives the content type itself ("source_type"), a reversal copies its id.
    if "source_type" in source:
        source_type = source["source_type"]
        return {"source_type_id": source_type.pk if source_type is not None else None, "source_id": source["source_id"]}
    return {"source_type_id": source["source_type_id"], "source_id": source["source_id"]}


_ENTRY_FIELDS = [field.attname for field in Entry._meta.concrete_fields]


def posted_entry(values: dict[str, Any], txn: Transaction, leg: Leg, using: str) -> Entry:
    """The ``Entry`` ``write_posted`` wrote from ``values``, as its posting left it (stamped)."""
    row = {
        **values,
        "transaction_id": txn.pk,
        "effective_at": txn.effective_at,
        "recorded_at": txn.posted_at,
        "posted_units": (1 if leg.entry_type == EntryType.DEBIT else -1) * int(leg.amount.scaleb(DECIMAL_PLACES)),
    }
    entry = Entry.from_db(using, _ENTRY_FIELDS, [row[name] for name in _ENTRY_FIELDS])
    Entry.transaction.field.set_cached_value(entry, txn)
    Entry.account.field.set_cached_value(entry, leg.account)
    if leg.reverses is not None:
        Entry.reverses.field.set_cached_value(entry, leg.reverses)
    return entry


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
    model), a ``Decision`` ``django_ledger.post_transaction`` records who posted it and the entries
    posted.

    With ``idempotency_key``, the transaction stores the key (unique per service): a repeat returns
    the first transaction, even after the key's django-decisioning row expired and was purged; a
    repeat with other arguments while that row exists raises ``IdempotencyConflictError``.

    Raises, before writing anything: ``TooFewEntriesError`` (fewer than two),
    ``CrossOrgTransactionError`` (accounts of different organizations: a transaction belongs to one),
    ``InvalidAmountError`` (a float, zero, a negative amount, more than 4 decimal places),
    ``CurrencyMismatchError`` (an amount in another currency than its account),
    ``InvalidEntryTypeError``, ``UnbalancedTransactionError`` (debits differ from credits in a
    currency), ``InvalidMetadataError`` (not a mapping, or a float in it, or more than
    ``LEDGER_MAX_JSON_BYTES`` of JSON), ``InvalidTransactionError`` (a description longer than
    ``LEDGER_MAX_TEXT_LENGTH``, a malformed key, anything else malformed), ``PeriodClosedError``
    (``effective_at`` at or before the ``closed_through`` of an account of the entries, as the given
    instances say; when they are stale the database refuses the posting, its rows are rolled back and
    ``PeriodClosedError`` is raised all the same).
    """
    legs, clean_metadata = validate_posting(
        entries=entries, description=description, effective_at=effective_at, metadata=metadata
    )
    require_user(by, error=InvalidTransactionError)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidTransactionError, allow_none=True)
    require_idempotency_key(idempotency_key, error=InvalidTransactionError)
    using = router.db_for_write(Transaction)

    def post() -> Transaction:
        with transaction.atomic(using=using):
            txn, _ = write_transaction(
                legs=legs,
                description=description,
                effective_at=effective_at,
                metadata=clean_metadata,
                using=using,
                idempotency_scope=POST_SCOPE,
                idempotency_key=idempotency_key,
            )
            if by is not None or on_behalf_of is not None:
                record_decision(
                    action=POST_ACTION,
                    by=by,
                    on_behalf_of=on_behalf_of,
                    target=txn,
                    outcome="posted",
                    evidence={"description": description, "entries": [leg.snapshot() for leg in legs]},
                    effective_at=txn.effective_at,
                )
            return txn

    # The fingerprint of a keyed call; without a key nothing reads it.
    payload = (
        {
            "entries": [{**leg.snapshot(), "account": leg.account, "source": leg.source_object} for leg in legs],
            "description": description,
            "effective_at": effective_at,
            "metadata": clean_metadata,
            "by": by,
            "on_behalf_of": on_behalf_of,
        }
        if idempotency_key is not None
        else {}
    )
    return run_once(
        scope=POST_SCOPE,
        idempotency_key=idempotency_key,
        func=post,
        payload=payload,
        replay=lambda: stored_transaction(POST_SCOPE, idempotency_key, using),
        using=using,
    )


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

    Both entries get ``source``. It is ``post_transaction`` with two entries: the same guarantees,
    errors, decision (``django_ledger.post_transaction``) and idempotency scope (the two accounts
    must share a currency, or it raises ``UnbalancedTransactionError``).
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
