"""Fixtures shared by the tests, and the ``server`` marker (skipped with a reason on SQLite)."""

import pytest
from django.test import Client

from django_basemodels.testing import skip_postgres_tests
from django_modules.models import Module
from tests.testapp.models import Org


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


@pytest.fixture
def org(db):
    return Org.objects.create(name="Acme Clinic")


@pytest.fixture
def other_org(db):
    return Org.objects.create(name="Other Clinic")


@pytest.fixture
def make_module(db):
    def make(key, *, active=True, name=None):
        return Module.objects.create(key=key, name=name or key.title(), active=active)

    return make


@pytest.fixture
def pharmacy(make_module):
    """On by default."""
    return make_module("pharmacy", active=True)


@pytest.fixture
def billing(make_module):
    """Off by default."""
    return make_module("billing", active=False)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="admin-of-modules")


@pytest.fixture
def superuser_client(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "pw"))
    return client
