"""The CHECK (pk = 1) constraint: inherited by subclasses, shipped in migrations, enforced by the database."""

import pytest
from django.db import IntegrityError, connection, models, transaction
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ModelState, ProjectState
from django.test.utils import isolate_apps

from django_singleton.constraints import SingletonCheckConstraint
from django_singleton.models import SingletonModel, is_singleton_check_constraint
from tests.testapp.models import SiteSettings, StoreSettings


def constraint_names(model: type[models.Model]) -> list[str]:
    return [constraint.name for constraint in model._meta.constraints]


def test_a_subclass_without_meta_inherits_the_constraint():
    assert constraint_names(SiteSettings) == ["testapp_sitesettings_singleton_pk"]


def test_a_subclass_whose_meta_omits_constraints_still_gets_the_constraint():
    assert constraint_names(StoreSettings) == ["testapp_storesettings_singleton_pk"]
    assert StoreSettings._meta.verbose_name == "store settings"


@pytest.mark.parametrize("model_name", ["sitesettings", "storesettings"])
def test_the_app_migrations_create_the_constraint(model_name):
    state = MigrationLoader(None, ignore_no_migrations=True).project_state()
    constraints = state.models["testapp", model_name].options["constraints"]
    assert [constraint.name for constraint in constraints] == [f"testapp_{model_name}_singleton_pk"]
    assert constraints[0].condition == models.Q(pk=1)


def table_triggers(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
            "WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = %s",
            [table],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize("model", [SiteSettings, StoreSettings])
def test_the_database_table_carries_the_constraint(model):
    name = f"testapp_{model._meta.model_name}_singleton_pk"
    if connection.vendor == "mysql":
        # MariaDB/MySQL refuse a CHECK on an AUTO_INCREMENT column: two triggers stand for it.
        assert table_triggers(model._meta.db_table) == {f"{name}_insert", f"{name}_update"}
        return
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    assert constraints[name]["check"] is True


@pytest.mark.django_db
def test_raw_sql_cannot_insert_a_second_row():
    SiteSettings.get_instance()
    table = connection.ops.quote_name(SiteSettings._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, site_name, maintenance_mode) VALUES (%s, %s, %s)", [2, "Rogue", False]
        )
    assert list(SiteSettings.objects.values_list("pk", flat=True)) == [1]


@pytest.mark.django_db
def test_raw_sql_cannot_insert_a_first_row_with_another_pk():
    table = connection.ops.quote_name(SiteSettings._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (id, site_name, maintenance_mode) VALUES (%s, %s, %s)", [7, "Rogue", False]
        )
    assert not SiteSettings.objects.exists()


@pytest.mark.django_db
def test_raw_sql_cannot_move_the_row_to_another_pk():
    SiteSettings.get_instance()
    table = connection.ops.quote_name(SiteSettings._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = %s", [2])
    assert list(SiteSettings.objects.values_list("pk", flat=True)) == [1]


@pytest.mark.django_db
def test_raw_sql_cannot_insert_a_second_row_without_a_key():
    SiteSettings.get_instance()
    table = connection.ops.quote_name(SiteSettings._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (site_name, maintenance_mode) VALUES (%s, %s)", ["Rogue", False])
    assert list(SiteSettings.objects.values_list("pk", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_a_first_row_inserted_without_a_key_gets_pk_1_whatever_the_auto_increment_counter_says():
    if connection.vendor != "mysql":
        pytest.skip("MariaDB/MySQL only: elsewhere the key comes from the table's counter, the check refuses all but 1")
    table = connection.ops.quote_name(SiteSettings._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {table} AUTO_INCREMENT = 40")
        cursor.execute(f"INSERT INTO {table} (site_name, maintenance_mode) VALUES (%s, %s)", ["Raw", False])
    assert list(SiteSettings.objects.values_list("pk", "site_name")) == [(1, "Raw")]


UPSERTS_MOVING_THE_ROW = {
    "sqlite": ["INSERT OR REPLACE INTO {table} (id, site_name, maintenance_mode) VALUES (2, 'Rogue', 0)"],
    "postgresql": [
        "INSERT INTO {table} (id, site_name, maintenance_mode) VALUES (1, 'Rogue', false) "
        "ON CONFLICT (id) DO UPDATE SET id = 2"
    ],
    "mysql": [
        "INSERT INTO {table} (id, site_name, maintenance_mode) VALUES (1, 'Rogue', 0) ON DUPLICATE KEY UPDATE id = 2",
        "REPLACE INTO {table} (id, site_name, maintenance_mode) VALUES (2, 'Rogue', 0)",
    ],
}


@pytest.mark.django_db
def test_the_upserts_of_this_database_cannot_move_the_row_to_another_pk():
    SiteSettings.get_instance()
    table = connection.ops.quote_name(SiteSettings._meta.db_table)
    for statement in UPSERTS_MOVING_THE_ROW[connection.vendor]:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement.format(table=table))
    assert list(SiteSettings.objects.values_list("pk", "site_name")) == [(1, "My site")]


@pytest.mark.django_db
def test_bulk_create_of_another_pk_fails():
    with pytest.raises(IntegrityError), transaction.atomic():
        SiteSettings.objects.bulk_create([SiteSettings(pk=2)])
    assert not SiteSettings.objects.exists()


@pytest.mark.django_db
def test_bulk_create_of_a_second_row_fails():
    SiteSettings.objects.bulk_create([SiteSettings(pk=1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreSettings.objects.bulk_create([StoreSettings(pk=1), StoreSettings(pk=2)])
    assert not StoreSettings.objects.exists()
    assert SiteSettings.objects.count() == 1


@pytest.mark.django_db
def test_full_clean_rejects_an_instance_with_another_pk():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="testapp_sitesettings_singleton_pk"):
        SiteSettings(pk=2).full_clean()


@isolate_apps("tests.testapp")
def test_a_meta_extending_singleton_meta_keeps_the_constraint_next_to_its_own():
    class Branding(SingletonModel):
        color = models.CharField(max_length=7)

        class Meta(SingletonModel.Meta):
            app_label = "testapp"
            constraints = [
                *SingletonModel.Meta.constraints,
                models.CheckConstraint(condition=~models.Q(color=""), name="branding_color_set"),
            ]

    assert constraint_names(Branding) == ["testapp_branding_singleton_pk", "branding_color_set"]


@isolate_apps("tests.testapp")
def test_an_abstract_intermediate_class_passes_the_constraint_on():
    class BaseSettings(SingletonModel):
        class Meta:
            app_label = "testapp"
            abstract = True

    class Theme(BaseSettings):
        pass

    assert constraint_names(Theme) == ["testapp_theme_singleton_pk"]


@isolate_apps("tests.testapp")
def test_a_meta_listing_its_own_constraints_is_left_as_declared():
    class Counter(SingletonModel):
        value = models.IntegerField()

        class Meta:
            app_label = "testapp"
            constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="counter_value_positive")]

    assert constraint_names(Counter) == ["counter_value_positive"]


@isolate_apps("tests.testapp")
def test_a_constraint_on_the_named_primary_key_counts_as_the_singleton_constraint():
    class Named(SingletonModel):
        key = models.IntegerField(primary_key=True)

        class Meta:
            app_label = "testapp"
            constraints = [models.CheckConstraint(condition=models.Q(key=1), name="named_one_row")]

    assert is_singleton_check_constraint(Named, Named._meta.constraints[0])
    assert not is_singleton_check_constraint(Named, models.UniqueConstraint(fields=["key"], name="named_unique"))
    assert not is_singleton_check_constraint(Named, models.CheckConstraint(condition=models.Q(key=2), name="x"))


def test_the_constraint_is_written_to_migrations_by_its_name_alone():
    path, args, kwargs = SiteSettings._meta.constraints[0].deconstruct()
    assert (path, args, kwargs) == (
        "django_singleton.constraints.SingletonCheckConstraint",
        (),
        {"name": "testapp_sitesettings_singleton_pk"},
    )
    assert SiteSettings._meta.constraints[0].clone().condition == models.Q(pk=1)


def test_a_plain_check_constraint_of_pk_1_is_another_constraint():
    singleton = SingletonCheckConstraint(name="one_row")
    plain = models.CheckConstraint(condition=models.Q(pk=1), name="one_row")
    assert singleton == SingletonCheckConstraint(name="one_row")
    assert singleton != plain
    assert plain != singleton
    assert is_singleton_check_constraint(SiteSettings, plain)


def test_makemigrations_replaces_the_plain_check_constraint_of_an_earlier_migration():
    current = ModelState.from_model(SiteSettings)
    earlier = current.clone()
    earlier.options["constraints"] = [
        models.CheckConstraint(condition=models.Q(pk=1), name="testapp_sitesettings_singleton_pk")
    ]
    before, after = ProjectState(), ProjectState()
    before.add_model(earlier)
    after.add_model(current)

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    changes = MigrationAutodetector(before, after).changes(graph=graph)

    [migration] = changes["testapp"]
    assert [type(operation).__name__ for operation in migration.operations] == ["RemoveConstraint", "AddConstraint"]
    assert isinstance(migration.operations[1].constraint, SingletonCheckConstraint)


@pytest.mark.django_db(transaction=True)
def test_a_singleton_with_a_long_name_and_its_own_integer_key_keeps_one_row_with_pk_1():
    # Created and dropped here: a table of its own, with real DDL on every database.
    with isolate_apps("tests.testapp"):

        class SettingsOfAnUnusuallyLongNamedSubsystem(SingletonModel):
            key = models.IntegerField(primary_key=True)

            class Meta:
                app_label = "testapp"

    model = SettingsOfAnUnusuallyLongNamedSubsystem
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.schema_editor() as editor:
        editor.create_model(model)
    try:
        with connection.cursor() as cursor:
            for key in (0, 2):  # no auto-increment here: 0 is a key like any other, and refused
                with pytest.raises(IntegrityError), transaction.atomic():
                    cursor.execute(f"INSERT INTO {table} ({connection.ops.quote_name('key')}) VALUES (%s)", [key])
            cursor.execute(f"INSERT INTO {table} ({connection.ops.quote_name('key')}) VALUES (%s)", [1])
        assert list(model.objects.values_list("pk", flat=True)) == [1]
        if connection.vendor == "mysql":
            [constraint] = model._meta.constraints
            assert table_triggers(model._meta.db_table) == set(constraint.trigger_names(connection))
            assert all(len(name) <= 64 for name in constraint.trigger_names(connection))
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(model)
