"""``Entry.posted_units``: migration 0007 fills it for the entries posted before it, and a balance sums it
from the covering index. What the database refuses of it is in test_guarantees.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_basemodels.guarantees import guarantee_problems
from django_ledger.models import Entry, Transaction
from django_ledger.selectors import get_balance, trial_balance
from django_money import Money
from tests.test_guarantees import insert_entry, post_raw


# The entries are committed: they are emptied with their triggers lifted afterwards.
@pytest.mark.django_db(transaction=True)
def test_the_entries_posted_before_0007_get_their_posted_units(committed_ledger, cash, sales):
    call_command("migrate", "django_ledger", "0006", verbosity=0)
    for amount in ("123.4567", "0.1"):
        draft = Transaction.objects.create(description="Before 0007", effective_at=timezone.now())
        insert_entry(draft, cash, amount, "debit")
        insert_entry(draft, sales, amount, "credit")
        post_raw(draft)
    unposted = Transaction.objects.create(description="Draft", effective_at=timezone.now())
    insert_entry(unposted, cash, "5", "debit")

    call_command("migrate", "django_ledger", verbosity=0)

    assert sorted(Entry.objects.values_list("entry_type", "posted_units")) == [
        ("credit", -1_234_567),
        ("credit", -1_000),
        ("debit", 0),
        ("debit", 1_000),
        ("debit", 1_234_567),
    ]
    assert get_balance(cash) == Money(Decimal("123.5567"), "USD")
    assert get_balance(sales) == Money(Decimal("123.5567"), "USD")
    assert trial_balance().is_balanced
    assert guarantee_problems() == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("window", ["none", "as_of", "known_at"])
def test_a_balance_on_sqlite_is_a_search_of_the_covering_index(sale, cash, window):
    """PostgreSQL's and MariaDB's plans are read in test_balance_plan.py."""
    times = {} if window == "none" else {window: timezone.now()}
    with CaptureQueriesContext(connection) as captured:
        get_balance(cash, **times)
    [query] = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = [detail for *_, detail in cursor.fetchall()]
    assert plan and all("USING COVERING INDEX django_ledger_entry_balance (account_id=?" in detail for detail in plan)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
@pytest.mark.parametrize("window", ["none", "as_of", "known_at"])
def test_the_trial_balance_on_sqlite_sums_posted_units_from_the_covering_index(sale, cash, sales, window):
    times = {} if window == "none" else {window: timezone.now()}
    with CaptureQueriesContext(connection) as captured:
        rows = trial_balance(**times).rows
    [query] = captured.captured_queries
    entry_part = query["sql"].split("UNION ALL")[0]  # the closings follow: their sums are converted
    assert "posted_units" in entry_part and "amount" not in entry_part and "entry_type" not in entry_part
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = [detail for *_, detail in cursor.fetchall()]
    entries = [detail for detail in plan if detail.startswith(("SCAN e ", "SEARCH e "))]
    assert entries and all("USING COVERING INDEX django_ledger_entry_balance" in detail for detail in entries), plan
    sides = {row.account.code: (row.debits, row.credits) for row in rows}
    assert sides == {cash.code: (get_balance(cash), Money(0, "USD")), sales.code: (Money(0, "USD"), get_balance(sales))}
