import datetime as dt
import itertools
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from django_basemodels.guarantees import guarantee_problems, install_guarantees
from django_basemodels.guarantees.installation import drop_definitions, model_definitions
from django_basemodels.testing import empty_guarded_tables, skip_postgres_tests, trigger_names
from django_stock.models import Location, Lot, StockBalance, StockItem


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


_numbers = itertools.count(1)


def days_from_today(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def item(db):
    return StockItem.objects.create(sku="AMOX-500", name="Amoxicillin 500 mg", unit="capsule")


@pytest.fixture
def make_lot(item):
    def make(*, expires_in: int | None = 365, status: str = "active", of=None, number: str | None = None) -> Lot:
        return Lot.objects.create(
            item=of or item,
            lot_number=number or f"LOT-{next(_numbers):04d}",
            expiry_date=days_from_today(expires_in) if expires_in is not None else None,
            status=status,
        )

    return make


@pytest.fixture
def lot(make_lot):
    return make_lot()


@pytest.fixture
def make_location(db):
    def make(code: str | None = None, **fields) -> Location:
        code = code or f"LOC-{next(_numbers):04d}"
        return Location.objects.create(code=code, name=fields.pop("name", code), **fields)

    return make


@pytest.fixture
def store(make_location):
    return make_location("STORE")


@pytest.fixture
def pharmacy(make_location):
    return make_location("PHARMACY", kind="pharmacy")


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="clerk")


@pytest.fixture
def quality_officer(django_user_model):
    """A user holding ``django_stock.block_lot`` and nothing else: blocks and unblocks lots and items."""
    officer = django_user_model.objects.create_user(username="quality")
    officer.user_permissions.add(Permission.objects.get(content_type__app_label="django_stock", codename="block_lot"))
    return django_user_model.objects.get(pk=officer.pk)  # read again: no permission cache from before the grant


@pytest.fixture
def manager(django_user_model):
    return django_user_model.objects.create_superuser(username="manager")


@pytest.fixture
def committed_db(transactional_db):
    """Real commits: no test transaction around the test (use it instead of a ``django_db`` mark).

    Django empties the tables after such a test, with ``DELETE`` on SQLite, which the guarantees of
    movements and decisions refuse: the guarded tables are emptied first, their triggers dropped
    meanwhile. A test that drops or installs triggers needs it too: MariaDB/MySQL commit the open
    transaction at every DDL statement, which would end the transaction a ``django_db`` test runs in.
    """
    yield
    empty_guarded_tables()


@contextmanager
def balance_guarantees_off() -> Iterator[None]:
    """The balance table without its triggers, as during a bulk load made with them off; re-installed on exit.

    Lets a test make balance rows drift from their movements (what ``stock_balances`` reports).
    The test needs ``committed_db``.
    """
    drop_definitions(connection, model_definitions(StockBalance, connection))
    assert trigger_names(StockBalance._meta.db_table) == set()
    try:
        yield
    finally:
        install_guarantees(models=[StockBalance])
    assert guarantee_problems() == []
