"""Fixtures shared by the tests, and the ``postgres`` and ``server`` markers (skipped with a reason elsewhere)."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from django_basemodels.testing import empty_guarded_tables, skip_postgres_tests
from django_notes.models import NoteRevision
from tests.testapp.models import Customer, Invoice, Ticket, Warehouse


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(
        items, reason="needs PostgreSQL (its planner settings and SQL): set DATABASE_URL=postgres://..."
    )


@pytest.fixture
def autocommit_db(transactional_db) -> None:
    """Real autocommit (no test transaction around the test), for a test that runs real concurrent
    connections or drops a trigger (MariaDB commits the open transaction before any DDL statement).

    Django empties the tables after such a test with DELETE on SQLite and MariaDB, which the append-only
    revisions refuse: their table is emptied first, with its triggers dropped meanwhile.
    """
    yield
    empty_guarded_tables(NoteRevision)


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user("ada", "ada@example.com", "pw")


@pytest.fixture
def other_user(db) -> User:
    return User.objects.create_user("bob", "bob@example.com", "pw")


@pytest.fixture
def invoice(db) -> Invoice:
    return Invoice.objects.create(number="INV-1")


@pytest.fixture
def ticket(db) -> Ticket:
    return Ticket.objects.create(title="broken printer")


@pytest.fixture
def customer(db) -> Customer:
    return Customer.objects.create(name="ACME")


@pytest.fixture
def warehouse(db) -> Warehouse:
    return Warehouse.objects.create(code="north-1")


@pytest.fixture
def warm_content_types(db) -> None:
    """Fill Django's per-process content type cache, as a running site has it, before counting queries."""
    for model in (Invoice, Ticket, Customer, Warehouse):
        ContentType.objects.get_for_model(model)


@pytest.fixture
def superuser_client(db) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client
