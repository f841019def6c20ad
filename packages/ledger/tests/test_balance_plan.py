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
from django_ledger.selectors import balances, get_balance
from django_ledger.services import close_books, open_account

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


def mysql_accesses(node) -> list[dict]:
    """Every table access of a MariaDB/MySQL JSON plan, subqueries included."""
    if isinstance(node, list):
        return [access for item in node for access in mysql_accesses(item)]
    if not isinstance(node, dict):
        return []
    found = [node] if "table_name" in node else []
    return found + [access for value in node.values() for access in mysql_accesses(value)]


def scans_of(sql: str) -> list[tuple[str, str]]:
    """(how, index) of each table access in the plan of ``sql``: an "Index Only Scan" on PostgreSQL; on
    MariaDB/MySQL "index only" when the plan says ``using_index`` (the rows are never read)."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("EXPLAIN FORMAT=JSON " + sql)
            accesses = mysql_accesses(json.loads(cursor.fetchone()[0]))
            return [
                ("index only" if table.get("using_index") else table["access_type"], table.get("key") or "")
                for table in accesses
                if table.get("access_type") != "ALL" or table.get("key")  # not the derived/const "tables"
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


def starts_after_the_closing(sql: str) -> bool:
    """Whether the entries' index range starts after a bound (the latest closing): the ``Index Cond`` on
    PostgreSQL, a ``range`` access over ``effective_at`` on MariaDB/MySQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("EXPLAIN FORMAT=JSON " + sql)
            [access] = [
                access
                for access in mysql_accesses(json.loads(cursor.fetchone()[0]))
                if access.get("key") == "django_ledger_entry_balance"
            ]
            return access["access_type"] == "range" and "effective_at" in access.get("used_key_parts", [])
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        root = cursor.fetchone()[0][0]["Plan"]

    def conditions(node: dict) -> list[str]:
        found = [node.get("Index Cond", "")] if node.get("Index Name") == "django_ledger_entry_balance" else []
        return found + [condition for child in node.get("Plans", []) for condition in conditions(child)]

    [condition] = conditions(root)
    return "effective_at >" in condition


def test_every_balance_query_is_an_index_only_scan_of_the_balance_index():
    """The entries: an index-only scan of the balance index. A closed account's closing balances (its latest
    in the window): their unique index (account, closed_through), and the entries' range starts after it;
    an account never closed reads no closing at all."""
    accounts = load_ledger()
    now = timezone.now()
    windows = ({}, {"as_of": now - dt.timedelta(days=100)}, {"as_of": now, "known_at": now})
    for closed in (False, True):
        if closed:
            close_books(through=now - dt.timedelta(days=200))
            close_books(through=now - dt.timedelta(days=50))
            accounts[3].refresh_from_db()
        for window in windows:
            with CaptureQueriesContext(connection) as captured:
                balance = get_balance(accounts[3], **window)
            [query] = captured.captured_queries
            scans = scans_of(query["sql"])
            entry_scans = [scan for scan in scans if scan[1] != "django_ledger_closing_per_instant"]
            assert entry_scans == [(INDEX_ONLY[connection.vendor], "django_ledger_entry_balance")], (window, scans)
            if closed:
                assert len(scans) > len(entry_scans), scans  # the closings, through their index
                assert starts_after_the_closing(query["sql"]), window
            else:
                assert scans == entry_scans, scans
            assert balance == balances([accounts[3]], **window)[accounts[3]]
