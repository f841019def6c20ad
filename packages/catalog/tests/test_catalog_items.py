"""CatalogItem data and invariants, and the CatalogSettings singleton."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from django_catalog.models import CatalogItem, CatalogSettings
from django_singleton import SingletonDeletionError
from django_singleton.models import SingletonModel

pytestmark = pytest.mark.django_db


def test_the_seed_example_creates_a_service_item():
    item = CatalogItem.objects.create(kind="service", service_category="lab", display_name="Blood Test")

    assert (item.active, item.routing, item.price_amount, str(item)) == (True, "", None, "Blood Test")


def test_catalog_queries_filter_by_kind_activity_and_category(blood_test, amoxicillin, make_catalog_item):
    retired = make_catalog_item(display_name="Old Test", active=False)

    assert list(CatalogItem.objects.services()) == [blood_test, retired]
    assert list(CatalogItem.objects.stock_items()) == [amoxicillin]
    assert list(CatalogItem.objects.active().in_category("lab")) == [blood_test]


def test_a_soft_deleted_item_leaves_the_catalog_but_stays_in_the_table(blood_test):
    blood_test.delete()

    assert not CatalogItem.objects.exists()
    assert CatalogItem.all_objects.get().is_deleted


def test_the_database_refuses_a_negative_price(make_catalog_item):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_catalog_item(price_amount=Decimal("-1"))


def test_the_database_refuses_a_price_without_currency(make_catalog_item):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_catalog_item(price_currency="")


def test_the_database_refuses_an_unknown_kind(make_catalog_item):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_catalog_item(kind="gadget")


def test_catalog_settings_is_one_row_with_safe_defaults():
    catalog_settings = CatalogSettings.get_instance()

    assert isinstance(catalog_settings, SingletonModel)
    assert (catalog_settings.pk, catalog_settings.allow_inactive_items, catalog_settings.default_routing) == (
        1,
        False,
        "",
    )
    assert CatalogSettings.get_instance() == catalog_settings


def test_catalog_settings_cannot_be_deleted():
    with pytest.raises(SingletonDeletionError):
        CatalogSettings.get_instance().delete()


def test_the_database_refuses_a_second_catalog_settings_row():
    CatalogSettings.get_instance()

    with pytest.raises(IntegrityError), transaction.atomic():
        CatalogSettings.objects.bulk_create([CatalogSettings(pk=2)])
