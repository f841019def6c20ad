"""Database triggers that make agreement versions append-only: raw SQL UPDATE and DELETE are refused."""

from django.db import migrations

TABLE = "django_agreements_agreementversion"
MESSAGE = "django_agreements_agreementversion is append-only: agreement versions are never updated or deleted"

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION django_agreements_refuse_version_change() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER django_agreements_version_append_only
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION django_agreements_refuse_version_change();
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS django_agreements_version_append_only ON {TABLE};",
    "DROP FUNCTION IF EXISTS django_agreements_refuse_version_change();",
]
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER django_agreements_version_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER django_agreements_version_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS django_agreements_version_no_update;",
    "DROP TRIGGER IF EXISTS django_agreements_version_no_delete;",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("django_agreements", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
