"""Opening accounts: validation, the fixed currency, the chart of accounts tree, and owners of any model."""

from __future__ import annotations

from decimal import Decimal

import pytest

from django_ledger import AccountType, EntryType, InvalidAccountError
from django_ledger.models import Account
from django_ledger.querysets import AccountQuerySet
from django_ledger.services import open_account, post_entry
from django_money import Money
from tests.testapp.models import Customer, Invoice

pytestmark = pytest.mark.django_db


def test_open_account_normalises_the_currency(db):
    assert open_account(code="1000", name="Cash", account_type="asset", currency="usd").currency == "USD"


@pytest.mark.parametrize(
    ("account_type", "side"),
    [
        (AccountType.ASSET, EntryType.DEBIT),
        (AccountType.EXPENSE, EntryType.DEBIT),
        (AccountType.LIABILITY, EntryType.CREDIT),
        (AccountType.EQUITY, EntryType.CREDIT),
        (AccountType.REVENUE, EntryType.CREDIT),
    ],
)
def test_the_normal_side_follows_the_account_type(account_type, side):
    assert Account(account_type=account_type).normal_side == side


def test_an_account_knows_its_zero(euro_cash):
    assert euro_cash.zero() == Money("0", "EUR")
    assert str(euro_cash) == "1001 Cash EUR"


@pytest.mark.parametrize(
    "values",
    [
        {"code": ""},
        {"name": "  "},
        {"account_type": "income"},
        {"currency": "ABC"},
        {"currency": None},
    ],
    ids=["empty-code", "blank-name", "unknown-type", "unknown-currency", "no-currency"],
)
def test_malformed_accounts_are_refused(db, values):
    with pytest.raises(InvalidAccountError):
        open_account(**{"code": "1000", "name": "Cash", "account_type": "asset", "currency": "USD", **values})
    assert not Account.objects.exists()


def test_a_code_is_used_once(cash):
    with pytest.raises(InvalidAccountError):
        open_account(code="1000", name="Other", account_type="asset", currency="USD")


def test_codes_that_differ_only_in_case_are_two_accounts(db):
    """Codes compare byte by byte on every database (a binary collation on MariaDB/MySQL, whose default
    collation would call them equal and refuse the second as a duplicate)."""
    lower = open_account(code="cash-a", name="Cash A", account_type="asset", currency="USD")
    upper = open_account(code="CASH-A", name="Cash A upper", account_type="asset", currency="USD")
    assert lower.pk != upper.pk
    assert Account.objects.get(code="cash-a") == lower
    assert Account.objects.get(code="CASH-A") == upper
    with pytest.raises(InvalidAccountError):
        open_account(code="CASH-A", name="Again", account_type="asset", currency="USD")


def test_a_code_taken_by_a_concurrent_insert_is_refused_as_invalid(cash, monkeypatch):
    monkeypatch.setattr(AccountQuerySet, "exists", lambda self: False)  # the race: the check saw no such code
    with pytest.raises(InvalidAccountError):
        open_account(code="1000", name="Other", account_type="asset", currency="USD")


def test_a_custom_currency_code_fits(db, settings):
    settings.MONEY_CUSTOM_CURRENCIES = {"LOYALTY": 0}
    assert open_account(code="7", name="Points", account_type="liability", currency="LOYALTY").currency == "LOYALTY"


def test_the_currency_of_an_account_is_fixed(cash):
    cash.currency = "EUR"
    with pytest.raises(InvalidAccountError):
        cash.save()


def test_the_type_of_an_account_with_entries_is_fixed(sale, cash):
    cash.account_type = AccountType.EXPENSE
    with pytest.raises(InvalidAccountError):
        cash.save()


def test_the_type_and_name_of_an_account_without_entries_may_change(cash):
    cash.account_type = AccountType.EXPENSE
    cash.name = "Petty cash"
    cash.save()
    assert Account.objects.get(pk=cash.pk).account_type == "expense"


def test_accounts_form_a_tree(db):
    assets = open_account(code="1", name="Assets", account_type="asset", currency="USD")
    cash = open_account(code="10", name="Cash", account_type="asset", currency="USD", parent=assets)
    assert list(assets.children.all()) == [cash]


def test_an_account_cannot_be_its_own_parent(cash):
    cash.parent = cash
    with pytest.raises(InvalidAccountError):
        cash.save()


def test_a_parent_cycle_is_refused(db):
    top = open_account(code="1", name="Top", account_type="asset", currency="USD")
    middle = open_account(code="2", name="Middle", account_type="asset", currency="USD", parent=top)
    bottom = open_account(code="3", name="Bottom", account_type="asset", currency="USD", parent=middle)
    top.parent = bottom
    with pytest.raises(InvalidAccountError):
        top.save()


def test_an_unsaved_parent_or_owner_is_refused(db):
    with pytest.raises(InvalidAccountError):
        open_account(code="1", name="x", account_type="asset", currency="USD", parent=Account(code="0"))
    with pytest.raises(InvalidAccountError):
        open_account(code="1", name="x", account_type="asset", currency="USD", owner=Invoice(number="unsaved"))


@pytest.mark.parametrize("owner_model", [Invoice, Customer], ids=["uuid-key", "integer-key"])
def test_an_account_has_an_owner_of_any_model(db, owner_model):
    owner = owner_model.objects.create(**({"number": "INV-1"} if owner_model is Invoice else {"name": "Ada"}))
    account = open_account(code="1200", name="Receivable", account_type="asset", currency="USD", owner=owner)
    open_account(code="1300", name="Unowned", account_type="asset", currency="USD")
    assert Account.objects.get(pk=account.pk).owner == owner
    assert list(Account.objects.owned_by(owner)) == [account]
    assert list(owner_model.objects.filter(accounts__code="1200")) == [owner]
    assert list(owner.accounts.all()) == [account]
    assert [item.owner for item in Account.objects.prefetch_related("owner").filter(code="1200")] == [owner]
    assert [list(item.accounts.all()) for item in owner_model.objects.prefetch_related("accounts")] == [[account]]


def test_of_type_selects_accounts_by_type(cash, sales):
    assert list(Account.objects.of_type(AccountType.REVENUE)) == [sales]


def test_an_account_with_entries_cannot_be_deleted(sale, cash):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        cash.delete()


def test_balances_follow_the_post_entry_shortcut(cash, sales):
    post_entry(debit=cash, credit=sales, amount=Decimal("1"), description="x")
    assert cash.entries.count() == 1


def test_an_owner_type_without_an_owner_id_is_refused(db):
    from django.contrib.contenttypes.models import ContentType

    account = Account(code="1", name="x", account_type="asset", currency="USD")
    account.owner_type = ContentType.objects.get_for_model(Invoice)
    with pytest.raises(InvalidAccountError):
        account.save()
