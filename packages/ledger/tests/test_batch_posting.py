"""post_transactions: many balanced transactions in one call, all or nothing, idempotent per transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision
from django_ledger import EntrySpec, InvalidTransactionError, UnbalancedTransactionError, get_balance
from django_ledger.models import Entry, Transaction
from django_ledger.services import POST_MANY_ACTION, post_transaction, post_transactions

from .conftest import ledger_row_counts


def sale(cash, sales, amount: str, **extra) -> dict:
    return {
        "entries": [EntrySpec.debit(cash, Decimal(amount)), EntrySpec.credit(sales, Decimal(amount))],
        "description": f"Sale of {amount}",
        **extra,
    }


def test_posts_every_transaction_and_returns_them_in_order(cash, sales, rent):
    when = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    posted = post_transactions(
        transactions=[
            sale(cash, sales, "10"),
            {
                "entries": [EntrySpec.debit(rent, Decimal("3")), EntrySpec.credit(cash, Decimal("3"))],
                "description": "Rent",
                "effective_at": when,
                "metadata": {"line": 2},
            },
        ]
    )
    assert [txn.description for txn in posted] == ["Sale of 10", "Rent"]
    stored = {txn.pk: txn for txn in Transaction.objects.filter(pk__in=[txn.pk for txn in posted])}
    assert all(stored[txn.pk].posted_at == txn.posted_at is not None for txn in posted)
    assert stored[posted[1].pk].effective_at == when and stored[posted[1].pk].metadata == {"line": 2}
    assert get_balance(cash).amount == Decimal("7") and get_balance(rent).amount == Decimal("3")
    entries = Entry.objects.filter(transaction_id=posted[1].pk)
    assert {(entry.recorded_at, entry.effective_at) for entry in entries} == {(posted[1].posted_at, when)}


@pytest.mark.parametrize("count", [1, 30])
def test_writes_three_statements_whatever_the_number_of_transactions(cash, sales, count, django_assert_num_queries):
    items = [sale(cash, sales, str(number + 1)) for number in range(count)]
    # SAVEPOINT, INSERT of the transactions, INSERT of the entries, the posting UPDATE, RELEASE SAVEPOINT;
    # PostgreSQL gets the three statements in one query string.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 5):
        post_transactions(transactions=items)
    assert ledger_row_counts() == (count, 2 * count)


def test_one_unbalanced_transaction_posts_none(cash, sales):
    bad = {"entries": [EntrySpec.debit(cash, Decimal("5")), EntrySpec.credit(sales, Decimal("4"))], "description": "x"}
    with pytest.raises(UnbalancedTransactionError) as raised:
        post_transactions(transactions=[sale(cash, sales, "1"), bad])
    assert "in transactions[1]" in raised.value.__notes__
    assert ledger_row_counts() == (0, 0)


@pytest.mark.parametrize(
    ("transactions", "message"),
    [
        ([], "empty"),
        ("abc", "list of mappings"),
        ([["not", "a", "mapping"]], "transactions[0] must be a mapping"),
        ([{"entries": []}], "transactions[0] needs entries and description"),
        ([{"entries": [], "description": "x", "when": 1}], "unknown: ['when']"),
    ],
)
def test_malformed_calls_are_refused(db, transactions, message):
    with pytest.raises(InvalidTransactionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        post_transactions(transactions=transactions)
    assert ledger_row_counts() == (0, 0)


def test_two_items_with_one_key_are_refused(cash, sales):
    with pytest.raises(InvalidTransactionError, match="same idempotency_key"):
        post_transactions(
            transactions=[sale(cash, sales, "1", idempotency_key="k"), sale(cash, sales, "2", idempotency_key="k")]
        )
    assert ledger_row_counts() == (0, 0)


def test_an_item_posted_before_with_its_key_is_returned_not_posted_again(cash, sales):
    first = post_transaction(**sale(cash, sales, "8", idempotency_key="line-1"))
    posted = post_transactions(
        transactions=[
            sale(cash, sales, "8", idempotency_key="line-1"),
            sale(cash, sales, "2", idempotency_key="line-2"),
        ]
    )
    assert posted[0].pk == first.pk
    assert ledger_row_counts() == (2, 4)
    assert get_balance(cash).amount == Decimal("10")
    again = post_transactions(transactions=[sale(cash, sales, "2", idempotency_key="line-2")])
    assert again[0].pk == posted[1].pk and ledger_row_counts() == (2, 4)


def test_post_transaction_returns_what_a_batch_posted_with_the_key(cash, sales):
    (posted,) = post_transactions(transactions=[sale(cash, sales, "8", idempotency_key="line-1")])
    assert post_transaction(**sale(cash, sales, "8", idempotency_key="line-1")).pk == posted.pk
    assert ledger_row_counts() == (1, 2)


def test_an_item_key_posted_with_other_entries_conflicts(cash, sales):
    post_transactions(transactions=[sale(cash, sales, "8", idempotency_key="line-1")])
    with pytest.raises(IdempotencyConflictError, match="line-1"):
        post_transactions(transactions=[sale(cash, sales, "1"), sale(cash, sales, "9", idempotency_key="line-1")])
    assert ledger_row_counts() == (1, 2)


def test_the_call_key_runs_the_call_once(cash, sales):
    items = [sale(cash, sales, "1"), sale(cash, sales, "2")]
    posted = post_transactions(transactions=items, idempotency_key="import-7")
    assert [txn.pk for txn in post_transactions(transactions=items, idempotency_key="import-7")] == [
        txn.pk for txn in posted
    ]
    assert ledger_row_counts() == (2, 4)
    with pytest.raises(IdempotencyConflictError):
        post_transactions(transactions=[sale(cash, sales, "3")], idempotency_key="import-7")
    assert ledger_row_counts() == (2, 4)


def test_by_records_one_decision_per_transaction(cash, sales, clerk):
    posted = post_transactions(transactions=[sale(cash, sales, "1"), sale(cash, sales, "2")], by=clerk)
    for txn in posted:
        decision = Decision.objects.for_target(txn).get()
        assert decision.action == POST_MANY_ACTION and decision.actor == clerk
        assert decision.evidence["description"] == txn.description
    assert post_transactions(transactions=[sale(cash, sales, "3")]) and Decision.objects.count() == 2


def test_a_large_call_is_split_into_statements_of_at_most_1000_rows(cash, sales, django_assert_num_queries):
    items = [sale(cash, sales, "1") for _ in range(600)]
    # 600 transactions in one INSERT, their 1,200 entries in two, one UPDATE (PostgreSQL: one query string)
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 6):
        posted = post_transactions(transactions=items)
    assert len({txn.pk for txn in posted}) == 600 and ledger_row_counts() == (600, 1200)
    assert get_balance(cash).amount == Decimal("600")
