import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from django_basemodels.testing import empty_guarded_tables, skip_postgres_tests
from django_decisioning.models import Decision, IdempotencyKey
from django_money import Money
from django_settlements.models import Allocation, CreditLimit, CreditMovement, Obligation, Settlement
from tests.testapp.models import Company, Person, Sale, Shop


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


def eur(amount: str | int) -> Money:
    return Money(amount, "EUR")


@dataclass
class Clock:
    """The server clock as the services see it (``django.utils.timezone.now``), moved by hand."""

    now: dt.datetime

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock(dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc))
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def alice(db) -> Person:
    return Person.objects.create(name="Alice")


@pytest.fixture
def bob(db) -> Person:
    return Person.objects.create(name="Bob")


@pytest.fixture
def carol(db) -> Person:
    return Person.objects.create(name="Carol")


@pytest.fixture
def clinic(db) -> Company:
    return Company.objects.create(name="Clinic")


@pytest.fixture
def wholesaler(db) -> Company:
    return Company.objects.create(name="Wholesaler")


@pytest.fixture
def pharmacy(db) -> Company:
    return Company.objects.create(name="Pharmacy")


@pytest.fixture
def shop(db) -> Shop:
    return Shop.objects.create(code="ops")


@pytest.fixture
def sale(db) -> Sale:
    return Sale.objects.create(number="S-1", total="120.00")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="clerk")


@pytest.fixture
def manager(django_user_model):
    """A user holding the permissions reversals, cancellations and credit limits need."""
    manager = django_user_model.objects.create_user(username="manager")
    manager.user_permissions.add(
        Permission.objects.get(codename="reverse_settlement"), Permission.objects.get(codename="change_creditlimit")
    )
    return django_user_model.objects.get(pk=manager.pk)


FACT_MODELS = (Obligation, Settlement, Allocation, CreditLimit, CreditMovement, Decision, IdempotencyKey)


@pytest.fixture
def row_counts():
    """The number of rows of every table a service may write to, to assert that a refusal wrote none."""

    def counts() -> dict[str, int]:
        return {model.__name__: model._base_manager.count() for model in FACT_MODELS}

    return counts


@pytest.fixture
def committed_db(transactional_db):
    """Real commits: no test transaction around the test (use it instead of a ``django_db`` mark).

    Django empties the tables after such a test, with ``DELETE`` on SQLite, which the guarantees of the facts
    refuse: the guarded tables are emptied first, their triggers dropped meanwhile.
    """
    yield
    empty_guarded_tables()
