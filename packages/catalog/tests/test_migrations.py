"""Migration 0002_guarantees installs the declared guarantee of dispense records, can be reversed and
re-applied, and drops the triggers of the migration it replaced; 0003 keeps request keys; 0004 gives
existing catalog items no organization, and reverses; 0005 adds the reversal facts, the lot column and
the guard of cancelled work items, and reverses."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from django_basemodels.guarantees import guarantee_problems
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_migration_reversal_drops_guarantees,
    trigger_names,
)
from django_catalog.models import Basket, BasketItem, CatalogItem, DispenseLog

TABLE = DispenseLog._meta.db_table
# The triggers of the former migration 0002, by vendor.
OLD_TRIGGERS = {
    "sqlite": {"django_catalog_dispenselog_no_update", "django_catalog_dispenselog_no_delete"},
    "postgresql": {"django_catalog_dispenselog_append_only"},
}


def declared_triggers():
    """The triggers the declared guarantee installs on this vendor (SQLite and MariaDB also refuse REPLACE)."""
    triggers = {f"{TABLE}_append_only_update", f"{TABLE}_append_only_delete"}
    return triggers if connection.vendor == "postgresql" else triggers | {f"{TABLE}_no_replace"}


@pytest.mark.django_db
def test_the_declared_guarantees_are_installed_by_the_migrations():
    assert guarantee_problems() == []
    assert trigger_names(TABLE) == declared_triggers()


# No dispense records are written here, so the flush after these tests (DELETE on SQLite) is not refused.
@pytest.mark.django_db(transaction=True)
def test_the_guarantee_is_dropped_by_reversing_its_migration_and_restored():
    assert_migration_reversal_drops_guarantees("django_catalog", before="0001", tables=[TABLE])


@pytest.mark.django_db(transaction=True)
def test_migrating_drops_the_triggers_written_before_the_guarantee_was_declared():
    assert_migration_replaces_former_triggers(
        "django_catalog",
        before="0001",
        table=TABLE,
        triggers=[*OLD_TRIGGERS["sqlite"], *OLD_TRIGGERS["postgresql"]],
        functions=["django_catalog_refuse_dispenselog_change"],
    )
    assert trigger_names(TABLE) == declared_triggers()


@pytest.mark.django_db(transaction=True)
def test_the_request_keys_of_basket_items_become_their_idempotency_keys(encounter, user, blood_test):
    basket = Basket.objects.create(encounter=encounter, created_by=user)
    executor = MigrationExecutor(connection)
    before = [("django_catalog", "0002_guarantees")]
    executor.migrate(before)
    try:
        executor.loader.build_graph()
        old_apps = executor.loader.project_state(before).apps
        old_apps.get_model("django_catalog", "BasketItem").objects.create(
            basket_id=basket.pk, catalog_item_id=blood_test.pk, added_by_id=user.pk, request_key="click-1"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("django_catalog"))

    assert BasketItem.objects.get().idempotency_key == "click-1"
    assert guarantee_problems() == []
    assert trigger_names(TABLE) == declared_triggers()


def catalog_item_columns_and_indexes() -> tuple[set[str], set[str]]:
    table = CatalogItem._meta.db_table
    with connection.cursor() as cursor:
        columns = {column.name for column in connection.introspection.get_table_description(cursor, table)}
        indexes = set(connection.introspection.get_constraints(cursor, table))
    return columns, indexes


@pytest.mark.django_db(transaction=True)
def test_existing_catalog_items_belong_to_no_organization_and_the_migration_reverses():
    executor = MigrationExecutor(connection)
    before = [("django_catalog", "0003_idempotency_keys")]
    executor.migrate(before)
    try:
        executor.loader.build_graph()
        columns, indexes = catalog_item_columns_and_indexes()
        assert "org_key" not in columns
        assert "django_catalog_item_org_name" not in indexes
        assert trigger_names(TABLE) == declared_triggers()
        old_item = (
            executor.loader.project_state(before)
            .apps.get_model("django_catalog", "CatalogItem")
            .objects.create(kind="service", display_name="Blood Test", routing="lab")
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes("django_catalog"))

    columns, indexes = catalog_item_columns_and_indexes()
    assert "org_key" in columns
    assert "django_catalog_item_org_name" in indexes
    assert list(CatalogItem.objects.for_org(None)) == [CatalogItem.objects.get(pk=old_item.pk)]
    assert CatalogItem.objects.get(pk=old_item.pk).org_key == ""
    assert guarantee_problems() == []
    assert trigger_names(TABLE) == declared_triggers()


@pytest.mark.django_db(transaction=True)
def test_0005_adds_the_lot_column_the_reversal_facts_and_the_cancelled_guard_and_reverses():
    from django.core.management import call_command

    from django_catalog.models import DispenseReversal, WorkItem, WorkItemCancellation

    work_items = WorkItem._meta.db_table
    new_tables = {DispenseReversal._meta.db_table, WorkItemCancellation._meta.db_table}
    guard = {f"{work_items}_cancelled_is_final_update"}
    if connection.vendor != "postgresql":
        guard.add(f"{work_items}_no_replace")  # SQLite and MariaDB also refuse REPLACE of a guarded row
    assert trigger_names(work_items) == guard
    call_command("migrate", "django_catalog", "0004_org_key", verbosity=0)
    try:
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
            columns = {column.name for column in connection.introspection.get_table_description(cursor, TABLE)}
        assert not new_tables & tables
        assert "lot_reference" not in columns
        assert trigger_names(work_items) == set()
        assert trigger_names(TABLE) == declared_triggers()
    finally:
        call_command("migrate", "django_catalog", verbosity=0)

    with connection.cursor() as cursor:
        assert new_tables <= set(connection.introspection.table_names(cursor))
    assert trigger_names(TABLE) == declared_triggers()
    assert guarantee_problems() == []
