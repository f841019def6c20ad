"""Fixtures shared by the tests, and the ``postgres`` marker (skipped with a reason on other databases)."""

import pytest
from django.db import connection

from tests.testapp.models import Invoice, Ticket


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def invoice() -> Invoice:
    return Invoice.objects.create(number="INV-1")


@pytest.fixture
def ticket() -> Ticket:
    return Ticket.objects.create(title="Printer jam")
