"""The balance query reads the covering index only (the plan of PostgreSQL and of MariaDB/MySQL), with
and without as_of and known_at.

No time is measured here (``benchmarks/`` would); the plan shows the shape the performance target
relies on: an index-only scan of ``django_ledger_entry_balance`` over the account's range.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_ledger.models import Account, Entry, Transaction
from django_ledger.selectors import get_balance
from django_ledger.services import open_account

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

ACCOUNTS = 20
TRANSACTIONS = 30
PAIRS_PER_TRANSACTION = 100  # 6,000 entries


def load_ledger() -> list[Account]:
    """Posted entries spread over accounts and 400 days, then fresh statistics (as autovacuum or
    InnoDB's automatic statistics would gather)."""
    accounts = [
        open_account(code=f"{index:04}", name=f"Account {index}", account_type="asset", currency="USD")
        for index in range(ACCOUNTS)
    ]
    now = timezone.now()
    rng = random.Random(7)
    for number in range(TRANSACTIONS):
        txn = Transaction.objects.create(
            description=f"batch {number}", effective_at=now - dt.timedelta(days=rng.randint(0, 400))
        )
        entries = []
        for _ in range(PAIRS_PER_TRANSACTION):
            debit, credit = rng.sample(accounts, 2)
            amount = Decimal(rng.randint(1, 10**6)).scaleb(-2)
            entries += [
                Entry(transaction=txn, account=debit, entry_type="debit", amount=amount, currency="USD"),
                Entry(transaction=txn, account=credit, entry_type="credit", amount=amount, currency="USD"),
            ]
        Entry._base_manager.bulk_create(entries)
        Transaction._base_manager.filter(pk=txn.pk).update(posted_at=timezone.now())
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE django_ledger_entry")
        else:
            cursor.execute("ANALYZE TABLE django_ledger_entry")
            cursor.fetchall()
    return accounts


def scans_of(sql: str) -> list[tuple[str, str]]:
    """(how, index) of each table access in the plan of ``sql``: an "Index Only Scan" on PostgreSQL; on
    MariaDB/MySQL "index only" when the plan says ``using_index`` (the rows are never read)."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("EXPLAIN FORMAT=JSON " + sql)
            accesses = [item["table"] for item in json.loads(cursor.fetchone()[0])["query_block"]["nested_loop"]]
            return [
                ("index only" if table.get("using_index") else table["access_type"], table.get("key") or "")
                for table in accesses
            ]
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        root = cursor.fetchone()[0][0]["Plan"]

    def walk(node: dict) -> list[tuple[str, str]]:
        found = [(node["Node Type"], node.get("Index Name", ""))] if "Scan" in node["Node Type"] else []
        for child in node.get("Plans", []):
            found += walk(child)
        return found

    return walk(root)


INDEX_ONLY = {"postgresql": "Index Only Scan", "mysql": "index only"}


def test_every_balance_query_is_an_index_only_scan_of_the_balance_index():
    accounts = load_ledger()
    now = timezone.now()
    for window in ({}, {"as_of": now - dt.timedelta(days=100)}, {"as_of": now, "known_at": now}):
        with CaptureQueriesContext(connection) as captured:
            get_balance(accounts[3], **window)
        [query] = captured.captured_queries
        assert scans_of(query["sql"]) == [(INDEX_ONLY[connection.vendor], "django_ledger_entry_balance")], window
