"""Read replicas against a real PostgreSQL hot standby: selectors read from the standby, writes and
everything under a lock or inside a transaction go to the primary, and once the standby has caught up an
as-of balance read there agrees with the primary."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_basemodels.replication import ReplicaLagError, wait_for_replica
from django_basemodels.routers import use_primary
from django_ledger import get_balance, open_account, post_transaction, trial_balance
from django_money import Money
from django_sequence import last_value, next_value
from django_stock import balance, issue, receive, stock_report
from django_stock.models import Location, Lot, StockItem


def _suffix() -> str:
    return uuid.uuid4().hex[:8]


class Queries:
    """The statements each server ran inside the block."""

    def __enter__(self) -> Queries:
        self.primary = CaptureQueriesContext(connections["default"]).__enter__()
        self.replica = CaptureQueriesContext(connections["replica"]).__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.replica.__exit__(*exc)
        self.primary.__exit__(*exc)


def _books(org: str | None = None) -> tuple:
    suffix = _suffix()
    cash = open_account(code=f"1010-{suffix}", name="Cash", account_type="asset", currency="EUR", org=org)
    sales = open_account(code=f"4000-{suffix}", name="Sales", account_type="revenue", currency="EUR", org=org)
    return cash, sales


def _sale(cash, sales, amount: str, effective_at: dt.datetime | None = None):
    return post_transaction(
        entries=[
            {"account": cash, "amount": Money(amount, "EUR"), "entry_type": "debit"},
            {"account": sales, "amount": Money(amount, "EUR"), "entry_type": "credit"},
        ],
        description="sale",
        effective_at=effective_at,
    )


def test_the_standby_is_a_real_read_only_server():
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), inet_server_port()")
        assert cursor.fetchone() == (True, int(connections["replica"].settings_dict["PORT"]))
        with pytest.raises(DatabaseError, match="read-only"):
            cursor.execute("CREATE TABLE written_on_the_standby (id int)")


def test_services_write_and_read_on_the_primary_only():
    with Queries() as queries:
        cash, sales = _books()
        _sale(cash, sales, "12.50")
    assert queries.primary.captured_queries
    assert queries.replica.captured_queries == []


def test_selectors_read_from_the_standby_once_it_caught_up():
    cash, sales = _books()
    _sale(cash, sales, "30.00")
    wait_for_replica("replica")
    with Queries() as queries:
        on_standby = get_balance(cash)
    assert on_standby == Money("30.00", "EUR")
    assert len(queries.replica.captured_queries) == 1
    assert queries.primary.captured_queries == []


def test_an_as_of_balance_on_the_standby_agrees_with_the_primary_once_caught_up():
    org = f"pharmacy-{_suffix()}"
    cash, sales = _books(org)
    now = timezone.now()
    for days, amount in ((30, "10.00"), (20, "20.00"), (10, "40.00"), (0, "80.00")):
        _sale(cash, sales, amount, effective_at=now - dt.timedelta(days=days))
    wait_for_replica("replica")
    for days in (25, 15, 5):
        as_of = now - dt.timedelta(days=days)
        with Queries() as queries:
            on_standby = get_balance(cash, as_of=as_of)
        with use_primary():
            on_primary = get_balance(cash, as_of=as_of)
        assert on_standby == on_primary
        assert len(queries.replica.captured_queries) == 1
    assert get_balance(cash, as_of=now - dt.timedelta(days=5)) == Money("70.00", "EUR")
    with Queries() as queries:
        report = trial_balance(as_of=now - dt.timedelta(days=15), org=org)
    with use_primary():
        assert trial_balance(as_of=now - dt.timedelta(days=15), org=org) == report
    assert queries.primary.captured_queries == []
    assert [row.balance for row in report.rows] == [Money("30.00", "EUR")] * 2  # the organization's books only


def test_reads_inside_a_transaction_see_its_own_writes_on_the_primary():
    cash, sales = _books()
    with transaction.atomic():
        _sale(cash, sales, "5.00")
        with Queries() as queries:
            assert get_balance(cash) == Money("5.00", "EUR")
    assert queries.replica.captured_queries == []


def test_use_primary_reads_a_commit_the_standby_may_not_have_yet():
    cash, sales = _books()
    _sale(cash, sales, "7.00")
    with use_primary(), Queries() as queries:
        assert get_balance(cash) == Money("7.00", "EUR")
    assert queries.replica.captured_queries == []


def test_stock_under_locks_on_the_primary_and_reports_from_the_standby():
    suffix = _suffix()
    item = StockItem.objects.create(sku=f"AMOX-{suffix}", name="Amoxicillin", unit="capsule")
    shelf = Location.objects.create(code=f"PH-{suffix}", name="Pharmacy", kind="pharmacy")
    today = timezone.localdate()
    lots = [
        Lot.objects.create(item=item, lot_number=f"L{days}", expiry_date=today + dt.timedelta(days=days))
        for days in (30, 60, 90)
    ]
    with Queries() as queries:
        for lot in lots:
            receive(location=shelf, lot=lot, quantity=10)
        taken = issue(location=shelf, item=item, quantity=15)  # FEFO: locks the balances it takes from
    assert [(movement.lot, movement.quantity) for movement in taken] == [(lots[0], 10), (lots[1], 5)]
    assert queries.replica.captured_queries == []
    assert any("FOR UPDATE" in query["sql"] for query in queries.primary.captured_queries)
    wait_for_replica("replica")
    with Queries() as queries:
        assert balance(shelf, item) == 15
        report = stock_report(shelf)
    assert queries.primary.captured_queries == []
    assert [line.quantity for line in report] == [5, 10]


def test_sequence_values_are_taken_on_the_primary():
    scope = f"invoice-{_suffix()}"
    with Queries() as queries:
        assert [next_value(scope, "org-a"), next_value(scope, "org-a"), next_value(scope, "org-b")] == [1, 2, 1]
    assert queries.replica.captured_queries == []
    wait_for_replica("replica")
    assert last_value(scope, "org-a") == 2


def test_wait_for_replica_gives_up_after_its_timeout():
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        cash, sales = _books()
        _sale(cash, sales, Decimal("1.00"))
        with pytest.raises(ReplicaLagError):
            wait_for_replica("replica", timeout=0.3)
        with Queries() as queries:
            stale = get_balance(cash)
        assert len(queries.replica.captured_queries) == 1
        assert stale == Money("0", "EUR")  # the standby has not replayed the sale: it does not know it
    finally:
        with connections["replica"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replica("replica")
    assert get_balance(cash) == Money("1.00", "EUR")
