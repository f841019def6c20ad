"""Balances: signed by the normal side, as of an effective date, as known at a record date, in one query each.

Re-run under a non-owner PostgreSQL role by ``test_app_role.py``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from django_decisioning.testing import assert_backdate_coherent
from django_ledger import EntrySpec
from django_ledger.models import Entry, Transaction
from django_ledger.selectors import balances, get_balance, trial_balance
from django_ledger.services import post_entry, post_transaction
from django_money import Money

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = dt.timedelta(days=1)


def usd(amount: str) -> Money:
    return Money(amount, "USD")


def test_an_asset_grows_with_debits(sale, cash):
    assert get_balance(cash) == usd("100")


def test_revenue_grows_with_credits(sale, sales):
    assert get_balance(sales) == usd("100")


def test_a_liability_grows_with_credits_and_an_expense_with_debits(payables, rent):
    post_entry(debit=rent, credit=payables, amount=Decimal("800"), description="Rent due")
    assert (get_balance(rent), get_balance(payables)) == (usd("800"), usd("800"))


def test_equity_grows_with_credits(cash, equity):
    post_entry(debit=cash, credit=equity, amount=Decimal("5000"), description="Capital")
    assert get_balance(equity) == usd("5000")


def test_an_asset_with_more_credits_than_debits_is_negative(cash, rent):
    post_entry(debit=rent, credit=cash, amount=Decimal("30"), description="Overdraft")
    assert get_balance(cash) == usd("-30")


def test_an_account_without_entries_has_a_zero_balance_in_its_currency(euro_cash):
    assert get_balance(euro_cash) == Money("0", "EUR")


def test_the_balance_is_exact_to_the_ten_thousandth(cash, sales):
    for amount in ("0.1", "0.2", "0.0001"):
        post_entry(debit=cash, credit=sales, amount=amount, description="Small")
    assert get_balance(cash).amount == Decimal("0.3001")


def test_as_of_counts_entries_effective_until_then(cash, sales):
    post_entry(debit=cash, credit=sales, amount=10, description="Old", effective_at=NOW - 3 * DAY)
    post_entry(debit=cash, credit=sales, amount=5, description="Recent", effective_at=NOW - DAY)
    assert get_balance(cash, as_of=NOW - 2 * DAY) == usd("10")
    assert get_balance(cash, as_of=NOW - DAY) == usd("15")
    assert get_balance(cash, as_of=NOW - 4 * DAY) == usd("0")


def test_a_backdated_entry_changes_yesterdays_balance_only_from_todays_knowledge(cash, sales):
    post_entry(debit=cash, credit=sales, amount=10, description="On time", effective_at=NOW - 3 * DAY)
    before_backdating = timezone.now()
    post_entry(debit=cash, credit=sales, amount=5, description="Backdated", effective_at=NOW - 2 * DAY)
    yesterday = NOW - DAY
    assert get_balance(cash, as_of=yesterday) == usd("15")
    assert get_balance(cash, as_of=yesterday, known_at=before_backdating) == usd("10")
    assert get_balance(cash, known_at=before_backdating) == usd("10")


def test_a_backdated_entry_is_coherent_in_the_entry_queries(cash, sales):
    txn = post_entry(debit=cash, credit=sales, amount=5, description="Backdated", effective_at=NOW - DAY)
    assert_backdate_coherent(txn.entries.get(account=cash))


def test_transactions_are_known_from_their_posting(cash, sales):
    before = timezone.now()
    txn = post_entry(debit=cash, credit=sales, amount=5, description="Backdated", effective_at=NOW - DAY)
    assert list(Transaction.objects.as_of(NOW)) == [txn]
    assert not Transaction.objects.as_of(NOW, known_at=before).exists()
    assert Transaction.objects.posted().count() == 1 and not Transaction.objects.drafts().exists()


def test_entry_queries_leave_drafts_out_of_as_of(cash, sales):
    draft = Transaction.objects.create(description="Draft", effective_at=NOW - DAY)
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("1"), entry_type="debit")
    assert not Entry.objects.as_of(NOW).exists()
    assert Entry.objects.for_account(cash).count() == 1


def test_get_balance_is_one_query(sale, cash, django_assert_num_queries):
    with django_assert_num_queries(1):
        get_balance(cash)
    with django_assert_num_queries(1):
        get_balance(cash, as_of=NOW)
    with django_assert_num_queries(1):
        get_balance(cash, as_of=NOW, known_at=timezone.now())


def test_balances_of_several_accounts_are_one_query(sale, cash, sales, euro_cash, rent, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = balances([cash, sales, euro_cash, rent])
    assert result == {cash: usd("100"), sales: usd("100"), euro_cash: Money("0", "EUR"), rent: usd("0")}


def test_balances_as_of_and_known_at_filter_like_get_balance(cash, sales):
    post_entry(debit=cash, credit=sales, amount=10, description="Old", effective_at=NOW - 3 * DAY)
    known = timezone.now()
    post_entry(debit=cash, credit=sales, amount=5, description="Late", effective_at=NOW - 3 * DAY)
    assert balances([cash], NOW - 2 * DAY) == {cash: usd("15")}
    assert balances([cash], NOW - 2 * DAY, known_at=known) == {cash: usd("10")}


def test_balances_of_no_account_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert balances([]) == {}


def test_the_trial_balance_is_one_query(sale, rent, payables, django_assert_num_queries):
    post_entry(debit=rent, credit=payables, amount=Decimal("40"), description="Rent")
    with django_assert_num_queries(1):
        report = trial_balance()
    assert [(row.account.code, row.debits, row.credits) for row in report.rows] == [
        ("1000", usd("100"), usd("0")),
        ("2000", usd("0"), usd("40")),
        ("4000", usd("0"), usd("100")),
        ("5000", usd("40"), usd("0")),
    ]
    assert [row.balance for row in report.rows] == [usd("100"), usd("40"), usd("100"), usd("40")]


def test_the_trial_balance_totals_each_currency(sale, euro_cash, euro_sales):
    post_entry(debit=euro_cash, credit=euro_sales, amount=Decimal("7"), description="EUR sale")
    report = trial_balance()
    assert report.totals["USD"].debits == report.totals["USD"].credits == usd("100")
    assert report.totals["EUR"].difference == Money("0", "EUR")
    assert report.is_balanced


def test_the_trial_balance_as_of_and_known_at(cash, sales):
    post_entry(debit=cash, credit=sales, amount=10, description="Old", effective_at=NOW - 3 * DAY)
    known = timezone.now()
    post_entry(debit=cash, credit=sales, amount=5, description="Late", effective_at=NOW - 3 * DAY)
    post_entry(debit=cash, credit=sales, amount=1, description="Today")
    assert trial_balance(NOW - 2 * DAY).totals["USD"].debits == usd("15")
    assert trial_balance(NOW - 2 * DAY, known_at=known).totals["USD"].debits == usd("10")
    assert trial_balance(known_at=NOW - 4 * DAY).rows == []


def test_a_multi_currency_transaction_lands_in_each_total(cash, sales, euro_cash, euro_sales):
    post_transaction(
        entries=[
            EntrySpec.debit(cash, 3),
            EntrySpec.credit(sales, 3),
            EntrySpec.debit(euro_cash, 2),
            EntrySpec.credit(euro_sales, 2),
        ],
        description="Two tills",
    )
    assert {currency: total.debits for currency, total in trial_balance().totals.items()} == {
        "EUR": Money("2", "EUR"),
        "USD": usd("3"),
    }


def test_a_naive_as_of_is_refused(cash):
    with pytest.raises(ValueError):
        get_balance(cash, as_of=dt.datetime(2024, 1, 1))
    with pytest.raises(ValueError):
        trial_balance(known_at=dt.datetime(2024, 1, 1))


def test_balances_need_saved_accounts(db):
    with pytest.raises(TypeError):
        get_balance("1000")
