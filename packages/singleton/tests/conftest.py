"""Fixtures shared by the tests, and the ``server`` marker (skipped with a reason on SQLite)."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

SERVER_VENDORS = ("postgresql", "mysql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    server_only = pytest.mark.skip(
        reason="needs a database server (real concurrent connections): set DATABASE_URL=postgres://... or mysql://..."
    )
    for item in items:
        if "server" in item.keywords and connection.vendor not in SERVER_VENDORS:
            item.add_marker(server_only)


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client
