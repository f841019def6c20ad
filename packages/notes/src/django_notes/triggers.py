"""Database triggers that refuse ``UPDATE`` and ``DELETE`` of note revisions, on SQLite and PostgreSQL.

Migration 0002 installs them. ``TRUNCATE`` is not refused (Django's test runner empties tables
with it): revoke it from the application's database role instead. On SQLite, a later migration
that rebuilds the table drops its triggers with the old table and must install them again; the
database check ``django_notes.W001`` (``manage.py check --database default``) reports missing ones.
"""

from __future__ import annotations

from typing import Any

TABLE = "django_notes_noterevision"
SQLITE_TRIGGERS = ("django_notes_noterevision_no_update", "django_notes_noterevision_no_delete")
POSTGRES_TRIGGER = "django_notes_noterevision_append_only"
POSTGRES_FUNCTION = "django_notes_refuse_revision_change"
MESSAGE = "django_notes: note revisions are append-only"

_SQLITE_INSTALL = [
    f'CREATE TRIGGER IF NOT EXISTS "{SQLITE_TRIGGERS[0]}" BEFORE UPDATE ON "{TABLE}" '
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}; UPDATE refused'); END",
    f'CREATE TRIGGER IF NOT EXISTS "{SQLITE_TRIGGERS[1]}" BEFORE DELETE ON "{TABLE}" '
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}; DELETE refused'); END",
]
_SQLITE_DROP = [f'DROP TRIGGER IF EXISTS "{name}"' for name in SQLITE_TRIGGERS]

# restrict_violation (SQLSTATE 23001) makes Django raise IntegrityError, as SQLite's RAISE(ABORT) does.
_POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = '{MESSAGE}; ' || TG_OP || ' refused', ERRCODE = 'restrict_violation';
END
$$""",
    f'DROP TRIGGER IF EXISTS {POSTGRES_TRIGGER} ON "{TABLE}"',
    f'CREATE TRIGGER {POSTGRES_TRIGGER} BEFORE UPDATE OR DELETE ON "{TABLE}" '
    f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_FUNCTION}()",
]
_POSTGRES_DROP = [
    f'DROP TRIGGER IF EXISTS {POSTGRES_TRIGGER} ON "{TABLE}"',
    f"DROP FUNCTION IF EXISTS {POSTGRES_FUNCTION}()",
]


def _run(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_revision_triggers(connection: Any) -> None:
    """Create the triggers on ``connection`` (idempotent; vendors other than SQLite and PostgreSQL are skipped)."""
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_INSTALL)
    elif connection.vendor == "postgresql":
        _run(connection, _POSTGRES_INSTALL)


def drop_revision_triggers(connection: Any) -> None:
    """Remove the triggers from ``connection`` (idempotent): for migrations only."""
    if connection.vendor == "sqlite":
        _run(connection, _SQLITE_DROP)
    elif connection.vendor == "postgresql":
        _run(connection, _POSTGRES_DROP)


def revision_triggers_installed(connection: Any) -> bool:
    """Whether every trigger is present on ``connection`` (``True`` for vendors without triggers)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            return set(SQLITE_TRIGGERS) <= {row[0] for row in cursor.fetchall()}
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND tgname = %s AND tgenabled <> 'D'",
                [TABLE, POSTGRES_TRIGGER],
            )
            return cursor.fetchone()[0] == 1
    return True
