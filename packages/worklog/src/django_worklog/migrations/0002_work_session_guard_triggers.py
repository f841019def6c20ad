"""Database triggers that keep recorded time: a stopped session never changes, no session is deleted.

They refuse, in raw SQL too: any UPDATE of a stopped row; an UPDATE of a running row that
changes its id, user, context or start; every DELETE. Stopping a running row (setting
``stopped_at`` and ``duration_seconds``) is the one UPDATE allowed. PostgreSQL's TRUNCATE (used by
test flushes) is not guarded. On SQLite, a later migration that makes Django rebuild this table
drops its triggers: such a migration must run ``create_triggers`` again.
"""

from django.db import migrations

TABLE = "django_worklog_worksession"
DELETE_MESSAGE = f"{TABLE}: work sessions are never deleted"
STOPPED_MESSAGE = f"{TABLE}: a stopped work session never changes"
IDENTITY_MESSAGE = f"{TABLE}: the user, context and start of a work session never change"
IDENTITY_COLUMNS = ["id", "user_id", "context_type_id", "context_id", "started_at"]

POSTGRES_CREATE = [
    f"""
    CREATE OR REPLACE FUNCTION django_worklog_guard_work_session() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{DELETE_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF OLD.stopped_at IS NOT NULL THEN
            RAISE EXCEPTION '{STOPPED_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        IF {" OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in IDENTITY_COLUMNS)} THEN
            RAISE EXCEPTION '{IDENTITY_MESSAGE}' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER django_worklog_worksession_guard
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION django_worklog_guard_work_session();
    """,
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS django_worklog_worksession_guard ON {TABLE};",
    "DROP FUNCTION IF EXISTS django_worklog_guard_work_session();",
]
SQLITE_CREATE = [
    f"""
    CREATE TRIGGER django_worklog_worksession_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{DELETE_MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER django_worklog_worksession_stopped_no_update BEFORE UPDATE ON {TABLE}
    WHEN OLD.stopped_at IS NOT NULL
    BEGIN SELECT RAISE(ABORT, '{STOPPED_MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER django_worklog_worksession_identity_no_update BEFORE UPDATE ON {TABLE}
    WHEN {" OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in IDENTITY_COLUMNS)}
    BEGIN SELECT RAISE(ABORT, '{IDENTITY_MESSAGE}'); END;
    """,
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS django_worklog_worksession_no_delete;",
    "DROP TRIGGER IF EXISTS django_worklog_worksession_stopped_no_update;",
    "DROP TRIGGER IF EXISTS django_worklog_worksession_identity_no_update;",
]


def _run(schema_editor, statements_by_vendor):
    for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def create_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE})


def drop_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("django_worklog", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
