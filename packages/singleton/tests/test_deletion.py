"""The row of a singleton is never deleted through the ORM: delete(), QuerySet.delete() and cascades raise."""

import pytest
from asgiref.sync import async_to_sync
from django.db import transaction

from django_singleton import SingletonDeletionError, SingletonError
from django_singleton.models import _refuse_deletion
from tests.testapp.models import SiteSettings, StoreSettings, Warehouse

pytestmark = pytest.mark.django_db


def test_deleting_the_instance_raises_and_keeps_the_row():
    instance = SiteSettings.get_instance()
    with pytest.raises(SingletonDeletionError, match=r"testapp\.SiteSettings has exactly one row"):
        instance.delete()
    assert SiteSettings.objects.filter(pk=1).exists()


def test_deleting_through_the_queryset_raises_and_keeps_the_row():
    SiteSettings.get_instance()
    with pytest.raises(SingletonDeletionError):
        SiteSettings.objects.all().delete()
    with pytest.raises(SingletonDeletionError):
        SiteSettings.objects.filter(pk=1).delete()
    assert SiteSettings.objects.filter(pk=1).exists()


def test_deleting_through_the_async_api_raises():
    instance = SiteSettings.get_instance()
    with pytest.raises(SingletonDeletionError):
        async_to_sync(instance.adelete)()
    assert SiteSettings.objects.filter(pk=1).exists()


def test_deleting_through_a_plain_manager_raises():
    SiteSettings.get_instance()
    with pytest.raises(SingletonDeletionError), transaction.atomic():
        SiteSettings._base_manager.all().delete()
    assert SiteSettings.objects.filter(pk=1).exists()


def test_a_cascade_from_a_deleted_related_row_raises_and_deletes_nothing():
    warehouse = Warehouse.objects.create(name="North")
    StoreSettings.objects.create(home_warehouse=warehouse)
    with pytest.raises(SingletonDeletionError, match="not even by a cascade"), transaction.atomic():
        warehouse.delete()
    assert Warehouse.objects.filter(pk=warehouse.pk).exists()
    assert StoreSettings.objects.get().home_warehouse == warehouse


def test_deleting_a_row_that_no_singleton_references_still_works():
    Warehouse.objects.create(name="Unused").delete()
    assert not Warehouse.objects.exists()


def test_the_deletion_error_is_a_singleton_error():
    assert issubclass(SingletonDeletionError, SingletonError)


def test_the_deletion_guard_lets_rows_of_other_models_go():
    # What the pre_delete receiver sees if a garbage-collected singleton class's id was reused by Warehouse.
    warehouse = Warehouse.objects.create(name="Reused id")
    assert _refuse_deletion(sender=Warehouse, instance=warehouse) is None
