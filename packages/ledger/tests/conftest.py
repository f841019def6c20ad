"""Fixtures shared by the test modules: accounts, users, raw SQL, and the skip of the database server tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from hypothesis import settings as hypothesis_settings

from django_basemodels.testing import empty_guarded_tables, skip_postgres_tests
from django_decisioning.models import Decision
from django_ledger import EntrySpec
from django_ledger.models import Account, Entry, Transaction
from django_ledger.services import open_account, post_transaction

# No example database in the package folder; runs stay reproducible from the seed printed on failure.
hypothesis_settings.register_profile("ledger", database=None, deadline=None)
hypothesis_settings.load_profile("ledger")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(
        items,
        server_reason="needs PostgreSQL or MariaDB/MySQL (real concurrent connections, an application role, "
        "the query plan): set DATABASE_URL=postgres://... or mysql://...",
    )


@pytest.fixture
def cash(db) -> Account:
    return open_account(code="1000", name="Cash", account_type="asset", currency="USD")


@pytest.fixture
def receivables(db) -> Account:
    return open_account(code="1100", name="Receivables", account_type="asset", currency="USD")


@pytest.fixture
def payables(db) -> Account:
    return open_account(code="2000", name="Payables", account_type="liability", currency="USD")


@pytest.fixture
def equity(db) -> Account:
    return open_account(code="3000", name="Capital", account_type="equity", currency="USD")


@pytest.fixture
def sales(db) -> Account:
    return open_account(code="4000", name="Sales", account_type="revenue", currency="USD")


@pytest.fixture
def rent(db) -> Account:
    return open_account(code="5000", name="Rent", account_type="expense", currency="USD")


@pytest.fixture
def euro_cash(db) -> Account:
    return open_account(code="1001", name="Cash EUR", account_type="asset", currency="EUR")


@pytest.fixture
def euro_sales(db) -> Account:
    return open_account(code="4001", name="Sales EUR", account_type="revenue", currency="EUR")


@pytest.fixture
def sale(cash, sales):
    """A posted sale: 100 USD debited to cash, credited to sales."""
    return post_transaction(
        entries=[EntrySpec.debit(cash, Decimal("100.00")), EntrySpec.credit(sales, Decimal("100.00"))],
        description="Cash sale",
    )


@pytest.fixture
def split_sale(cash, receivables, sales):
    """Three entries: 60 cash and 40 receivables against 100 sales."""
    return post_transaction(
        entries=[
            EntrySpec.debit(cash, Decimal("60")),
            EntrySpec.debit(receivables, Decimal("40")),
            EntrySpec.credit(sales, Decimal("100")),
        ],
        description="Split sale",
    )


@pytest.fixture
def committed_ledger():
    """For a test that commits (``django_db(transaction=True)``) and migrates the ledger: migrated to the
    latest after it, and its guarded tables emptied with their triggers lifted."""
    yield
    call_command("migrate", "django_ledger", verbosity=0)
    empty_guarded_tables(Decision, Entry, Transaction)


@pytest.fixture
def accountant(django_user_model):
    user = django_user_model.objects.create_user(username="accountant")
    user.user_permissions.add(Permission.objects.get(codename="reverse_transaction"))
    return django_user_model.objects.get(pk=user.pk)  # fresh: no stale permission cache


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user(username="clerk")


def run_sql(sql: str, params: list | None = None) -> int:
    """Run raw SQL on the default connection and return the row count."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def ledger_row_counts() -> tuple[int, int]:
    """(transactions, entries) in the ledger tables, drafts included."""
    from django_ledger.models import Entry, Transaction

    return Transaction.objects.count(), Entry.objects.count()


# MariaDB/MySQL: the concurrency tests run at READ COMMITTED, what Django asks for, and at REPEATABLE READ,
# the server's default, which a project may ask for (OPTIONS["isolation_level"]); there InnoDB also locks
# the gaps between index records, and a read keeps its transaction's first snapshot.
ISOLATION_LEVELS = ["read committed", "repeatable read"] if connection.vendor == "mysql" else [None]


def isolation_level_id(level: str | None) -> str:
    return (level or "default").replace(" ", "-")


@contextmanager
def at_isolation_level(level: str | None) -> Iterator[str | None]:
    """Django's connections (threads' included) at ``level`` for the block; ``None`` leaves them as they are."""
    if level is None:
        yield None
        return
    options = connection.settings_dict.setdefault("OPTIONS", {})
    saved = dict(options)
    connection.close()
    options["isolation_level"] = level
    try:
        yield level
    finally:
        connection.close()
        options.clear()
        options.update(saved)
