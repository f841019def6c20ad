"""RefuseUpdateAndDelete: a migration operation whose triggers refuse every UPDATE and DELETE (SQLite, PostgreSQL)."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.writer import MigrationWriter
from django.test import override_settings

from django_basemodels.triggers import RefuseUpdateAndDelete
from tests.testapp.models import Receipt

TABLE = Receipt._meta.db_table
MESSAGE = "testapp_receipt is append-only: a receipt's 100% final"


def trigger_names() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT tgname FROM pg_trigger WHERE tgrelid = '{TABLE}'::regclass AND NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        return {row[0] for row in cursor.fetchall()}


def function_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_proc WHERE proname = %s", [name])
        return cursor.fetchone()[0] == 1


def expected_triggers() -> set[str]:
    if connection.vendor == "postgresql":
        return {"testapp_receipt_append_only"}
    return {"testapp_receipt_no_update", "testapp_receipt_no_delete"}


def collected_sql(operation: RefuseUpdateAndDelete, *, forwards: bool = True) -> list[str]:
    """The statements ``operation`` runs on this database (as ``sqlmigrate`` collects them), without running them."""
    state = MigrationLoader(connection).project_state(("testapp", "0004_receipt_append_only"))
    editor = connection.schema_editor(collect_sql=True)
    if forwards:
        operation.database_forwards("testapp", editor, state, state)
    else:
        operation.database_backwards("testapp", editor, state, state)
    return editor.collected_sql


def run(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture
def receipt() -> Receipt:
    return Receipt.objects.create(number="R-1")


@pytest.mark.django_db
def test_inserts_are_allowed(receipt):
    Receipt.objects.create(number="R-2")
    assert Receipt.objects.count() == 2


@pytest.mark.django_db
def test_a_raw_update_is_refused_with_the_message(receipt):
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET number = 'R-9'")
    assert Receipt.objects.get().number == "R-1"


@pytest.mark.django_db
def test_a_raw_delete_is_refused_with_the_message(receipt):
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert Receipt.objects.count() == 1


@pytest.mark.django_db
def test_orm_updates_and_deletes_are_refused_too(receipt):
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.update(number="R-9")
    with pytest.raises(IntegrityError), transaction.atomic():
        receipt.delete()
    assert list(Receipt.objects.values_list("number", flat=True)) == ["R-1"]


@pytest.mark.django_db
def test_the_triggers_of_this_vendor_are_installed():
    assert trigger_names() == expected_triggers()
    if connection.vendor == "postgresql":
        assert function_exists("testapp_receipt_refuse_change")


# No receipt is written here, so the flush after this test (DELETE on SQLite) is not refused.
@pytest.mark.django_db(transaction=True)
def test_reversing_the_migration_drops_the_triggers_and_reapplying_restores_them():
    call_command("migrate", "testapp", "0003", verbosity=0)
    try:
        assert trigger_names() == set()
        if connection.vendor == "postgresql":
            assert not function_exists("testapp_receipt_refuse_change")
    finally:
        call_command("migrate", "testapp", verbosity=0)
    assert trigger_names() == expected_triggers()


@pytest.mark.django_db
def test_creating_again_is_harmless(receipt):
    operation = RefuseUpdateAndDelete("Receipt", name="testapp_receipt", message=MESSAGE)
    run(collected_sql(operation))

    assert trigger_names() == expected_triggers()
    with pytest.raises(IntegrityError, match=MESSAGE), transaction.atomic():
        Receipt.objects.update(number="R-9")


@pytest.mark.django_db
def test_other_names_and_the_default_message(receipt):
    operation = RefuseUpdateAndDelete(
        "Receipt", name="receipts_locked", postgres_trigger="receipts_guard", postgres_function="receipts_refuse"
    )
    run(collected_sql(operation, forwards=False))  # nothing to drop yet: harmless
    run(collected_sql(operation))
    run(collected_sql(RefuseUpdateAndDelete("Receipt", name="testapp_receipt"), forwards=False))

    expected = (
        {"receipts_guard"}
        if connection.vendor == "postgresql"
        else {"receipts_locked_no_update", "receipts_locked_no_delete"}
    )
    assert trigger_names() == expected
    default = f"{TABLE} is append-only: its rows are never updated or deleted"
    with pytest.raises(IntegrityError, match=default), transaction.atomic():
        Receipt.objects.update(number="R-9")
    with pytest.raises(IntegrityError, match=default), transaction.atomic():
        Receipt.objects.all().delete()
    if connection.vendor == "postgresql":
        assert function_exists("receipts_refuse")


@pytest.mark.django_db
def test_no_statement_for_a_database_the_router_keeps_the_model_off():
    class NoTestapp:
        def allow_migrate(self, db, app_label, **hints):
            return app_label != "testapp"

    with override_settings(DATABASE_ROUTERS=[NoTestapp()]):
        assert collected_sql(RefuseUpdateAndDelete("Receipt", name="testapp_receipt")) == []


def test_no_statement_for_other_vendors():
    executed = []
    editor = SimpleNamespace(
        connection=SimpleNamespace(vendor="oracle", alias="default"), execute=lambda *args, **kwargs: executed.append(1)
    )
    state = SimpleNamespace(apps=SimpleNamespace(get_model=lambda app_label, name: Receipt))
    operation = RefuseUpdateAndDelete("Receipt", name="testapp_receipt")

    operation.database_forwards("testapp", editor, state, state)
    operation.database_backwards("testapp", editor, state, state)

    assert executed == []


def test_the_model_state_is_unchanged():
    operation = RefuseUpdateAndDelete("Receipt", name="testapp_receipt")
    state = SimpleNamespace()

    operation.state_forwards("testapp", state)

    assert vars(state) == {}
    assert operation.reversible


@pytest.mark.django_db
def test_the_models_match_the_migrations():
    call_command("makemigrations", "testapp", "--check", "--dry-run", verbosity=0)


def test_it_serializes_for_migration_files_and_describes_itself():
    operation = RefuseUpdateAndDelete("Receipt", name="testapp_receipt", message="no")

    text, imports = MigrationWriter.serialize(operation)

    assert text.startswith("django_basemodels.triggers.RefuseUpdateAndDelete(")
    assert "import django_basemodels.triggers" in imports
    assert operation.deconstruct() == (
        "RefuseUpdateAndDelete",
        ("Receipt",),
        {"name": "testapp_receipt", "message": "no"},
    )
    assert operation.describe() == "Refuse UPDATE and DELETE of Receipt rows (triggers testapp_receipt_*)"
    assert operation.migration_name_fragment == "receipt_append_only"


@pytest.mark.parametrize(
    "options",
    [
        {"name": "bad name"},
        {"name": "x" * 60},  # x..._no_update would pass PostgreSQL's 63-character limit
        {"name": "ok", "postgres_trigger": "drop;"},
        {"name": "ok", "postgres_function": "1st"},
        {"name": "ok", "message": "ends $$ the body"},
        {"name": "ok", "message": 42},
    ],
)
def test_bad_arguments_are_refused(options):
    with pytest.raises(ValueError):
        RefuseUpdateAndDelete("Receipt", **options)
