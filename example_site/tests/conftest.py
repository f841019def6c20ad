"""Fixtures: the demo data is seeded once per test session; each test runs in a transaction rolled back after it.

``DATABASE_URL`` picks the database: empty gives SQLite in memory, a PostgreSQL URL gives the test
database ``test_example_site``. Tests never use ``transaction=True`` (the append-only tables' triggers
refuse the DELETE that SQLite's flush would run); the end-to-end test runs its own server process.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from clinic.seed import seed


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # seeding and signing in fast
    # Documents (invoice copies, uploads) go to memory, not to example_site/media/.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with django_db_blocker.unblock():
        seed()


@pytest.fixture
def user(db):
    """``user("vet")``: a seeded user (demo: superuser; vet: clinician; accountant; auditor: read-only)."""
    return lambda username: get_user_model().objects.get(username=username)


@pytest.fixture
def api(user):
    """``api("vet")``: an API client authenticated as that seeded user."""

    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(user(username))
        return client

    return client_for


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Each test starts with no sign-in attempts counted (the throttles count in the cache)."""
    cache.clear()
    yield
    cache.clear()
