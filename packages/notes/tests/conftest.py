"""Fixtures shared by the tests, and the ``postgres`` marker (skipped with a reason on other databases)."""

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client

from tests.testapp.models import Customer, Invoice, Ticket, Warehouse


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (concurrent connections, join plans): set DATABASE_URL=postgres://..."
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


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
