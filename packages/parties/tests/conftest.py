"""Party factories as fixtures, and the ``server`` marker (skipped with a reason on SQLite)."""

import datetime
import itertools

import pytest
from django.utils import timezone

from django_basemodels.testing import skip_postgres_tests
from django_parties import services

_counter = itertools.count(1)


def pytest_collection_modifyitems(config, items):
    skip_postgres_tests(items)


@pytest.fixture
def make_person(db):
    def make(**fields):
        fields.setdefault("given_name", f"Given{next(_counter)}")
        fields.setdefault("family_name", "Doe")
        return services.create_person(**fields)

    return make


@pytest.fixture
def make_organization(db):
    def make(**fields):
        fields.setdefault("name", f"Organization {next(_counter)}")
        return services.create_organization(**fields)

    return make


@pytest.fixture
def make_group(db):
    def make(**fields):
        fields.setdefault("name", f"Group {next(_counter)}")
        return services.create_group(**fields)

    return make


@pytest.fixture
def make_user(db, django_user_model):
    def make(username=None):
        return django_user_model.objects.create_user(username=username or f"user{next(_counter)}", password="x")

    return make


@pytest.fixture
def person(make_person):
    return make_person(given_name="Alice", family_name="Smith")


@pytest.fixture
def organization(make_organization):
    return make_organization(name="Acme")


@pytest.fixture
def group(make_group):
    return make_group(name="Volunteers")


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def days():
    return lambda n: datetime.timedelta(days=n)
