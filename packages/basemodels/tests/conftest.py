"""Fixtures shared by the tests, and the ``postgres`` marker (skipped with a reason on other databases)."""

import pytest

from django_basemodels.testing import skip_postgres_tests
from tests.testapp.models import Invoice, Ticket


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items, reason="needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def invoice() -> Invoice:
    return Invoice.objects.create(number="INV-1")


@pytest.fixture
def ticket() -> Ticket:
    return Ticket.objects.create(title="Printer jam")
