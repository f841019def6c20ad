"""Fixtures shared by the tests, and the ``postgres`` marker (skipped with a reason on other databases)."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (concurrent connections, transactional DDL): set DATABASE_URL=postgres://..."
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client
