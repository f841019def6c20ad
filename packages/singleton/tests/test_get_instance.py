"""SingletonModel.get_instance(): creates the row on first use, reuses it, detects rogue rows, survives races."""

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from django_singleton import SingletonError, SingletonViolationError
from tests.testapp.models import LegacySettings, SiteSettings, StoreSettings

pytestmark = pytest.mark.django_db


def test_first_call_creates_the_row_with_pk_1_and_field_defaults():
    instance = SiteSettings.get_instance()
    assert instance.pk == 1
    assert instance.site_name == "My site"
    assert SiteSettings.objects.count() == 1


def test_later_calls_return_the_existing_row():
    SiteSettings.objects.create(site_name="Shop")
    assert SiteSettings.get_instance().site_name == "Shop"
    assert SiteSettings.objects.count() == 1


def test_defaults_apply_only_when_the_row_is_created():
    assert SiteSettings.get_instance(defaults={"site_name": "First"}).site_name == "First"
    assert SiteSettings.get_instance(defaults={"site_name": "Second"}).site_name == "First"


def test_a_read_of_an_existing_row_costs_one_query(django_assert_num_queries):
    SiteSettings.get_instance()
    with django_assert_num_queries(1):
        SiteSettings.get_instance()


def test_creation_failing_for_another_reason_raises_the_integrity_error():
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteSettings.get_instance(defaults={"site_name": None})
    assert not SiteSettings.objects.exists()


def test_each_model_has_its_own_row():
    assert SiteSettings.get_instance().pk == 1
    assert StoreSettings.get_instance().pk == 1
    assert (SiteSettings.objects.count(), StoreSettings.objects.count()) == (1, 1)


async def _aget_site_settings() -> SiteSettings:
    return await SiteSettings.aget_instance(defaults={"site_name": "Async"})


def test_aget_instance_returns_the_row_to_async_code():
    from asgiref.sync import async_to_sync

    instance = async_to_sync(_aget_site_settings)()
    assert (instance.pk, instance.site_name) == (1, "Async")


def test_a_second_row_found_on_read_raises_a_violation():
    # LegacySettings' table has no constraint, like a legacy table.
    LegacySettings.objects.bulk_create([LegacySettings(pk=1), LegacySettings(pk=2)])
    with pytest.raises(SingletonViolationError, match="more than one row"):
        LegacySettings.get_instance()


def test_a_lone_row_with_another_pk_found_on_read_raises_a_violation():
    LegacySettings.objects.bulk_create([LegacySettings(pk=5)])
    with pytest.raises(SingletonViolationError, match="a row with pk 5"):
        LegacySettings.get_instance()
    assert list(LegacySettings.objects.values_list("pk", flat=True)) == [5]


@pytest.mark.django_db(transaction=True)
def test_a_rogue_row_after_the_constraint_is_dropped_raises_a_violation_and_blocks_its_return(monkeypatch):
    # Real DDL (MariaDB/MySQL cannot roll it back): the constraint is put back whatever happens.
    [constraint] = SiteSettings._meta.constraints
    table = connection.ops.quote_name(SiteSettings._meta.db_table)
    SiteSettings.get_instance()
    with connection.schema_editor() as editor:
        # SQLite drops a check constraint by rebuilding the table with the constraints the model declares.
        monkeypatch.setattr(SiteSettings._meta, "constraints", [])
        editor.remove_constraint(SiteSettings, constraint)
    monkeypatch.undo()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table} (id, site_name, maintenance_mode) VALUES (2, 'Rogue', %s)", [False])
        with pytest.raises(SingletonViolationError, match="more than one row"):
            SiteSettings.get_instance()
        # As on a legacy table, the constraint cannot come back while a row other than pk 1 is there.
        with pytest.raises(IntegrityError), connection.schema_editor() as editor:
            editor.add_constraint(SiteSettings, constraint)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id <> 1")
        with connection.schema_editor() as editor:
            editor.add_constraint(SiteSettings, constraint)
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (id, site_name, maintenance_mode) VALUES (2, 'Rogue', %s)", [False])
    assert list(SiteSettings.objects.values_list("pk", flat=True)) == [1]


THREADS = 8


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_calls_on_separate_connections_create_one_row():
    barrier = threading.Barrier(THREADS)
    pks: list[int] = []
    errors: list[BaseException] = []

    def first_call() -> None:
        try:
            barrier.wait()
            pks.append(SiteSettings.get_instance().pk)
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_call) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert pks == [1] * THREADS
    assert list(SiteSettings.objects.values_list("pk", flat=True)) == [1]


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_calls_inside_transactions_that_read_first_create_one_row():
    # Each caller's transaction reads the empty table before the race. On MariaDB/MySQL it runs in
    # REPEATABLE READ (the server's default; Django's is READ COMMITTED), where a plain read keeps
    # seeing the table empty after the insert lost the race.
    barrier = threading.Barrier(THREADS)
    rows: list[tuple[int, Decimal]] = []
    errors: list[BaseException] = []

    def first_call(index: int) -> None:
        try:
            if connection.vendor == "mysql":
                with connection.cursor() as cursor:
                    cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            with transaction.atomic():
                assert not StoreSettings.objects.exists()
                barrier.wait()
                instance = StoreSettings.get_instance(defaults={"tax_rate": Decimal(index)})
                rows.append((instance.pk, Decimal(instance.tax_rate)))
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first_call, args=(index,)) for index in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    stored = list(StoreSettings.objects.values_list("pk", "tax_rate"))
    assert len(stored) == 1
    assert rows == stored * THREADS  # every caller got the one row, with the winner's defaults


def test_the_violation_error_is_a_singleton_error():
    assert issubclass(SingletonViolationError, SingletonError)
