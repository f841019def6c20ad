"""SingletonModel.save(): always pk 1; a new instance saved over an existing row updates that row."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from tests.testapp.models import SiteSettings, StoreSettings

pytestmark = pytest.mark.django_db


def test_saving_a_new_instance_stores_it_with_pk_1():
    instance = SiteSettings(site_name="Shop")
    instance.save()
    assert instance.pk == 1
    assert SiteSettings.objects.get().site_name == "Shop"


def test_an_explicit_other_pk_is_replaced_by_1():
    instance = SiteSettings(pk=42, site_name="Shop")
    instance.save()
    assert instance.pk == 1
    assert list(SiteSettings.objects.values_list("pk", flat=True)) == [1]


def test_saving_a_second_new_instance_updates_the_one_row():
    SiteSettings(site_name="First").save()
    SiteSettings(site_name="Second", maintenance_mode=True).save()
    row = SiteSettings.objects.get()
    assert (row.pk, row.site_name, row.maintenance_mode) == (1, "Second", True)


def test_saving_the_instance_from_get_instance_updates_the_row():
    settings = StoreSettings.get_instance()
    settings.tax_rate = Decimal("7.50")
    settings.save()
    assert StoreSettings.objects.get().tax_rate == Decimal("7.50")


def test_update_fields_writes_only_those_fields():
    SiteSettings.objects.create(site_name="Shop")
    stale = SiteSettings.objects.get()
    SiteSettings.objects.update(site_name="Renamed")
    stale.maintenance_mode = True
    stale.save(update_fields=["maintenance_mode"])
    row = SiteSettings.objects.get()
    assert (row.site_name, row.maintenance_mode) == ("Renamed", True)


def test_create_when_the_row_exists_raises_integrity_error():
    # objects.create() means INSERT (force_insert=True), as in Django: it never overwrites.
    SiteSettings.objects.create(site_name="First")
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteSettings.objects.create(site_name="Second")
    assert SiteSettings.objects.get().site_name == "First"


def test_a_new_instance_failing_for_another_reason_raises_and_saves_nothing():
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteSettings(site_name=None).save()
    assert not SiteSettings.objects.exists()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_a_new_instance_updates_the_row_another_connection_inserted_after_its_update_missed():
    # Django saves a new instance as UPDATE pk 1 (no row yet), then INSERT: the other connection
    # inserts the row exactly between the two, so the INSERT hits the primary key.
    table = SiteSettings._meta.db_table
    interleaved = threading.Event()

    def insert_from_another_connection() -> None:
        try:
            SiteSettings.objects.create(site_name="Other connection")
        finally:
            connection.close()

    def before_insert(execute, sql, params, many, context):
        if not interleaved.is_set() and sql.startswith("INSERT") and table in sql:
            interleaved.set()
            other = threading.Thread(target=insert_from_another_connection)
            other.start()
            other.join()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(before_insert):
        SiteSettings(site_name="This connection").save()

    assert interleaved.is_set()
    assert list(SiteSettings.objects.values_list("site_name", flat=True)) == ["This connection"]


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_new_instances_leave_one_row():
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def save_new_instance(index: int) -> None:
        try:
            barrier.wait()
            SiteSettings(site_name=f"Thread {index}").save()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save_new_instance, args=(index,)) for index in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    rows = list(SiteSettings.objects.values_list("pk", "site_name"))
    assert len(rows) == 1
    assert rows[0][0] == 1
    assert rows[0][1] in {f"Thread {index}" for index in range(threads_count)}
