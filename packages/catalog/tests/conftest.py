from decimal import Decimal

import pytest

from django_basemodels.testing import skip_postgres_tests
from django_catalog.models import CatalogItem
from tests.testapp.models import Encounter


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_postgres_tests(items)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="nurse")


@pytest.fixture
def other_user(django_user_model):
    return django_user_model.objects.create_user(username="pharmacist")


@pytest.fixture
def encounter(db):
    return Encounter.objects.create(patient="Ada")


@pytest.fixture
def make_catalog_item(db):
    def make(**fields):
        values = {
            "kind": CatalogItem.Kind.SERVICE,
            "service_category": "lab",
            "display_name": "Blood Test",
            "routing": "lab",
            "price_amount": Decimal("25.0000"),
            "price_currency": "USD",
        }
        values.update(fields)
        return CatalogItem.objects.create(**values)

    return make


@pytest.fixture
def blood_test(make_catalog_item):
    return make_catalog_item()


@pytest.fixture
def amoxicillin(make_catalog_item):
    return make_catalog_item(
        kind=CatalogItem.Kind.STOCK_ITEM,
        service_category="pharmacy",
        display_name="Amoxicillin 500mg",
        routing="pharmacy",
        price_amount=Decimal("3.5000"),
        stock_sku="AMX-500",
    )


@pytest.fixture
def basket(encounter, user):
    from django_catalog.services import get_or_create_draft_basket

    return get_or_create_draft_basket(encounter, user)
