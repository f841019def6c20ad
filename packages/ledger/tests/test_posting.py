"""Posting through the services: what a posted transaction looks like, idempotency, recorded decisions.

Re-run under a non-owner PostgreSQL role by ``test_app_role.py``: keep fixtures in conftest.py
and marks at module level.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision
from django_decisioning.testing import assert_delegation_captured, assert_idempotent
from django_ledger import EntrySpec, EntryType
from django_ledger.models import Entry, Transaction
from django_ledger.selectors import get_balance
from django_ledger.services import post_entry, post_transaction
from django_money import Money
from tests.testapp.models import Customer, Invoice

pytestmark = pytest.mark.django_db


def test_post_transaction_writes_a_posted_transaction_with_its_entries(cash, sales):
    txn = post_transaction(
        entries=[EntrySpec.debit(cash, Decimal("100.00")), EntrySpec.credit(sales, Decimal("100.00"))],
        description="Cash sale",
    )
    stored = Transaction.objects.get(pk=txn.pk)
    assert stored.is_posted
    assert sorted(stored.entries.values_list("account__code", "entry_type", "amount")) == [
        ("1000", "debit", Decimal("100.0000")),
        ("4000", "credit", Decimal("100.0000")),
    ]


def test_entries_are_recorded_at_the_posting_instant_and_effective_with_the_transaction(cash, sales):
    txn = post_transaction(
        entries=[EntrySpec.debit(cash, Decimal("1")), EntrySpec.credit(sales, Decimal("1"))], description="Sale"
    )
    txn.refresh_from_db()
    assert txn.effective_at == txn.posted_at
    assert set(txn.entries.values_list("recorded_at", "effective_at")) == {(txn.posted_at, txn.posted_at)}


def test_a_backdated_transaction_keeps_its_effective_at_and_is_recorded_now(cash, sales):
    yesterday = timezone.now() - dt.timedelta(days=1)
    before = timezone.now()
    txn = post_transaction(
        entries=[EntrySpec.debit(cash, Decimal("1")), EntrySpec.credit(sales, Decimal("1"))],
        description="Late invoice",
        effective_at=yesterday,
    )
    entry = Entry.objects.filter(transaction=txn).first()
    assert entry.effective_at == yesterday
    assert entry.recorded_at >= before


def test_entries_may_be_given_as_mappings(cash, sales):
    txn = post_transaction(
        entries=[
            {"account": cash, "amount": Decimal("5"), "entry_type": "debit"},
            {"account": sales, "amount": Decimal("5"), "entry_type": EntryType.CREDIT},
        ],
        description="Sale",
    )
    assert txn.entries.count() == 2


def test_a_money_amount_in_the_account_currency_is_accepted(cash, sales):
    post_transaction(
        entries=[EntrySpec.debit(cash, Money("7.25", "USD")), EntrySpec.credit(sales, Money("7.25", "USD"))],
        description="Sale",
    )
    assert get_balance(cash) == Money("7.25", "USD")


def test_one_transaction_may_balance_several_currencies_separately(cash, sales, euro_cash, euro_sales):
    txn = post_transaction(
        entries=[
            EntrySpec.debit(cash, Decimal("10")),
            EntrySpec.credit(sales, Decimal("10")),
            EntrySpec.debit(euro_cash, Decimal("9")),
            EntrySpec.credit(euro_sales, Decimal("9")),
        ],
        description="Two tills",
    )
    assert sorted(txn.entries.values_list("currency", flat=True)) == ["EUR", "EUR", "USD", "USD"]


def test_metadata_is_stored_in_canonical_json(cash, sales):
    txn = post_transaction(
        entries=[EntrySpec.debit(cash, Decimal("1")), EntrySpec.credit(sales, Decimal("1"))],
        description="Sale",
        metadata={"invoice": "INV-1", "discount": Decimal("0.50")},
    )
    assert Transaction.objects.get(pk=txn.pk).metadata == {"invoice": "INV-1", "discount": "0.50"}


def test_post_entry_posts_a_two_entry_transaction(cash, sales):
    txn = post_entry(debit=cash, credit=sales, amount=Decimal("3"), description="Sale")
    assert sorted(txn.entries.values_list("account__code", "entry_type")) == [("1000", "debit"), ("4000", "credit")]


def test_an_entry_points_at_a_uuid_keyed_source(cash, sales):
    invoice = Invoice.objects.create(number="INV-1")
    post_entry(debit=cash, credit=sales, amount=Decimal("3"), description="Sale", source=invoice)
    assert Entry.objects.for_source(invoice).count() == 2
    assert Invoice.objects.filter(entries__entry_type="debit").get() == invoice
    assert invoice.entries.count() == 2
    assert {entry.source for entry in Entry.objects.prefetch_related("source")} == {invoice}
    assert [len(item.entries.all()) for item in Invoice.objects.prefetch_related("entries")] == [2]


def test_an_entry_points_at_an_integer_keyed_source(cash, sales):
    customer = Customer.objects.create(name="Ada")
    post_entry(debit=cash, credit=sales, amount=Decimal("3"), description="Sale", source=customer)
    assert Entry.objects.for_source(customer).count() == 2
    assert Customer.objects.filter(entries__entry_type="credit").get() == customer
    assert customer.entries.count() == 2
    assert {entry.source for entry in Entry.objects.prefetch_related("source")} == {customer}
    assert [len(item.entries.all()) for item in Customer.objects.prefetch_related("entries")] == [2]


def test_the_same_idempotency_key_posts_one_transaction(cash, sales):
    results = assert_idempotent(
        lambda: post_entry(debit=cash, credit=sales, amount=Decimal("9"), description="Sale", idempotency_key="k-1"),
        count=Transaction.objects.count,
    )
    assert get_balance(cash) == Money("9", "USD")
    assert all(result.is_posted for result in results)


def test_an_idempotency_key_reused_with_other_entries_is_refused(cash, sales):
    post_entry(debit=cash, credit=sales, amount=Decimal("9"), description="Sale", idempotency_key="k-1")
    with pytest.raises(IdempotencyConflictError):
        post_entry(debit=cash, credit=sales, amount=Decimal("10"), description="Sale", idempotency_key="k-1")
    assert Transaction.objects.count() == 1


def test_the_same_amount_written_differently_is_the_same_request(cash, sales):
    first = post_entry(debit=cash, credit=sales, amount=Decimal("9"), description="Sale", idempotency_key="k")
    second = post_entry(debit=cash, credit=sales, amount="9.000", description="Sale", idempotency_key="k")
    assert first == second


def test_posting_by_a_user_records_a_decision(cash, sales, clerk):
    txn = post_entry(debit=cash, credit=sales, amount=Decimal("2.50"), description="Sale", by=clerk)
    decision = Decision.objects.for_target(txn).get()
    assert (decision.action, decision.actor, decision.outcome) == ("django_ledger.post_transaction", clerk, "posted")
    assert decision.evidence["entries"][0] == {
        "account": "1000",
        "entry_type": "debit",
        "amount": "2.5000",
        "currency": "USD",
    }


def test_posting_on_behalf_of_someone_captures_actor_and_principal(cash, sales, clerk):
    store = Customer.objects.create(name="Store")
    txn = post_entry(debit=cash, credit=sales, amount=Decimal("1"), description="Sale", by=clerk, on_behalf_of=store)
    assert_delegation_captured(Decision.objects.for_target(txn).get(), actor=clerk, on_behalf_of=store)


def test_posting_without_an_actor_records_no_decision(cash, sales):
    post_entry(debit=cash, credit=sales, amount=Decimal("1"), description="Sale")
    assert not Decision.objects.exists()


def test_posting_is_one_insert_of_the_transaction_one_bulk_insert_of_entries_and_the_posting_update(cash, sales):
    with CaptureQueriesContext(connection) as captured:
        post_transaction(
            entries=[EntrySpec.debit(cash, 1), EntrySpec.debit(cash, 2), EntrySpec.credit(sales, 3)],
            description="Sale",
        )
    # PostgreSQL receives the three statements in one query string (one round trip).
    statements = [part.split()[0] for query in captured.captured_queries for part in query["sql"].split(";\n")]
    transaction_control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")
    assert [statement for statement in statements if statement not in transaction_control] == [
        "INSERT",
        "INSERT",
        "UPDATE",
    ]
    # One transaction around the posting, no nested one: a savepoint inside the caller's transaction (the
    # test's), or its own transaction where it runs in autocommit (the application-role rerun).
    assert statements[1:-1] == ["INSERT", "INSERT", "UPDATE"]
    assert (statements[0], statements[-1]) in {("SAVEPOINT", "RELEASE"), ("BEGIN", "COMMIT")}
