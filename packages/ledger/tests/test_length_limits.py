"""Caps on what callers write into the ledger: descriptions, reasons, metadata, account codes and names.

A transaction is never changed or deleted, so an oversized value is refused with the ledger's typed
error before anything is written, whatever the database.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from django_decisioning.models import Decision, IdempotencyKey
from django_ledger import (
    EntrySpec,
    InvalidAccountError,
    InvalidMetadataError,
    InvalidReversalError,
    InvalidTransactionError,
)
from django_ledger.checks import check_settings
from django_ledger.models import Account, Entry, Transaction
from django_ledger.services import open_account, post_entry, post_transaction, reverse_entry, reverse_transaction

pytestmark = pytest.mark.django_db

TEXT_LIMIT = 10_000
JSON_LIMIT = 65_536
# {"note":"..."} is the note plus 11 bytes of JSON.
NOTE_OVERHEAD = len('{"note": ""}')


def rows() -> tuple[int, int, int, int]:
    """(transactions, entries, decisions, idempotency keys): what a refused call must leave as it was."""
    return Transaction.objects.count(), Entry.objects.count(), Decision.objects.count(), IdempotencyKey.objects.count()


def post(cash, sales, **kwargs) -> Transaction:
    return post_transaction(
        **{
            "entries": [EntrySpec.debit(cash, Decimal("5")), EntrySpec.credit(sales, Decimal("5"))],
            "description": "Sale",
            **kwargs,
        }
    )


def metadata_of(size: int) -> dict[str, str]:
    """Metadata whose JSON text takes exactly ``size`` bytes."""
    return {"note": "x" * (size - NOTE_OVERHEAD)}


# --- description --------------------------------------------------------------------------------


def test_a_description_at_the_limit_is_posted(cash, sales):
    assert post(cash, sales, description="d" * TEXT_LIMIT).description == "d" * TEXT_LIMIT


def test_a_description_over_the_limit_is_refused_and_writes_nothing(cash, sales, clerk):
    with pytest.raises(InvalidTransactionError, match="description has 10,001 characters; at most 10,000"):
        post(cash, sales, description="d" * (TEXT_LIMIT + 1), by=clerk, idempotency_key="sale-1")
    assert rows() == (0, 0, 0, 0)


def test_the_description_limit_follows_the_setting(cash, sales):
    with override_settings(LEDGER_MAX_TEXT_LENGTH=20):
        post(cash, sales, description="d" * 20)
        with pytest.raises(InvalidTransactionError):
            post(cash, sales, description="d" * 21)
    assert Transaction.objects.count() == 1


def test_post_entry_applies_the_description_limit(cash, sales):
    with override_settings(LEDGER_MAX_TEXT_LENGTH=20), pytest.raises(InvalidTransactionError):
        post_entry(debit=cash, credit=sales, amount=Decimal("5"), description="d" * 21)
    assert rows() == (0, 0, 0, 0)


# --- metadata -----------------------------------------------------------------------------------


def test_metadata_at_the_limit_is_posted(cash, sales):
    metadata = metadata_of(JSON_LIMIT)
    assert post(cash, sales, metadata=metadata).metadata == metadata


def test_metadata_over_the_limit_is_refused_and_writes_nothing(cash, sales, clerk):
    with pytest.raises(InvalidMetadataError, match="metadata is 65,537 bytes of JSON; at most 65,536"):
        post(cash, sales, metadata=metadata_of(JSON_LIMIT + 1), by=clerk, idempotency_key="sale-1")
    assert rows() == (0, 0, 0, 0)


def test_metadata_is_measured_as_stored(cash, sales):
    # A Decimal is stored as its string: "1.50" with its quotes, 6 bytes.
    with override_settings(LEDGER_MAX_JSON_BYTES=len('{"rate": "1.50"}')):
        post(cash, sales, metadata={"rate": Decimal("1.50")})
        with pytest.raises(InvalidMetadataError):
            post(cash, sales, metadata={"rate": Decimal("1.500")})


def test_the_metadata_limit_follows_the_setting(cash, sales):
    with override_settings(LEDGER_MAX_JSON_BYTES=100):
        post(cash, sales, metadata=metadata_of(100))
        with pytest.raises(InvalidMetadataError):
            post(cash, sales, metadata=metadata_of(101))
    assert Transaction.objects.count() == 1


# --- reversal reason ----------------------------------------------------------------------------


@pytest.fixture(params=["transaction", "entry"])
def reverse(request, sale, cash):
    """reverse_transaction(sale, ...) or reverse_entry(sale's cash entry, ...)."""
    if request.param == "transaction":
        return lambda **kwargs: reverse_transaction(sale, **kwargs)
    entry = sale.entries.get(account=cash)
    return lambda **kwargs: reverse_entry(entry, **kwargs)


def test_a_reason_at_the_limit_is_stored(reverse):
    reverse(reason="r" * TEXT_LIMIT)
    assert Transaction.objects.exclude(reason="").get().reason == "r" * TEXT_LIMIT


def test_a_reason_over_the_limit_is_refused_and_writes_nothing(reverse, accountant):
    before = rows()
    with pytest.raises(InvalidReversalError, match="reason has 10,001 characters; at most 10,000"):
        reverse(reason="r" * (TEXT_LIMIT + 1), by=accountant, idempotency_key="undo-1")
    assert rows() == before


def test_the_reason_limit_follows_the_setting(reverse):
    with override_settings(LEDGER_MAX_TEXT_LENGTH=20):
        with pytest.raises(InvalidReversalError):
            reverse(reason="r" * 21)
        reverse(reason="r" * 20)
    assert Transaction.objects.filter(reason="r" * 20).count() == 1


def test_a_reversal_of_a_description_at_the_limit_is_posted(cash, sales):
    # The reversal's own description ("Reversal of: ...") is derived, not the caller's: not capped.
    original = post(cash, sales, description="d" * TEXT_LIMIT)
    assert reverse_transaction(original, reason="Returned").description.endswith("d" * TEXT_LIMIT)


# --- account code and name: their columns --------------------------------------------------------


@pytest.mark.parametrize(("field", "length"), [("code", 50), ("name", 200)])
def test_an_account_code_or_name_filling_its_column_is_accepted(db, field, length):
    account = open_account(
        **{"code": "1", "name": "Cash", "account_type": "asset", "currency": "USD", field: "a" * length}
    )
    account.refresh_from_db()
    assert getattr(account, field) == "a" * length


@pytest.mark.parametrize(("field", "length"), [("code", 50), ("name", 200)])
def test_an_account_code_or_name_longer_than_its_column_is_refused(db, field, length):
    values = {"code": "1", "name": "Cash", "account_type": "asset", "currency": "USD", field: "a" * (length + 1)}
    with pytest.raises(InvalidAccountError, match=f"{field} has {length + 1} characters; at most {length}"):
        open_account(**values)
    assert Account.objects.count() == 0


# --- settings checks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "check_id"),
    [("LEDGER_MAX_TEXT_LENGTH", "django_ledger.E003"), ("LEDGER_MAX_JSON_BYTES", "django_ledger.E004")],
)
@pytest.mark.parametrize("value", [0, -1, "10000", 1.5, True, None])
def test_a_limit_that_is_not_a_positive_int_is_an_error(settings, setting, check_id, value):
    setattr(settings, setting, value)
    assert [message.id for message in check_settings()] == [check_id]


@pytest.mark.parametrize("setting", ["LEDGER_MAX_TEXT_LENGTH", "LEDGER_MAX_JSON_BYTES"])
def test_a_positive_limit_passes_the_checks(settings, setting):
    setattr(settings, setting, 1)
    assert check_settings() == []
