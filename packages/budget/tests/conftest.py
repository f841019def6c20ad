import datetime as dt
from decimal import Decimal

import pytest

from django_basemodels.testing import skip_postgres_tests
from django_budget import services
from django_budget.models import Bucket, Budget, BudgetTransaction, MonthlyAllocation
from django_decisioning.models import Decision

JAN = dt.date(2026, 1, 1)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


@pytest.fixture
def budget(db):
    return services.create_budget(name="Home", currency="EUR")


@pytest.fixture
def groceries(budget):
    return services.create_bucket(
        budget=budget, name="Groceries", kind="essentials", monthly_limit=Decimal("900"), priority="A", start_month=JAN
    )


@pytest.fixture
def fun(budget):
    return services.create_bucket(
        budget=budget, name="Fun", kind="fun", monthly_limit=Decimal("200"), priority="C", start_month=JAN
    )


@pytest.fixture
def row_counts():
    """The number of rows of every table a service may write to, to assert that a refusal wrote none."""

    def counts():
        return {
            model.__name__: model._base_manager.count()
            for model in (Budget, Bucket, MonthlyAllocation, BudgetTransaction, Decision)
        }

    return counts
