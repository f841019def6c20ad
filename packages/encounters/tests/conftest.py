"""Fixtures shared by the tests, and the ``server`` marker (skipped with a reason on SQLite)."""

import pytest

from django_basemodels.testing import skip_postgres_tests
from django_encounters.models import EncounterDefinition
from tests.testapp.models import Asset, Ticket

REPAIR_JOB = {
    "key": "repair_job",
    "states": ["pending", "active", "review", "completed", "cancelled"],
    "transitions": {
        "pending": ["active", "cancelled"],
        "active": ["review", "cancelled"],
        "review": ["active", "completed"],
    },
    "initial_state": "pending",
    "terminal_states": ["completed", "cancelled"],
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


@pytest.fixture
def definition(db) -> EncounterDefinition:
    return EncounterDefinition.objects.create(**REPAIR_JOB)


@pytest.fixture
def asset(db) -> Asset:
    return Asset.objects.create(name="Boiler 7")


@pytest.fixture
def ticket(db) -> Ticket:
    return Ticket.objects.create(title="Leaking tap")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="tech")


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(username="lead", is_staff=True)
