import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from django_basemodels.testing import skip_postgres_tests
from tests.testapp.models import Task, Ticket


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


@dataclass
class Clock:
    """The server clock as the services see it (``django.utils.timezone.now``), moved by hand."""

    now: dt.datetime

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(dt.datetime(2024, 5, 6, 9, 0, tzinfo=dt.timezone.utc))
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="ada")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="grace")


@pytest.fixture
def task(db) -> Task:
    return Task.objects.create(title="write report")


@pytest.fixture
def other_task(db) -> Task:
    return Task.objects.create(title="review report")


@pytest.fixture
def ticket(db) -> Ticket:
    return Ticket.objects.create(title="printer jam")
