"""``RefuseUpdateAndDelete``: a migration operation that makes a table append-only with database triggers.

It writes the same triggers a package would write by hand for SQLite and PostgreSQL: a raw SQL
``UPDATE`` or ``DELETE`` of any row of the model's table is refused with ``IntegrityError``,
whatever code runs it. It changes no model state (``makemigrations`` never sees it) and is reversible.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.migrations.operations.base import Operation, OperationCategory

# PostgreSQL truncates longer identifiers, which would silently give the triggers other names.
MAX_NAME_LENGTH = 63
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _check_identifier(value: str, argument: str) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value) or len(value) > MAX_NAME_LENGTH:
        raise ValueError(
            f"{argument} must be an SQL identifier of at most {MAX_NAME_LENGTH} letters, digits and "
            f"underscores, not {value!r}"
        )
    return value


def _sql_string(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled)."""
    return "'" + text.replace("'", "''") + "'"


class RefuseUpdateAndDelete(Operation):
    """Install triggers that refuse every ``UPDATE`` and ``DELETE`` on the table of ``model_name``.

    ``name`` (an SQL identifier) names the triggers: on SQLite ``<name>_no_update`` and
    ``<name>_no_delete`` (``BEFORE UPDATE``/``BEFORE DELETE``, ``SELECT RAISE(ABORT, message)``);
    on PostgreSQL one row trigger ``postgres_trigger`` (default ``<name>_append_only``,
    ``BEFORE UPDATE OR DELETE``) calling the PL/pgSQL function ``postgres_function`` (default
    ``<name>_refuse_change``), which raises ``message`` with SQLSTATE ``restrict_violation``.
    Django raises ``IntegrityError`` on both vendors, with ``message`` in its text (default
    ``"<table> is append-only: its rows are never updated or deleted"``). Pass
    ``postgres_trigger``/``postgres_function`` to keep the names of triggers written before.

    Guarantees: the model state is unchanged (``makemigrations`` never sees the triggers);
    creating is idempotent (``IF NOT EXISTS``/``OR REPLACE``); reversing drops exactly these
    triggers and the function; databases the router does not migrate the model to, and vendors
    other than SQLite and PostgreSQL, get nothing (say so in a system check of your own);
    ``TRUNCATE`` is not refused (Django's test flushes use it on PostgreSQL). On SQLite, a later
    migration that makes Django rebuild the table drops its triggers: repeat the operation after it.

    Raises ``ValueError`` for a trigger or function name that is not an identifier of at most 63
    characters, and for a message containing ``$$``.
    """

    reversible = True
    category = OperationCategory.SQL

    def __init__(
        self,
        model_name: str,
        *,
        name: str,
        message: str | None = None,
        postgres_trigger: str | None = None,
        postgres_function: str | None = None,
    ) -> None:
        if message is not None and (not isinstance(message, str) or "$$" in message):
            raise ValueError(
                f"message must be a string without '$$' (it would end the PostgreSQL function), not {message!r}"
            )
        self.model_name = model_name
        self.name = _check_identifier(name, "name")
        self.message = message
        self.sqlite_triggers = (
            _check_identifier(f"{name}_no_update", "name"),
            _check_identifier(f"{name}_no_delete", "name"),
        )
        self.postgres_trigger = _check_identifier(postgres_trigger or f"{name}_append_only", "postgres_trigger")
        self.postgres_function = _check_identifier(postgres_function or f"{name}_refuse_change", "postgres_function")

    @property
    def model_name_lower(self) -> str:
        return self.model_name.lower()

    def state_forwards(self, app_label: str, state: Any) -> None:
        """Nothing: triggers are not part of Django's model state."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._execute(schema_editor, to_state.apps.get_model(app_label, self.model_name), create=True)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._execute(schema_editor, from_state.apps.get_model(app_label, self.model_name), create=False)

    def describe(self) -> str:
        return f"Refuse UPDATE and DELETE of {self.model_name} rows (triggers {self.name}_*)"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_append_only"

    def _execute(self, schema_editor: Any, model: Any, *, create: bool) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in ("sqlite", "postgresql") or not self.allow_migrate_model(
            schema_editor.connection.alias, model
        ):
            return
        table = model._meta.db_table
        message = (
            self.message
            if self.message is not None
            else f"{table} is append-only: its rows are never updated or deleted"
        )
        q = schema_editor.quote_name
        if vendor == "sqlite" and create:
            statements = [
                f"CREATE TRIGGER IF NOT EXISTS {q(trigger)} BEFORE {event} ON {q(table)} "
                f"BEGIN SELECT RAISE(ABORT, {_sql_string(message)}); END"
                for trigger, event in zip(self.sqlite_triggers, ("UPDATE", "DELETE"), strict=True)
            ]
        elif vendor == "sqlite":
            statements = [f"DROP TRIGGER IF EXISTS {q(trigger)}" for trigger in self.sqlite_triggers]
        elif create:
            # RAISE's text is a format string, where "%%" stands for "%".
            statements = [
                f"CREATE OR REPLACE FUNCTION {q(self.postgres_function)}() RETURNS trigger AS $$\n"
                "BEGIN\n"
                f"    RAISE EXCEPTION {_sql_string(message.replace('%', '%%'))} USING ERRCODE = 'restrict_violation';\n"
                "END;\n"
                "$$ LANGUAGE plpgsql",
                f"CREATE OR REPLACE TRIGGER {q(self.postgres_trigger)} BEFORE UPDATE OR DELETE ON {q(table)} "
                f"FOR EACH ROW EXECUTE FUNCTION {q(self.postgres_function)}()",
            ]
        else:
            statements = [
                f"DROP TRIGGER IF EXISTS {q(self.postgres_trigger)} ON {q(table)}",
                f"DROP FUNCTION IF EXISTS {q(self.postgres_function)}()",
            ]
        for statement in statements:
            # params=None: a "%" in the message is no placeholder for the database driver.
            schema_editor.execute(statement, params=None)
