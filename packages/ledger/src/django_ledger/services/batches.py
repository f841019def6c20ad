"""Posting many balanced transactions in one call (a bank import, a payroll run): all of them, or none."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, connections, models, router, transaction
from django.utils import timezone

from django_basemodels.arguments import require_idempotency_key, require_saved, require_user
from django_decisioning import IdempotencyConflictError
from django_decisioning.services import record_decision, run_once
from django_ledger import conf
from django_ledger.exceptions import InvalidTransactionError
from django_ledger.models import Entry, Transaction
from django_ledger.services.posting import POST_SCOPE, Leg, draft_row, refused_closed_period, validate_posting
from django_ledger.services.writing import DraftRow, key_factory, write_posted

# The decision action and the idempotency scope of the call as a whole. The key of each transaction
# has post_transaction's scope: one key, one transaction, whichever service posted it.
POST_MANY_ACTION = POST_MANY_SCOPE = "django_ledger.post_transactions"
_ITEM_KEYS = frozenset({"entries", "description", "effective_at", "metadata", "idempotency_key"})


class _Item:
    __slots__ = ("description", "effective_at", "index", "key", "legs", "metadata")

    def __init__(self, index: int, value: Any, text_limit: int) -> None:
        if not isinstance(value, Mapping):
            raise InvalidTransactionError(f"transactions[{index}] must be a mapping, not {type(value).__name__}.")
        unknown = set(value) - _ITEM_KEYS
        if unknown or "entries" not in value or "description" not in value:
            raise InvalidTransactionError(
                f"transactions[{index}] needs entries and description (and optionally effective_at, metadata, "
                f"idempotency_key); unknown: {sorted(map(str, unknown))}."
            )
        self.index = index
        self.description = value["description"]
        self.effective_at = value.get("effective_at")
        self.legs, self.metadata = validate_posting(
            entries=value["entries"],
            description=self.description,
            effective_at=self.effective_at,
            metadata=value.get("metadata"),
            text_limit=text_limit,
        )
        self.key = require_idempotency_key(
            value.get("idempotency_key"), error=InvalidTransactionError, name=f"transactions[{index}] idempotency_key"
        )

    def legs_signature(self) -> Counter[tuple[Any, str, Any]]:
        return Counter((leg.account.pk, leg.entry_type.value, leg.amount) for leg in self.legs)

    def snapshot(self) -> list[dict[str, Any]]:
        return [leg.snapshot() for leg in self.legs]


def _validate_items(transactions: Any) -> list[_Item]:
    if isinstance(transactions, (str, bytes, Mapping)) or not isinstance(transactions, Iterable):
        raise InvalidTransactionError(f"transactions must be a list of mappings, not {type(transactions).__name__}.")
    items = []
    text_limit = conf.max_text_length()
    for index, value in enumerate(transactions):
        try:
            items.append(_Item(index, value, text_limit))
        except InvalidTransactionError as exc:
            if not str(exc).startswith(f"transactions[{index}]"):
                exc.add_note(f"in transactions[{index}]")
            raise
    if not items:
        raise InvalidTransactionError("transactions is empty: nothing to post.")
    repeated = sorted(key for key, count in Counter(item.key for item in items if item.key).items() if count > 1)
    if repeated:
        raise InvalidTransactionError(f"Two transactions of one call have the same idempotency_key: {repeated}.")
    return items


def _posted_earlier(items: list[_Item], using: str) -> dict[str, Transaction]:
    """The transactions earlier calls posted with the items' keys; IdempotencyConflictError if one differs."""
    keyed = {item.key: item for item in items if item.key is not None}
    if not keyed:
        return {}
    stored = {
        str(txn.idempotency_key): txn
        for txn in Transaction._base_manager.using(using).filter(
            idempotency_scope=POST_SCOPE, idempotency_key__in=list(keyed)
        )
    }
    if not stored:
        return stored
    legs: dict[Any, Counter[tuple[Any, str, Any]]] = {txn.pk: Counter() for txn in stored.values()}
    for account_id, entry_type, amount, transaction_id in (
        Entry._base_manager.using(using)
        .filter(transaction_id__in=list(legs))
        .values_list("account_id", "entry_type", "amount", "transaction_id")
    ):
        legs[transaction_id][(account_id, entry_type, amount)] += 1
    for key, txn in stored.items():
        item = keyed[key]
        if txn.description != item.description or legs[txn.pk] != item.legs_signature():
            raise IdempotencyConflictError(
                f"transactions[{item.index}]: idempotency_key {key!r} posted transaction {txn.pk} with other "
                "entries or another description.",
                scope=POST_SCOPE,
                key=key,
            )
    return stored


def post_transactions(
    *,
    transactions: Iterable[Mapping[str, Any]],
    by: models.Model | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> list[Transaction]:
    """Post many balanced transactions in one database transaction; return them, posted, in the order given.

    Each item of ``transactions`` is a mapping with ``entries`` and ``description``, and optionally
    ``effective_at``, ``metadata`` and ``idempotency_key``: what ``post_transaction`` takes for one
    transaction, with its guarantees. All or nothing: every transaction is validated before the first
    write, and if the database refuses one (``Meta.guarantees``) none is posted. The rows are written with
    one multi-row ``INSERT`` for the transactions, one for their entries and one ``UPDATE`` posting them
    all (per 1,000 rows at most), whatever the number of transactions.

    Idempotent per transaction: an item's ``idempotency_key`` is stored on its transaction in the scope of
    ``post_transaction``; an item whose key posted a transaction before (by either service) is not posted
    again, its stored transaction is returned in its place (``IdempotencyConflictError`` if that one has
    another description or other entries). ``idempotency_key`` makes the whole call run once per key
    (``django_decisioning.services.run_once``, scope ``django_ledger.post_transactions``): a repeat
    returns the same transactions, a repeat with other arguments raises ``IdempotencyConflictError``.
    With ``by`` or ``on_behalf_of``, one ``Decision`` ``django_ledger.post_transactions`` per transaction
    posted records who posted it and its entries.

    Raises, before writing anything: ``InvalidTransactionError`` (not a list of mappings, an empty list,
    an item without entries or description, two items with one key, a malformed key), and for an item
    every error ``post_transaction`` documents (with a note naming the item: ``in transactions[3]``).
    """
    items = _validate_items(transactions)
    require_user(by, error=InvalidTransactionError)
    require_saved(on_behalf_of, name="on_behalf_of", error=InvalidTransactionError, allow_none=True)
    require_idempotency_key(idempotency_key, error=InvalidTransactionError)
    using = router.db_for_write(Transaction)

    def post() -> list[Transaction]:
        with transaction.atomic(using=using):
            earlier = _posted_earlier(items, using)
            now = timezone.now()
            new_key = key_factory()
            new = [item for item in items if item.key is None or item.key not in earlier]
            drafts: list[DraftRow] = [
                draft_row(
                    legs=item.legs,
                    description=item.description,
                    effective_at=item.effective_at or now,
                    created_at=now,
                    metadata=item.metadata,
                    idempotency_scope=POST_SCOPE,
                    idempotency_key=item.key,
                    new_key=new_key,
                )
                for item in new
            ]
            with refused_closed_period((leg.account for item in new for leg in item.legs), None):
                written = write_posted(drafts, posted_at=now, using=using)
            posted = dict(zip((item.index for item in new), written, strict=True))
            if by is not None or on_behalf_of is not None:
                for item in new:
                    record_decision(
                        action=POST_MANY_ACTION,
                        by=by,
                        on_behalf_of=on_behalf_of,
                        target=posted[item.index],
                        outcome="posted",
                        evidence={"description": item.description, "entries": item.snapshot()},
                        effective_at=posted[item.index].effective_at,
                    )
            return [posted[item.index] if item.index in posted else earlier[str(item.key)] for item in items]

    # The fingerprint of a keyed call; without a key nothing reads it.
    payload = (
        {}
        if idempotency_key is None
        else {
            "transactions": [
                {
                    "entries": [_leg_payload(leg) for leg in item.legs],
                    "description": item.description,
                    "effective_at": item.effective_at,
                    "metadata": item.metadata,
                    "idempotency_key": item.key,
                }
                for item in items
            ],
            "by": by,
            "on_behalf_of": on_behalf_of,
        }
    )

    def call() -> list[Transaction]:
        return run_once(scope=POST_MANY_SCOPE, idempotency_key=idempotency_key, func=post, payload=payload, using=using)

    keyed = any(item.key is not None for item in items)
    try:
        return call()
    except IntegrityError:
        # A concurrent call posted one of the keys between the look-up and the insert: once it
        # committed, the look-up finds it. Only a call that owns its transaction can run again.
        if not keyed or connections[using].in_atomic_block:
            raise
        return call()


def _leg_payload(leg: Leg) -> dict[str, Any]:
    return {**leg.snapshot(), "account": leg.account, "source": leg.source_object}
