"""Fixtures shared by the tests, and the ``server`` marker (skipped with a reason on SQLite)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

from django_agreements.services import create_agreement
from django_basemodels.testing import skip_postgres_tests
from django_money import Money
from tests.testapp.models import Customer, Organization, Plan

# No example database: the tests leave nothing behind in the working tree.
hypothesis_settings.register_profile("agreements", database=None)
hypothesis_settings.load_profile("agreements")

TERMS = {"monthly_fee": Decimal("99.00"), "features": ["basic", "reports"], "cap": Money("500.00", "USD")}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


@pytest.fixture
def customer(db) -> Customer:
    return Customer.objects.create(name="Ada")


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(name="Acme")


@pytest.fixture
def plan(db) -> Plan:
    return Plan.objects.create(code="basic", monthly_fee=Decimal("99.00"))


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user(username="owner")


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user(username="stranger")


@pytest.fixture
def start():
    """A business time a month ago, so amendments and terminations have room on both sides."""
    return timezone.now() - dt.timedelta(days=30)


@pytest.fixture
def agreement(customer, organization, owner, start):
    return create_agreement(
        party_a=customer,
        party_b=organization,
        scope_type="service_plan",
        terms=TERMS,
        agreed_by=owner,
        effective_at=start,
    )
