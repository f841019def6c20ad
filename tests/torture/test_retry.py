"""Retry: the same request three times gives exactly one effect, and every call gets the first result."""

from __future__ import annotations

import pytest
from django.conf import settings

from django_decisioning.testing import assert_idempotent
from tests.torture.matrix import parameters

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize("surface", parameters("retry"))
def test_retry(surface, world):
    plan = surface.retry(world)
    assert_idempotent(plan.call, count=plan.count, times=3)
    plan.check_after()


@pytest.mark.skipif(
    ON_SQLITE,
    reason="needs PostgreSQL or MariaDB: committing each call needs a transactional test, whose flush on SQLite "
    "is a DELETE that the append-only triggers refuse (the server databases truncate)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("surface", parameters("retry"))
def test_retry_committed(surface, world):
    """The same, with each call in its own committed transaction, as three HTTP requests would be."""
    plan = surface.retry(world)
    assert_idempotent(plan.call, count=plan.count, times=3)
    plan.check_after()
