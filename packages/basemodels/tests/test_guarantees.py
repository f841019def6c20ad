"""Meta.guarantees: every raw write path refused on every database, the check, the command and the migrations."""

from __future__ import annotations

import io
import sqlite3

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_basemodels.checks import check_database_guarantees
from django_basemodels.guarantees import (
    AppendOnly,
    Changed,
    FrozenColumns,
    GuaranteeDeclarationError,
    ImmutableWhen,
    Refuse,
    RowTrigger,
    Undeletable,
    guarantee_problems,
    guarantee_statuses,
    install_guarantees,
)
from django_basemodels.guarantees.installation import model_definitions
from django_basemodels.testing import assert_write_paths_refused, django_db_for_ddl, trigger_names
from tests.testapp.models import Receipt, Shift, Ticket

SHIFT_TRIGGERS = {
    "testapp_shift_closed_is_final_update",
    "testapp_shift_closed_is_final_delete",
    "testapp_shift_frozen_columns_update",
    "testapp_shift_undeletable_delete",
    "testapp_shift_no_forbidden_note_insert",
    "testapp_shift_no_forbidden_note_update",
    "testapp_shift_no_replace",
}


def raw(sql: str, params: list | None = None) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def open_shift(worker: str = "ana", code: str = "S1") -> Shift:
    return Shift.objects.create(worker=worker, code=code)


@pytest.mark.django_db
def test_every_raw_write_path_of_an_append_only_row_is_refused():
    receipt = Receipt.objects.create(number="R-1")

    refused = assert_write_paths_refused(receipt, changes={"number": "R-2"}, match="a receipt's 100% final")

    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)


@pytest.mark.django_db
def test_a_closed_row_is_final_and_an_open_one_changes_only_its_free_columns():
    shift = open_shift()
    raw("UPDATE testapp_shift SET note = 'late' WHERE id = %s", [shift.pk])
    assert Shift.objects.get().note == "late"

    assert_write_paths_refused(shift, changes={"worker": "bob"}, match="worker and code are fixed|never deleted")

    closed_at = timezone.now()
    raw("UPDATE testapp_shift SET closed_at = %s WHERE id = %s", [closed_at, shift.pk])
    assert_write_paths_refused(shift, changes={"note": "rewritten"}, match="testapp_shift: closed|never deleted")


@pytest.mark.django_db
def test_a_row_of_its_own_trigger_refuses_what_its_sql_says():
    with pytest.raises(IntegrityError, match="forbidden note"):
        raw("INSERT INTO testapp_shift (worker, code, note) VALUES ('ana', 'S9', 'forbidden')")
    shift = open_shift()
    with pytest.raises(IntegrityError, match="forbidden note"):
        raw("UPDATE testapp_shift SET note = 'forbidden' WHERE id = %s", [shift.pk])
    assert Shift.objects.get().note == ""


@pytest.mark.skipif("connection.vendor == 'postgresql'", reason="REPLACE is SQLite's and MariaDB/MySQL's")
@pytest.mark.django_db
def test_replace_through_a_partial_unique_index_is_refused_and_other_inserts_pass():
    open_shift(worker="ana", code="S1")

    # A second open shift of ana would make REPLACE delete the first: on SQLite without firing its delete
    # trigger (the REPLACE guard refuses it); on MariaDB through its delete trigger (never deleted).
    with pytest.raises(IntegrityError, match=r"never replaced|never deleted"):
        raw("REPLACE INTO testapp_shift (worker, code, note) VALUES ('ana', 'S2', '')")
    # A closed shift of ana is outside the partial index: no collision, the insert goes through.
    raw("INSERT INTO testapp_shift (worker, code, note, closed_at) VALUES ('ana', 'S3', '', '2026-01-01 00:00:00')")
    # Another worker's open shift collides with nothing either.
    raw("REPLACE INTO testapp_shift (worker, code, note) VALUES ('bob', 'S4', '')")

    assert sorted(Shift.objects.values_list("code", flat=True)) == ["S1", "S3", "S4"]


@pytest.mark.django_db
def test_the_declared_triggers_are_installed_by_the_migrations():
    # The REPLACE guard is SQLite's and MariaDB's: PostgreSQL has no statement that replaces a row
    # without an UPDATE or DELETE.
    replace_guard = (
        {"testapp_shift_no_replace", "testapp_receipt_no_replace"} if connection.vendor != "postgresql" else set()
    )
    assert trigger_names("testapp_shift") == SHIFT_TRIGGERS - {"testapp_shift_no_replace"} | (
        replace_guard & {"testapp_shift_no_replace"}
    )
    assert trigger_names("testapp_receipt") == {
        "testapp_receipt_append_only_update",
        "testapp_receipt_append_only_delete",
    } | (replace_guard & {"testapp_receipt_no_replace"})
    assert trigger_names(Ticket._meta.db_table) == set()
    assert guarantee_problems() == []


@django_db_for_ddl()
def test_the_check_names_a_dropped_trigger_and_the_command_restores_it():
    raw(
        "DROP TRIGGER testapp_shift_frozen_columns_update"
        + (" ON testapp_shift" if connection.vendor == "postgresql" else "")
    )

    errors = check_database_guarantees(databases=["default"])

    assert [error.id for error in errors] == ["django_basemodels.E011"]
    assert "trigger testapp_shift_frozen_columns_update on table testapp_shift is missing" in errors[0].msg
    assert "manage.py guarantees install --database default" in errors[0].hint
    assert errors[0].obj is Shift

    out = io.StringIO()
    call_command("guarantees", "install", stdout=out)

    assert "installed testapp_shift_frozen_columns_update" in out.getvalue()
    assert check_database_guarantees(databases=["default"]) == []
    assert_write_paths_refused(open_shift(), changes={"code": "S7"}, match="worker and code are fixed|never deleted")


@django_db_for_ddl()
def test_an_outdated_a_disabled_and_an_undeclared_trigger_are_reported_and_repaired():
    definition = next(d for d in model_definitions(Receipt, connection) if d.name.endswith("append_only_update"))
    stray = "testapp_receipt_stray"
    if connection.vendor == "sqlite":
        raw(definition.drop[0])
        raw("CREATE TRIGGER testapp_receipt_append_only_update BEFORE UPDATE ON testapp_receipt BEGIN SELECT 1; END")
        raw(
            f"CREATE TRIGGER {stray} BEFORE UPDATE ON testapp_receipt "
            "BEGIN /* django_basemodels guarantee x */ SELECT 1; END"
        )
        expected = {"outdated", "undeclared"}
    elif connection.vendor == "mysql":
        raw(definition.drop[0])
        raw(
            "CREATE TRIGGER testapp_receipt_append_only_update BEFORE UPDATE ON testapp_receipt FOR EACH ROW SET @x = 1"
        )
        raw(
            f"CREATE TRIGGER {stray} BEFORE UPDATE ON testapp_receipt "
            "FOR EACH ROW BEGIN /* django_basemodels guarantee x */ SET @x = 1; END"
        )
        expected = {"outdated", "undeclared"}  # MariaDB/MySQL cannot disable a trigger
    else:
        raw(
            "CREATE OR REPLACE FUNCTION testapp_receipt_append_only_update() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
        )
        raw("ALTER TABLE testapp_receipt DISABLE TRIGGER testapp_receipt_append_only_delete")
        raw(
            f"CREATE FUNCTION {stray}() RETURNS trigger LANGUAGE plpgsql "
            "AS $$ /* django_basemodels guarantee x */ BEGIN RETURN NEW; END $$"
        )
        raw(f"CREATE TRIGGER {stray} BEFORE UPDATE ON testapp_receipt FOR EACH ROW EXECUTE FUNCTION {stray}()")
        expected = {"outdated", "disabled", "undeclared"}

    states = {status.state for status in guarantee_statuses() if not status.ok}
    assert states == expected
    assert any(
        f"trigger {stray} on table testapp_receipt is installed but no longer declared" in p
        for p in guarantee_problems()
    )

    install_guarantees()

    assert guarantee_problems() == []
    assert stray not in trigger_names("testapp_receipt")
    assert_write_paths_refused(Receipt.objects.create(number="R-9"))


@pytest.mark.django_db
def test_a_vendor_without_sql_is_an_error_never_silence(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "oracle")

    errors = check_database_guarantees(databases=["default"])

    assert [error.id for error in errors] == ["django_basemodels.E010"]
    assert "oracle" in errors[0].msg and "testapp.Receipt" in errors[0].msg
    assert guarantee_problems() == [
        "database guarantees have no SQL for the 'oracle' vendor (supported: mysql, postgresql, sqlite)"
    ]


def test_the_check_reads_no_database_unless_asked():
    assert check_database_guarantees(databases=None) == []


@django_db_for_ddl()
def test_the_ls_command_lists_every_trigger_and_fails_when_one_is_missing():
    out = io.StringIO()
    call_command("guarantees", "ls", stdout=out)
    assert "testapp_shift_undeletable_delete" in out.getvalue() and "INSTALLED" in out.getvalue()

    raw(
        "DROP TRIGGER testapp_receipt_append_only_update"
        + (" ON testapp_receipt" if connection.vendor == "postgresql" else "")
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="guarantees install"):
        call_command("guarantees", "ls", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_doc_command_writes_a_row_per_guarantee():
    out = io.StringIO()
    call_command("guarantees", "doc", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("| model | table | guarantee |")
    receipt = "| `testapp.Receipt` | `testapp_receipt` | `append_only` | append-only: refuses UPDATE and DELETE |"
    assert f"{receipt} yes | yes | yes |" in lines
    assert any("`no_forbidden_note` | refuses the note 'forbidden'" in line for line in lines)


@pytest.mark.django_db(transaction=True)
def test_migrating_back_drops_the_triggers_and_forward_installs_them_again():
    call_command("migrate", "testapp", "0003", verbosity=0)
    assert trigger_names("testapp_receipt") == set()
    call_command("migrate", "testapp", verbosity=0)
    assert guarantee_problems() == []


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite rebuilds a table to alter a column")
@pytest.mark.django_db(transaction=True)
def test_a_table_rebuild_drops_sqlite_triggers_the_check_sees_it_and_reinstalling_restores_them():
    from django.db import models
    from django.db.migrations.state import ProjectState

    from django_basemodels.guarantees.operations import ReinstallGuarantees

    old = Receipt._meta.get_field("number")
    new = models.CharField(max_length=40)
    new.set_attributes_from_name("number")
    new.model = Receipt
    with connection.schema_editor() as editor:
        editor.alter_field(Receipt, old, new)
    assert trigger_names("testapp_receipt") == set()
    assert guarantee_problems()

    state = ProjectState.from_apps(__import__("django.apps").apps.apps)
    with connection.schema_editor() as editor:
        ReinstallGuarantees("Receipt").database_forwards("testapp", editor, state, state)
    assert guarantee_problems() == []
    with connection.schema_editor() as editor:
        editor.alter_field(Receipt, new, old)
    install_guarantees()


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL through psycopg")
@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_outside_django_is_refused_too():
    import psycopg

    Receipt.objects.create(number="R-1")  # committed: TRUNCATE empties the table afterwards, no trigger refuses it
    settings = connection.settings_dict
    with psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        password=settings["PASSWORD"] or None,
        autocommit=True,
    ) as outside:
        for sql in (
            "UPDATE testapp_receipt SET number = 'X'",
            "DELETE FROM testapp_receipt",
            "INSERT INTO testapp_receipt (id, number) SELECT id, 'X' FROM testapp_receipt "
            "ON CONFLICT (id) DO UPDATE SET number = excluded.number",
        ):
            with pytest.raises(psycopg.errors.RestrictViolation, match="100% final"):
                outside.execute(sql)
    assert Receipt.objects.get().number == "R-1"


@pytest.mark.skipif("connection.vendor != 'mysql'", reason="MariaDB/MySQL through MySQLdb")
@pytest.mark.django_db(transaction=True)
def test_a_mariadb_connection_opened_outside_django_is_refused_too():
    import MySQLdb

    Receipt.objects.create(number="R-1")  # committed: the test flush truncates the table afterwards
    settings = connection.settings_dict
    outside = MySQLdb.connect(
        database=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 3306),
        password=settings["PASSWORD"] or "",
        autocommit=True,
    )
    try:
        for sql in (
            "UPDATE testapp_receipt SET number = 'X'",
            "DELETE FROM testapp_receipt",
            "INSERT INTO testapp_receipt (id, number) SELECT id, 'X' FROM testapp_receipt AS r "
            "ON DUPLICATE KEY UPDATE number = VALUES(number)",
            "REPLACE INTO testapp_receipt (id, number) SELECT id, 'X' FROM testapp_receipt AS r",
        ):
            with pytest.raises(MySQLdb.MySQLError, match=r"100% final|never replaced"):
                outside.cursor().execute(sql)
    finally:
        outside.close()
    assert Receipt.objects.get().number == "R-1"


def test_a_sqlite_connection_of_python_alone_is_refused_too(tmp_path):
    # An in-memory test database is private to Django's connection: build the same triggers in a file
    # and write to it with Python's sqlite3 module alone.
    from django.db import connections

    compiler_connection = connections["default"] if connections["default"].vendor == "sqlite" else None
    if compiler_connection is None:
        pytest.skip("builds SQLite's triggers with Django's SQLite backend")
    outside = sqlite3.connect(tmp_path / "outside.sqlite3")
    outside.execute("CREATE TABLE testapp_receipt (id integer PRIMARY KEY, number varchar(20) NOT NULL)")
    for definition in model_definitions(Receipt, compiler_connection):
        for statement in definition.create:
            outside.execute(statement)
    outside.execute("INSERT INTO testapp_receipt (id, number) VALUES (1, 'R-1')")
    outside.commit()
    for sql in (
        "UPDATE testapp_receipt SET number = 'X'",
        "DELETE FROM testapp_receipt",
        "INSERT OR REPLACE INTO testapp_receipt (id, number) VALUES (1, 'X')",
        "REPLACE INTO testapp_receipt (id, number) VALUES (1, 'X')",
        "INSERT INTO testapp_receipt (id, number) VALUES (1, 'X') ON CONFLICT (id) DO UPDATE SET number = 'X'",
    ):
        with pytest.raises(sqlite3.IntegrityError, match=r"100% final|never replaced"):
            outside.execute(sql)
    assert outside.execute("SELECT id, number FROM testapp_receipt").fetchall() == [(1, "R-1")]
    outside.close()


def test_makemigrations_writes_added_changed_and_removed_guarantees(monkeypatch):
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState

    from django_basemodels.guarantees.autodetector import GuaranteeAutodetector
    from django_basemodels.guarantees.operations import AddGuarantee, ReinstallGuarantees, RemoveGuarantee

    loader = MigrationLoader(None, ignore_no_migrations=True)
    migrated = loader.project_state()
    current = ProjectState.from_apps(apps)
    assert GuaranteeAutodetector(migrated, current).changes(graph=loader.graph, trim_to_apps={"testapp"}) == {}

    shift = current.models["testapp", "shift"]
    shift.options["guarantees"] = [
        g if g.name != "undeletable" else Undeletable(when="OLD.note = 'kept'", message="testapp_shift: never deleted")
        for g in shift.options["guarantees"]
        if g.name != "frozen_columns"
    ]
    current.models["testapp", "receipt"].options["guarantees"] = [
        *current.models["testapp", "receipt"].options["guarantees"],
        Refuse(name="no_empty_number", events=["insert"], when="NEW.number = ''"),
    ]
    changes = GuaranteeAutodetector(migrated, current).changes(graph=loader.graph, trim_to_apps={"testapp"})

    operations = changes["testapp"][0].operations
    assert [type(op) for op in operations] == [RemoveGuarantee, RemoveGuarantee, AddGuarantee, AddGuarantee]
    assert {(op.model_name, op.name) for op in operations[:2]} == {
        ("shift", "frozen_columns"),
        ("shift", "undeletable"),
    }
    assert {op.guarantee.name for op in operations[2:]} == {"undeletable", "no_empty_number"}
    assert ReinstallGuarantees  # used by the next test


def test_makemigrations_reinstalls_the_guarantees_of_a_guarded_table_it_alters():
    from django.apps import apps
    from django.db import models
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState

    from django_basemodels.guarantees.autodetector import GuaranteeAutodetector
    from django_basemodels.guarantees.operations import ReinstallGuarantees

    loader = MigrationLoader(None, ignore_no_migrations=True)
    migrated = loader.project_state()
    current = ProjectState.from_apps(apps)
    receipt = current.models["testapp", "receipt"]
    receipt.fields["number"] = models.CharField(max_length=40)

    operations = (
        GuaranteeAutodetector(migrated, current)
        .changes(graph=loader.graph, trim_to_apps={"testapp"})["testapp"][0]
        .operations
    )

    # One after the change, and one before it, which runs last when the migration is reversed.
    assert [type(op).__name__ for op in operations] == ["ReinstallGuarantees", "AlterField", "ReinstallGuarantees"]
    assert all(isinstance(operations[i], ReinstallGuarantees) for i in (0, 2))
    assert {operations[0].model_name, operations[2].model_name} == {"receipt"}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Refuse(name="x", events=["upsert"]), "events must be"),
        (lambda: Refuse(name="x", events=[]), "events must be"),
        (lambda: Refuse(name="1x", events=["update"]), "letters, digits"),
        (lambda: Refuse(name="x", events=["update"], when=""), "when is SQL"),
        (lambda: Refuse(name="x", events=["insert"], when=Changed("a")), "UPDATE only"),
        (lambda: Refuse(name="x", events=["update"], message=" "), "message must be"),
        (lambda: Changed(), "at least one column"),
        (lambda: RowTrigger(name="x", events=["insert"], body={}), "body is a dict"),
        (lambda: RowTrigger(name="x", events=["insert"], body={"sqlite": "x"}, timing="instead"), "timing"),
        (lambda: RowTrigger(name="x", events=["insert"], body={"sqlite": "x"}, when=Changed("a")), "not Changed"),
    ],
)
def test_a_declaration_the_layer_cannot_build_is_refused_at_once(make, message):
    with pytest.raises(GuaranteeDeclarationError, match=message):
        make()


def test_declarations_compare_by_value_and_read_well():
    assert AppendOnly() == AppendOnly() and AppendOnly() != AppendOnly(message="x")
    assert ImmutableWhen("OLD.a IS NOT NULL") != Undeletable()
    assert repr(FrozenColumns("a", "b")) == "FrozenColumns('a', 'b')"
    assert FrozenColumns("a").describe() == "refuses UPDATE of a"
    assert (
        ImmutableWhen("OLD.a IS NOT NULL", deletable=True).describe()
        == "immutable once OLD.a IS NOT NULL: refuses UPDATE"
    )
    assert (
        Refuse(name="x", events=["insert"], when={"sqlite": "1"}).describe() == "refuses INSERT when a condition holds"
    )
    assert Refuse(name="x", events=["insert"]).protects_existing_rows is False
    assert len({AppendOnly(), AppendOnly()}) == 1


@pytest.mark.django_db
def test_sqlmigrate_prints_the_guarantee_sql_and_runs_none_of_it():
    from django.db.migrations.state import ProjectState

    from django_basemodels.guarantees import AddGuarantee

    state = ProjectState.from_apps(__import__("django.apps").apps.apps)
    operation = AddGuarantee("Receipt", Refuse(name="no_empty_number", events=["insert"], when="NEW.number = ''"))
    operation.state_forwards("testapp", after := state.clone())
    editor = connection.schema_editor(collect_sql=True)  # as sqlmigrate's, outside a transaction of its own
    operation.database_forwards("testapp", editor, state, after)

    assert any("testapp_receipt_no_empty_number_insert" in sql and "CREATE" in sql for sql in editor.collected_sql)
    assert "testapp_receipt_no_empty_number_insert" not in trigger_names("testapp_receipt")


@django_db_for_ddl()
def test_a_condition_with_a_subquery_works_on_every_vendor():
    # PostgreSQL refuses a subquery in a trigger's WHEN clause: the layer tests it in the function instead.
    from django_basemodels.guarantees.installation import (
        drop_definitions,
        guarantee_definitions,
        install_definitions,
    )

    rule = Refuse(
        name="number_once",
        events=["insert"],
        when="EXISTS (SELECT 1 FROM testapp_receipt r WHERE r.number = NEW.number)",
        message="testapp_receipt: a number is used once",
    )
    definitions = guarantee_definitions(Receipt, rule, connection)
    install_definitions(connection, definitions)
    Receipt.objects.create(number="R-1")
    Receipt.objects.create(number="R-2")

    with pytest.raises(IntegrityError, match="a number is used once"):
        raw("INSERT INTO testapp_receipt (number) VALUES ('R-1')")
    drop_definitions(connection, definitions)
    assert Receipt.objects.count() == 2


@django_db_for_ddl()
def test_a_guarantee_without_sql_for_the_vendor_is_reported_never_silently_skipped(monkeypatch):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    only_elsewhere = Refuse(name="elsewhere_only", events=["insert"], when={other: "NEW.number = ''"})
    trigger_only_elsewhere = RowTrigger(name="trigger_elsewhere", events=["insert"], body={other: "SELECT 1;"})
    monkeypatch.setattr(
        Receipt._meta, "guarantees", [*Receipt._meta.guarantees, only_elsewhere, trigger_only_elsewhere]
    )

    problems = guarantee_problems()

    assert problems == [
        "testapp.Receipt (elsewhere_only): no SQL for this database vendor, so testapp_receipt is unguarded here",
        "testapp.Receipt (trigger_elsewhere): no SQL for this database vendor, so testapp_receipt is unguarded here",
    ]
    assert install_guarantees() == []  # nothing to install: only a declaration can fix it
    assert [e.id for e in check_database_guarantees(databases=["default"])] == ["django_basemodels.E011"] * 2


def test_a_new_models_guarantees_become_add_guarantee_operations_after_its_creation():
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.state import ProjectState

    from django_basemodels.guarantees import AddGuarantee
    from django_basemodels.guarantees.autodetector import GuaranteeAutodetector

    loader = MigrationLoader(None, ignore_no_migrations=True)
    migrated = loader.project_state()
    migrated.remove_model("testapp", "shift")  # as if Shift were a new model

    changes = GuaranteeAutodetector(migrated, ProjectState.from_apps(apps)).changes(
        graph=loader.graph, trim_to_apps={"testapp"}
    )

    operations = changes["testapp"][0].operations
    assert type(operations[0]).__name__ == "CreateModel" and "guarantees" not in operations[0].options
    assert [op.guarantee.name for op in operations[1:] if isinstance(op, AddGuarantee)] == [
        "closed_is_final",
        "frozen_columns",
        "undeletable",
        "no_forbidden_note",
    ]


@pytest.mark.django_db(transaction=True)
def test_remove_guarantee_drops_its_triggers_and_reversing_it_installs_them_again():
    from django.db.migrations.state import ProjectState

    from django_basemodels.guarantees import RemoveGuarantee

    operation = RemoveGuarantee("Shift", "undeletable")
    assert operation.deconstruct() == ("RemoveGuarantee", [], {"model_name": "Shift", "name": "undeletable"})
    assert operation.describe() == "Remove guarantee undeletable from Shift"
    assert operation.migration_name_fragment == "remove_shift_undeletable"
    assert operation.references_model("shift", "testapp")
    before = ProjectState.from_apps(__import__("django.apps").apps.apps)
    after = before.clone()
    operation.state_forwards("testapp", after)
    with connection.schema_editor() as editor:
        operation.database_forwards("testapp", editor, before, after)
    try:
        assert "testapp_shift_undeletable_delete" not in trigger_names("testapp_shift")
        with pytest.raises(ValueError, match="has no guarantee named 'undeletable'"):
            operation._find(after, "testapp")
    finally:
        with connection.schema_editor() as editor:
            operation.database_backwards("testapp", editor, after, before)
    assert guarantee_problems() == []


@pytest.mark.django_db(transaction=True)
def test_drop_triggers_removes_triggers_written_before_the_declarations():
    from django.db.migrations.state import ProjectState

    from django_basemodels.guarantees import DropTriggers

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION testapp_old_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
            )
            cursor.execute(
                "CREATE TRIGGER testapp_old_guard BEFORE UPDATE ON testapp_ticket "
                "FOR EACH ROW EXECUTE FUNCTION testapp_old_guard()"
            )
        elif connection.vendor == "mysql":
            cursor.execute("CREATE TRIGGER testapp_old_guard BEFORE UPDATE ON testapp_ticket FOR EACH ROW SET @x = 1")
        else:
            cursor.execute("CREATE TRIGGER testapp_old_guard BEFORE UPDATE ON testapp_ticket BEGIN SELECT 1; END")
    operation = DropTriggers("testapp_ticket", ["testapp_old_guard"], functions=["testapp_old_guard"])
    state = ProjectState()
    with connection.schema_editor() as editor:
        operation.database_forwards("testapp", editor, state, state)
        operation.database_backwards("testapp", editor, state, state)  # installs nothing back
    operation.state_forwards("testapp", state)

    assert trigger_names("testapp_ticket") == set()
    assert operation.deconstruct() == (
        "DropTriggers",
        [],
        {"table": "testapp_ticket", "triggers": ["testapp_old_guard"], "functions": ["testapp_old_guard"]},
    )
    assert DropTriggers("t", ["a"]).deconstruct()[2] == {"table": "t", "triggers": ["a"]}
    assert operation.describe() == "Drop triggers testapp_old_guard from testapp_ticket"


def test_operations_describe_themselves():
    from django_basemodels.guarantees import AddGuarantee, ReinstallGuarantees

    add = AddGuarantee("Receipt", AppendOnly())
    assert add.describe() == "Add guarantee append_only to Receipt"
    assert add.migration_name_fragment == "receipt_append_only"
    reinstall = ReinstallGuarantees("Receipt")
    assert reinstall.deconstruct() == ("ReinstallGuarantees", [], {"model_name": "Receipt"})
    assert reinstall.describe() == "Reinstall the guarantees of Receipt"
    assert reinstall.migration_name_fragment == "reinstall_receipt_guarantees"


def test_changed_compares_and_reads_well():
    assert Changed("a", "b") == Changed("a", "b") and Changed("a") != Changed("b")
    assert hash(Changed("a")) == hash(Changed("a"))
    assert repr(Changed("a", "b")) == "Changed('a', 'b')"
    with pytest.raises(GuaranteeDeclarationError, match="letters, digits"):
        Refuse(name=3, events=["update"])  # type: ignore[arg-type]
    with pytest.raises(GuaranteeDeclarationError, match="when is SQL"):
        Refuse(name="x", events=["update"], when={"sqlite": ""})
