"""The lower-level path of the seed: create a draft transaction, add entries, set ``posted_at`` and save."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from django_ledger import (
    AlreadyReversedError,
    CurrencyMismatchError,
    ImmutableTransactionError,
    InvalidAmountError,
    InvalidEntryTypeError,
    InvalidMetadataError,
    InvalidReversalError,
    InvalidTransactionError,
    NotPostedError,
    TooFewEntriesError,
    UnbalancedTransactionError,
)
from django_ledger.models import Entry, Transaction
from django_ledger.selectors import get_balance
from django_money import Money
from tests.testapp.models import Invoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(db):
    return Transaction.objects.create(description="Invoice payment", metadata={"invoice": "INV-1"})


def add(draft, account, amount, entry_type, **extra):
    return Entry.objects.create(transaction=draft, account=account, amount=amount, entry_type=entry_type, **extra)


def post(draft):
    draft.posted_at = timezone.now()
    draft.save()
    return draft


def test_the_seed_example_posts_a_balanced_draft(draft, receivables, cash):
    invoice = Invoice.objects.create(number="INV-1")
    add(draft, receivables, Decimal("100.00"), "debit", source=invoice)
    add(draft, cash, Decimal("100.00"), "credit", source=invoice)
    post(draft)
    assert Transaction.objects.get(pk=draft.pk).is_posted
    assert get_balance(receivables) == Money("100", "USD")
    assert Entry.objects.for_source(invoice).posted().count() == 2


def test_draft_entries_count_in_no_balance(draft, cash, sales):
    add(draft, cash, Decimal("5"), "debit")
    add(draft, sales, Decimal("5"), "credit")
    assert get_balance(cash) == Money("0", "USD")
    assert Entry.objects.drafts().count() == 2


def test_posting_stamps_the_entries_with_the_transaction_times(draft, cash, sales):
    add(draft, cash, Decimal("5"), "debit")
    add(draft, sales, Decimal("5"), "credit")
    post(draft)
    assert set(Entry.objects.values_list("recorded_at", "effective_at")) == {(draft.posted_at, draft.posted_at)}


def test_posting_stores_the_server_time_whatever_posted_at_was_set_to(draft, cash, sales):
    add(draft, cash, Decimal("5"), "debit")
    add(draft, sales, Decimal("5"), "credit")
    before = timezone.now()
    draft.posted_at = before - dt.timedelta(days=365)
    draft.save()
    assert Transaction.objects.get(pk=draft.pk).posted_at >= before


def test_an_effective_at_set_on_the_draft_is_kept(cash, sales):
    last_week = timezone.now() - dt.timedelta(days=7)
    draft = Transaction.objects.create(description="Backdated", effective_at=last_week)
    add(draft, cash, Decimal("5"), "debit")
    add(draft, sales, Decimal("5"), "credit")
    post(draft)
    assert set(Entry.objects.values_list("effective_at", flat=True)) == {last_week}


def test_posting_an_unbalanced_draft_raises_and_leaves_it_a_draft(draft, cash, sales):
    add(draft, cash, Decimal("5"), "debit")
    add(draft, sales, Decimal("4"), "credit")
    with pytest.raises(UnbalancedTransactionError):
        post(draft)
    assert Transaction.objects.get(pk=draft.pk).posted_at is None


def test_posting_a_draft_with_one_entry_raises(draft, cash):
    add(draft, cash, Decimal("5"), "debit")
    with pytest.raises(TooFewEntriesError):
        post(draft)


def test_posting_an_empty_draft_raises(draft):
    with pytest.raises(TooFewEntriesError):
        post(draft)


def test_a_transaction_cannot_be_created_posted(db):
    with pytest.raises(InvalidTransactionError):
        Transaction.objects.create(description="Shortcut", posted_at=timezone.now())
    assert not Transaction.objects.exists()


def test_an_entry_cannot_be_added_to_a_posted_transaction(sale, cash):
    with pytest.raises(ImmutableTransactionError):
        add(sale, cash, Decimal("1"), "debit")
    assert sale.entries.count() == 2


def test_an_entry_takes_its_account_currency(draft, euro_cash):
    assert add(draft, euro_cash, Decimal("5"), "debit").currency == "EUR"


def test_an_entry_in_another_currency_than_its_account_is_refused(draft, cash):
    with pytest.raises(CurrencyMismatchError):
        add(draft, cash, Decimal("5"), "debit", currency="EUR")
    assert not Entry.objects.exists()


@pytest.mark.parametrize("amount", [0.5, Decimal("0"), Decimal("-1"), Decimal("0.00001")])
def test_an_entry_with_a_bad_amount_is_refused(draft, cash, amount):
    with pytest.raises(InvalidAmountError):
        add(draft, cash, amount, "debit")
    assert not Entry.objects.exists()


def test_an_entry_with_an_unknown_side_is_refused(draft, cash):
    with pytest.raises(InvalidEntryTypeError):
        add(draft, cash, Decimal("1"), "sideways")


def test_an_entry_needs_saved_rows(draft, cash):
    with pytest.raises(InvalidTransactionError):
        Entry.objects.create(transaction=Transaction(description="x"), account=cash, amount=1, entry_type="debit")
    with pytest.raises(InvalidTransactionError):
        add(draft, type(cash)(code="9", name="x", account_type="asset", currency="USD"), Decimal("1"), "debit")


def test_a_draft_entry_can_be_changed_and_deleted(draft, cash, sales):
    entry = add(draft, cash, Decimal("5"), "debit")
    entry.amount = Decimal("6")
    entry.save()
    assert Entry.objects.get(pk=entry.pk).amount == Decimal("6")
    entry.delete()
    assert not Entry.objects.exists()


def test_a_draft_entry_can_move_to_another_account_of_its_currency(draft, cash, receivables):
    entry = add(draft, cash, Decimal("5"), "debit")
    entry.account = receivables
    entry.save()
    assert Entry.objects.get(pk=entry.pk).account == receivables


def test_a_draft_can_be_edited_and_deleted_with_its_entries(draft, cash, sales):
    add(draft, cash, Decimal("5"), "debit")
    draft.description = "Corrected"
    draft.save()
    assert Transaction.objects.get(pk=draft.pk).description == "Corrected"
    draft.delete()
    assert (Transaction.objects.count(), Entry.objects.count()) == (0, 0)


def test_draft_querysets_can_be_updated_and_deleted(draft, cash):
    add(draft, cash, Decimal("5"), "debit")
    assert Entry.objects.update(amount=Decimal("7")) == 1
    assert Transaction.objects.update(description="Bulk") == 1
    assert Entry.objects.all().delete()[0] == 1
    assert Transaction.objects.all().delete()[0] == 1


@pytest.mark.parametrize(
    ("values", "error"),
    [
        ({"description": "  "}, InvalidTransactionError),
        ({"metadata": {"rate": 0.5}}, InvalidMetadataError),
        ({"metadata": "text"}, InvalidMetadataError),
        ({"effective_at": dt.datetime(2024, 1, 1)}, InvalidTransactionError),
        ({"reason": None}, InvalidTransactionError),
    ],
    ids=["blank-description", "float-metadata", "text-metadata", "naive-effective-at", "reason-none"],
)
def test_a_draft_with_bad_values_is_refused(db, values, error):
    with pytest.raises(error):
        Transaction.objects.create(**{"description": "Draft", **values})
    assert not Transaction.objects.exists()


def test_a_reversing_entry_must_point_at_a_posted_entry(draft, cash):
    other = Transaction.objects.create(description="Other draft")
    unposted = add(other, cash, Decimal("1"), "debit")
    with pytest.raises(NotPostedError):
        add(draft, cash, Decimal("1"), "credit", reverses=unposted)


def test_a_reversing_entry_must_mirror_the_original(draft, sale, cash, receivables):
    original = sale.entries.get(account=cash)
    with pytest.raises(InvalidReversalError):
        add(draft, cash, Decimal("99"), "credit", reverses=original)
    with pytest.raises(InvalidReversalError):
        add(draft, cash, Decimal("100"), "debit", reverses=original)
    with pytest.raises(InvalidReversalError):
        add(draft, receivables, Decimal("100"), "credit", reverses=original)


def test_a_draft_reversal_of_an_entry_already_reversed_is_refused(draft, sale, cash):
    original = sale.entries.get(account=cash)
    add(draft, cash, Decimal("100"), "credit", reverses=original)
    second = Transaction.objects.create(description="Second reversal")
    with pytest.raises(AlreadyReversedError):
        add(second, cash, Decimal("100"), "credit", reverses=original)


def test_a_mirroring_draft_entry_posts_as_a_reversal(draft, sale, cash, sales):
    original = sale.entries.get(account=cash)
    add(draft, cash, Decimal("100"), "credit", reverses=original)
    add(draft, sales, Decimal("100"), "debit", reverses=sale.entries.get(account=sales))
    post(draft)
    assert original.reversal_entries.get().transaction == draft
    assert get_balance(cash) == Money("0", "USD")


def test_a_source_type_without_a_source_id_is_refused(draft, cash):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(InvalidTransactionError):
        add(draft, cash, Decimal("1"), "debit", source_type=ContentType.objects.get_for_model(Invoice))


def test_posting_a_draft_deleted_meanwhile_is_refused(draft):
    Transaction.objects.filter(pk=draft.pk).delete()
    with pytest.raises(InvalidTransactionError):
        post(draft)
    assert not Transaction.objects.exists()
