"""Every malformed posting is refused with a typed error before anything is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from django_ledger import (
    MAX_AMOUNT,
    CurrencyMismatchError,
    EntrySpec,
    InvalidAmountError,
    InvalidEntryTypeError,
    InvalidMetadataError,
    InvalidTransactionError,
    LedgerError,
    TooFewEntriesError,
    UnbalancedTransactionError,
)
from django_ledger.models import Account
from django_ledger.services import post_entry, post_transaction
from django_ledger.specs import parse_amount
from django_money import Money
from tests.conftest import ledger_row_counts
from tests.testapp.models import Invoice

pytestmark = pytest.mark.django_db


def refused(error: type[Exception], **kwargs) -> Exception:
    """Call post_transaction, expect ``error``, and check no ledger row was written."""
    with pytest.raises(error) as caught:
        post_transaction(**{"description": "Sale", **kwargs})
    assert ledger_row_counts() == (0, 0)
    return caught.value


def test_unbalanced_entries_are_refused(cash, sales):
    error = refused(
        UnbalancedTransactionError,
        entries=[EntrySpec.debit(cash, Decimal("100")), EntrySpec.credit(sales, Decimal("99.99"))],
    )
    assert "USD: debits exceed credits by 0.0100" in str(error)


def test_entries_balanced_in_total_but_not_per_currency_are_refused(cash, sales, euro_cash, euro_sales):
    refused(
        UnbalancedTransactionError,
        entries=[EntrySpec.debit(cash, Decimal("10")), EntrySpec.credit(euro_sales, Decimal("10"))],
    )


def test_an_amount_in_another_currency_than_its_account_is_refused(cash, sales):
    refused(
        CurrencyMismatchError,
        entries=[EntrySpec.debit(cash, Money("10", "EUR")), EntrySpec.credit(sales, Money("10", "EUR"))],
    )


def test_a_zero_amount_is_refused(cash, sales):
    refused(InvalidAmountError, entries=[EntrySpec.debit(cash, Decimal("0")), EntrySpec.credit(sales, Decimal("0"))])


def test_a_negative_amount_is_refused(cash, sales):
    refused(InvalidAmountError, entries=[EntrySpec.debit(cash, Decimal("-5")), EntrySpec.credit(sales, Decimal("-5"))])


def test_a_float_amount_is_refused(cash, sales):
    refused(InvalidAmountError, entries=[EntrySpec.debit(cash, 0.1), EntrySpec.credit(sales, 0.1)])


def test_a_float_in_metadata_is_refused(cash, sales):
    refused(
        InvalidMetadataError,
        entries=[EntrySpec.debit(cash, Decimal("1")), EntrySpec.credit(sales, Decimal("1"))],
        metadata={"rate": 0.2},
    )


def test_a_single_entry_is_refused(cash):
    refused(TooFewEntriesError, entries=[EntrySpec.debit(cash, Decimal("1"))])


def test_an_unknown_side_is_refused(cash, sales):
    refused(
        InvalidEntryTypeError,
        entries=[EntrySpec(cash, Decimal("1"), "left"), EntrySpec.credit(sales, Decimal("1"))],
    )


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("1.00001"),
        Decimal("1e15"),
        MAX_AMOUNT + Decimal("0.0001"),
        Decimal("NaN"),
        Decimal("Infinity"),
        "1,5",
        True,
        None,
        [1],
    ],
    ids=["5-places", "16-digits", "over-max", "nan", "infinity", "bad-text", "bool", "none", "list"],
)
def test_amounts_that_cannot_be_stored_exactly_are_refused(cash, sales, amount):
    refused(InvalidAmountError, entries=[EntrySpec.debit(cash, amount), EntrySpec.credit(sales, amount)])


def test_the_largest_amount_fits_posted_units():
    assert Decimal("922337203685477.5807") == MAX_AMOUNT
    assert parse_amount(MAX_AMOUNT, currency="USD") == MAX_AMOUNT


def test_the_post_entry_shortcut_refuses_accounts_in_two_currencies(cash, euro_sales):
    with pytest.raises(UnbalancedTransactionError):
        post_entry(debit=cash, credit=euro_sales, amount=Decimal("1"), description="Sale")
    assert ledger_row_counts() == (0, 0)


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"description": ""}, InvalidTransactionError),
        ({"description": None}, InvalidTransactionError),
        ({"effective_at": dt.datetime(2024, 1, 1)}, InvalidTransactionError),
        ({"effective_at": "2024-01-01"}, InvalidTransactionError),
        ({"metadata": ["not", "a", "mapping"]}, InvalidMetadataError),
        ({"idempotency_key": ""}, InvalidTransactionError),
        ({"idempotency_key": "k" * 256}, InvalidTransactionError),
        ({"by": "someone"}, InvalidTransactionError),
        ({"on_behalf_of": Invoice(number="unsaved")}, InvalidTransactionError),
    ],
    ids=[
        "empty-description",
        "no-description",
        "naive-effective-at",
        "text-effective-at",
        "metadata-list",
        "empty-key",
        "long-key",
        "by-not-a-user",
        "unsaved-principal",
    ],
)
def test_malformed_arguments_are_refused(cash, sales, overrides, error):
    refused(error, entries=[EntrySpec.debit(cash, Decimal("1")), EntrySpec.credit(sales, Decimal("1"))], **overrides)


@pytest.mark.parametrize(
    "entries",
    [
        "debit cash",
        {"account": None},
        [{"account": None, "amount": 1}, {"account": None, "amount": 1}],
        [{"account": None, "amount": 1, "entry_type": "debit", "memo": "x"}] * 2,
        [("cash", 1, "debit"), ("sales", 1, "credit")],
    ],
    ids=["text", "mapping", "missing-keys", "unknown-key", "tuples"],
)
def test_malformed_entry_lists_are_refused(db, entries):
    refused(InvalidTransactionError, entries=entries)


def test_an_unsaved_account_is_refused(sales):
    refused(
        InvalidTransactionError,
        entries=[
            EntrySpec.debit(Account(code="9", name="x", account_type="asset", currency="USD"), Decimal("1")),
            EntrySpec.credit(sales, Decimal("1")),
        ],
    )


def test_an_unsaved_source_is_refused(cash, sales):
    refused(
        InvalidTransactionError,
        entries=[
            EntrySpec.debit(cash, Decimal("1"), source=Invoice(number="unsaved")),
            EntrySpec.credit(sales, Decimal("1")),
        ],
    )


def test_every_refusal_is_a_ledger_error():
    for error in (
        UnbalancedTransactionError,
        CurrencyMismatchError,
        InvalidAmountError,
        TooFewEntriesError,
        InvalidMetadataError,
    ):
        assert issubclass(error, LedgerError)
