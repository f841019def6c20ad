"""Database triggers: a document row is never updated, and not deleted before its retain_until.

They hold for raw SQL and for any code path that skips the model's guards.
"""

from django.db import migrations

TABLE = "django_documents_document"
IMMUTABLE = "django_documents_document is immutable: a new file is a new document that supersedes the old one"
RETAINED = "django_documents_document: a document cannot be deleted before its retain_until"

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION django_documents_refuse_update() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{IMMUTABLE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER django_documents_document_immutable
    BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION django_documents_refuse_update();
    """,
    f"""
    CREATE OR REPLACE FUNCTION django_documents_refuse_retained_delete() RETURNS trigger AS $$
    BEGIN
        IF OLD.retain_until IS NOT NULL AND OLD.retain_until > statement_timestamp() THEN
            RAISE EXCEPTION '{RETAINED}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER django_documents_document_retained
    BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION django_documents_refuse_retained_delete();
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS django_documents_document_retained ON {TABLE};",
    "DROP FUNCTION IF EXISTS django_documents_refuse_retained_delete();",
    f"DROP TRIGGER IF EXISTS django_documents_document_immutable ON {TABLE};",
    "DROP FUNCTION IF EXISTS django_documents_refuse_update();",
]
# Django stores SQLite datetimes as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]", which datetime('now')
# compares with in text order.
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER django_documents_document_immutable BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{IMMUTABLE}'); END;
    """,
    f"""
    CREATE TRIGGER django_documents_document_retained BEFORE DELETE ON {TABLE}
    WHEN OLD.retain_until IS NOT NULL AND OLD.retain_until > datetime('now')
    BEGIN SELECT RAISE(ABORT, '{RETAINED}'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS django_documents_document_retained;",
    "DROP TRIGGER IF EXISTS django_documents_document_immutable;",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("django_documents", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
