"""Reversals: new balanced facts pointing at the originals, taken once, with authority, recorded as decisions.

Re-run under a non-owner PostgreSQL role by ``test_app_role.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision
from django_decisioning.testing import (
    assert_delegation_captured,
    assert_idempotent,
    assert_reversal_preserves_original,
)
from django_ledger import (
    AlreadyReversedError,
    AmbiguousReversalError,
    CurrencyMismatchError,
    EntrySpec,
    InvalidReversalError,
    NotPostedError,
    ReversalNotAuthorizedError,
)
from django_ledger.models import Entry, Transaction
from django_ledger.selectors import get_balance, trial_balance
from django_ledger.services import post_transaction, reverse_entry, reverse_transaction
from django_money import Money
from tests.testapp.models import Customer, Invoice

pytestmark = pytest.mark.django_db


def test_reversing_a_transaction_posts_its_mirror(sale, cash, sales):
    reversal = reverse_transaction(sale, reason="Customer returned the goods")
    assert reversal.is_posted and reversal.reverses == sale and reversal.reason == "Customer returned the goods"
    assert sorted(reversal.entries.values_list("account__code", "entry_type", "amount")) == [
        ("1000", "credit", Decimal("100")),
        ("4000", "debit", Decimal("100")),
    ]
    assert all(entry.reverses.transaction == sale for entry in reversal.entries.all())


def test_reversing_a_transaction_brings_the_balances_back(sale, cash, sales):
    reverse_transaction(sale, reason="Returned")
    assert (get_balance(cash), get_balance(sales)) == (Money("0", "USD"), Money("0", "USD"))


def test_the_reversal_finds_its_way_back_from_the_original(sale, cash):
    reversal = reverse_transaction(sale, reason="Returned")
    assert sale.reversal_transactions.get() == reversal
    assert sale.entries.get(account=cash).reversal_entries.get().transaction == reversal


def test_reversing_needs_authority_and_leaves_the_original_untouched(sale, accountant, clerk):
    assert_reversal_preserves_original(
        sale,
        lambda: reverse_transaction(sale, reason="Returned", by=accountant),
        unauthorized=lambda: reverse_transaction(sale, reason="Returned", by=clerk),
        refusal=ReversalNotAuthorizedError,
    )


def test_an_unauthorized_reversal_writes_nothing(sale, clerk):
    with pytest.raises(ReversalNotAuthorizedError):
        reverse_transaction(sale, reason="Returned", by=clerk)
    assert (Transaction.objects.count(), Decision.objects.count()) == (1, 0)


@override_settings(LEDGER_REVERSAL_PERMISSION=None)
def test_without_a_reversal_permission_any_user_may_reverse(sale, clerk):
    assert reverse_transaction(sale, reason="Returned", by=clerk).is_posted


def test_a_reversal_records_the_decision_with_a_snapshot_of_the_original(sale, accountant):
    reversal = reverse_transaction(sale, reason="Returned", by=accountant)
    decision = Decision.objects.for_target(sale).get()
    assert (decision.action, decision.actor, decision.outcome) == (
        "django_ledger.reverse_transaction",
        accountant,
        "reversed",
    )
    assert decision.evidence["reason"] == "Returned"
    assert decision.evidence["reversal"] == str(reversal.pk)
    assert sorted((item["account"], item["entry_type"], item["amount"]) for item in decision.evidence["entries"]) == [
        ("1000", "debit", "100.0000"),
        ("4000", "credit", "100.0000"),
    ]


def test_a_reversal_on_behalf_of_a_principal_captures_both(sale, accountant):
    store = Customer.objects.create(name="Store")
    reverse_transaction(sale, reason="Returned", by=accountant, on_behalf_of=store)
    assert_delegation_captured(Decision.objects.for_target(sale).get(), actor=accountant, on_behalf_of=store)


def test_a_system_reversal_records_a_decision_without_actor(sale):
    reverse_transaction(sale, reason="Nightly correction")
    assert Decision.objects.for_target(sale).get().actor is None


def test_reversing_a_transaction_twice_is_refused(sale):
    reverse_transaction(sale, reason="Returned")
    with pytest.raises(AlreadyReversedError):
        reverse_transaction(sale, reason="Again")
    assert Transaction.objects.count() == 2


def test_reversing_a_draft_is_refused(cash):
    draft = Transaction.objects.create(description="Draft")
    with pytest.raises(NotPostedError):
        reverse_transaction(draft, reason="Nothing to undo")


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_reversal_needs_a_reason(sale, reason):
    with pytest.raises(InvalidReversalError):
        reverse_transaction(sale, reason=reason)


@pytest.mark.parametrize(
    "arguments",
    [
        {"by": "boss"},
        {"on_behalf_of": Invoice(number="unsaved")},
        {"effective_at": dt.datetime(2024, 1, 1)},
        {"idempotency_key": ""},
    ],
    ids=["by-not-a-user", "unsaved-principal", "naive-effective-at", "empty-key"],
)
def test_malformed_reversal_arguments_are_refused(sale, arguments):
    with pytest.raises(InvalidReversalError):
        reverse_transaction(sale, reason="Returned", **arguments)
    assert Transaction.objects.count() == 1


def test_only_saved_facts_can_be_reversed(db):
    with pytest.raises(InvalidReversalError):
        reverse_transaction(Transaction(description="unsaved"), reason="x")
    with pytest.raises(InvalidReversalError):
        reverse_entry(Entry(), reason="x")


def test_a_reversal_may_be_backdated(sale, cash):
    yesterday = timezone.now() - dt.timedelta(days=1)
    reversal = reverse_transaction(sale, reason="Returned", effective_at=yesterday)
    assert set(reversal.entries.values_list("effective_at", flat=True)) == {yesterday}


def test_a_reversal_with_an_idempotency_key_happens_once(sale):
    results = assert_idempotent(
        lambda: reverse_transaction(sale, reason="Returned", idempotency_key="undo-1"),
        count=Transaction.objects.count,
    )
    assert results[0].reverses == sale


def test_an_idempotency_key_reused_for_another_reversal_is_refused(sale):
    reverse_transaction(sale, reason="Returned", idempotency_key="undo-1")
    with pytest.raises(IdempotencyConflictError):
        reverse_transaction(sale, reason="Other reason", idempotency_key="undo-1")


def test_reversing_an_entry_of_a_two_entry_transaction_reverses_both(sale, cash, sales):
    original = sale.entries.get(account=cash)
    reversing = reverse_entry(original, reason="Wrong customer")
    assert (reversing.reverses, reversing.account, reversing.entry_type) == (original, cash, "credit")
    assert reversing.is_posted and reversing.transaction.reverses == sale
    assert get_balance(sales) == Money("0", "USD")


def test_reversing_an_entry_preserves_the_original(sale, cash, accountant, clerk):
    original = sale.entries.get(account=cash)
    assert_reversal_preserves_original(
        original,
        lambda: reverse_entry(original, reason="Wrong", by=accountant),
        unauthorized=lambda: reverse_entry(original, reason="Wrong", by=clerk),
        refusal=ReversalNotAuthorizedError,
    )


def test_reversing_one_entry_of_a_larger_transaction_needs_an_offset_account(split_sale, receivables):
    with pytest.raises(AmbiguousReversalError):
        reverse_entry(split_sale.entries.get(account=receivables), reason="Paid in cash")
    assert Transaction.objects.count() == 1


def test_an_offset_account_takes_the_balancing_leg(split_sale, cash, receivables, sales):
    original = split_sale.entries.get(account=receivables)
    reversing = reverse_entry(original, reason="Paid in cash", offset_account=cash)
    assert reversing.reverses == original and reversing.transaction.reverses is None
    assert (get_balance(cash), get_balance(receivables), get_balance(sales)) == (
        Money("100", "USD"),
        Money("0", "USD"),
        Money("100", "USD"),
    )
    assert trial_balance().is_balanced


def test_an_offset_account_in_another_currency_is_refused(split_sale, receivables, euro_cash):
    with pytest.raises(CurrencyMismatchError):
        reverse_entry(split_sale.entries.get(account=receivables), reason="x", offset_account=euro_cash)


def test_an_offset_account_must_differ_from_the_entry_account(split_sale, receivables):
    with pytest.raises(InvalidReversalError):
        reverse_entry(split_sale.entries.get(account=receivables), reason="x", offset_account=receivables)


def test_an_unsaved_offset_account_is_refused(split_sale, receivables, cash):
    with pytest.raises(InvalidReversalError):
        reverse_entry(split_sale.entries.get(account=receivables), reason="x", offset_account=type(cash)(code="x"))


def test_reversing_an_entry_twice_is_refused(sale, cash):
    original = sale.entries.get(account=cash)
    reverse_entry(original, reason="Wrong")
    with pytest.raises(AlreadyReversedError):
        reverse_entry(original, reason="Again")


def test_reversing_the_other_entry_after_a_two_entry_reversal_is_refused(sale, cash, sales):
    reverse_entry(sale.entries.get(account=cash), reason="Wrong")
    with pytest.raises(AlreadyReversedError):
        reverse_entry(sale.entries.get(account=sales), reason="Again")


def test_reversing_the_transaction_after_one_entry_was_reversed_is_refused(split_sale, cash, receivables):
    reverse_entry(split_sale.entries.get(account=receivables), reason="Paid", offset_account=cash)
    with pytest.raises(AlreadyReversedError):
        reverse_transaction(split_sale, reason="All of it")


def test_an_entry_whose_counterpart_was_reversed_alone_needs_an_offset_account(
    sale, cash, sales, payables, receivables
):
    reverse_entry(sale.entries.get(account=sales), reason="Deposit, not revenue", offset_account=payables)
    with pytest.raises(AlreadyReversedError):
        reverse_entry(sale.entries.get(account=cash), reason="Again")
    assert reverse_entry(sale.entries.get(account=cash), reason="Again", offset_account=receivables).is_posted


def test_reversing_an_entry_of_a_draft_is_refused(cash, sales):
    draft = Transaction.objects.create(description="Draft")
    entry = Entry.objects.create(transaction=draft, account=cash, amount=Decimal("1"), entry_type="debit")
    with pytest.raises(NotPostedError):
        reverse_entry(entry, reason="x")


def test_a_reversal_of_a_reversal_reinstates_the_original(sale, cash):
    reversal = reverse_transaction(sale, reason="Returned")
    reverse_transaction(reversal, reason="Return cancelled")
    assert get_balance(cash) == Money("100", "USD")


def test_a_reversing_entry_keeps_the_source_of_its_original(cash, sales):
    invoice = Invoice.objects.create(number="INV-7")
    txn = post_transaction(
        entries=[EntrySpec.debit(cash, 5, source=invoice), EntrySpec.credit(sales, 5, source=invoice)],
        description="Sale",
    )
    reverse_transaction(txn, reason="Cancelled")
    assert Entry.objects.for_source(invoice).count() == 4


def test_an_entry_reversal_with_an_idempotency_key_happens_once(sale, cash):
    original = sale.entries.get(account=cash)
    results = assert_idempotent(
        lambda: reverse_entry(original, reason="Wrong", idempotency_key="undo-entry"),
        count=Transaction.objects.count,
    )
    assert results[0].reverses == original
