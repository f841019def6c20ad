"""The SQL behind the declarations, one dialect per database vendor.

A dialect turns one rule (refuse an event, run a body of SQL) on one table into the statements
that create and drop a trigger, and reads back which triggers a database has. Supporting a new
vendor is writing one more ``Dialect`` and adding it to ``DIALECTS``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.backends.utils import truncate_name

from django_basemodels.guarantees.declarations import Changed, GuaranteeDeclarationError

# PostgreSQL keeps 63 bytes of a name and MySQL 64: longer names end in a hash, on every vendor alike.
MAX_NAME_LENGTH = 63
MARKER = "django_basemodels guarantee"
SUBQUERY = re.compile(r"\bselect\b", re.IGNORECASE)
# In the message of SQLite's REPLACE guard, for tests that tell it from a guarantee's own message.
REPLACE_REFUSED = "a row of this table is never replaced"


@dataclass(frozen=True)
class TriggerDefinition:
    """One trigger the layer installs: its name, table, the statements that create and drop it, and a
    fingerprint of its definition, written into the trigger so the check can tell an outdated one."""

    name: str
    table: str
    guarantee: str
    create: tuple[str, ...]
    drop: tuple[str, ...]
    fingerprint: str


@dataclass(frozen=True)
class InstalledTrigger:
    """A trigger found in a database: its table, its definition text and whether it is enabled."""

    name: str
    table: str
    definition: str
    enabled: bool = True


def trigger_name(table: str, guarantee: str, event: str) -> str:
    return truncate_name(f"{table}_{guarantee}_{event}", MAX_NAME_LENGTH)


def sql_string(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def fingerprint(statements: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()[:16]


def _stamp(value: str) -> str:
    return f"/* {MARKER} {value} */"


class Dialect:
    """The SQL of one vendor. Subclasses write the statements; this class assembles definitions."""

    vendor: str
    quote = staticmethod(lambda name: f'"{name}"')

    def condition(self, when: Any) -> str | None:
        """``when`` (None, SQL, SQL by vendor, ``Changed``) as this vendor's SQL, or ``None``."""
        if when is None:
            return None
        if isinstance(when, Changed):
            return "(" + " OR ".join(self.column_changed(self.quote(column)) for column in when.columns) + ")"
        if isinstance(when, Mapping):
            if self.vendor not in when:
                raise GuaranteeDeclarationError(f"the condition {dict(when)!r} has no SQL for {self.vendor}")
            return when[self.vendor]
        return when

    def column_changed(self, column: str) -> str:
        raise NotImplementedError

    def refuse(self, name: str, table: str, event: str, condition: str | None, message: str) -> TriggerDefinition:
        raise NotImplementedError

    def _definition(
        self, name: str, table: str, guarantee: str, timing: str, event: str, condition: str | None, body: str
    ) -> TriggerDefinition:
        raise NotImplementedError

    def row_trigger(
        self, name: str, table: str, guarantee: str, timing: str, event: str, condition: str | None, body: str
    ) -> TriggerDefinition:
        return self._definition(name, table, guarantee, timing, event, condition, body)

    def drop_statements(self, name: str, table: str) -> tuple[str, ...]:
        return (f"DROP TRIGGER IF EXISTS {self.quote(name)}",)

    def refuse_replace(self, model: Any, connection: Any) -> TriggerDefinition | None:
        """A trigger refusing an insert that would replace an existing row, where the vendor replaces
        rows without firing delete triggers; ``None`` elsewhere."""
        return None

    def installed(self, connection: Any) -> dict[str, InstalledTrigger]:
        raise NotImplementedError


class SQLiteDialect(Dialect):
    vendor = "sqlite"

    def column_changed(self, column: str) -> str:
        return f"NEW.{column} IS NOT OLD.{column}"

    def _definition(
        self, name: str, table: str, guarantee: str, timing: str, event: str, condition: str | None, body: str
    ) -> TriggerDefinition:
        when = f" WHEN {condition}" if condition else ""
        head = (
            f"CREATE TRIGGER {self.quote(name)} {timing.upper()} {event.upper()} ON {self.quote(table)} "
            f"FOR EACH ROW{when}"
        )
        stamp = fingerprint([head, body])
        return TriggerDefinition(
            name=name,
            table=table,
            guarantee=guarantee,
            create=(f"{head} BEGIN {_stamp(stamp)}\n{body.strip()}\nEND",),
            drop=self.drop_statements(name, table),
            fingerprint=stamp,
        )

    def refuse(self, name: str, table: str, event: str, condition: str | None, message: str) -> TriggerDefinition:
        guarantee = name
        return self._definition(
            trigger_name(table, name, event),
            table,
            guarantee,
            "before",
            event,
            condition,
            f"SELECT RAISE(ABORT, {sql_string(message)});",
        )

    def refuse_replace(self, model: Any, connection: Any) -> TriggerDefinition | None:
        table = model._meta.db_table
        matches = _key_matches(model, connection, self.quote)
        message = (
            f"{table}: {REPLACE_REFUSED} (INSERT OR REPLACE, REPLACE, or an insert that reuses a key of a "
            "guarded row are refused)"
        )
        # One EXISTS per unique key, so each probe is an index lookup (an OR inside one EXISTS may scan).
        condition = " OR ".join(
            f"EXISTS (SELECT 1 FROM {self.quote(table)} AS existing WHERE {match})" for match in matches
        )
        return self._definition(
            trigger_name(table, "no", "replace"),
            table,
            "",
            "before",
            "insert",
            condition,
            f"SELECT RAISE(ABORT, {sql_string(message)});",
        )

    def installed(self, connection: Any) -> dict[str, InstalledTrigger]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
            return {name: InstalledTrigger(name, table, sql or "") for name, table, sql in cursor.fetchall()}


class PostgreSQLDialect(Dialect):
    vendor = "postgresql"
    DOLLAR = "$guarantee$"

    def column_changed(self, column: str) -> str:
        return f"NEW.{column} IS DISTINCT FROM OLD.{column}"

    def _definition(
        self, name: str, table: str, guarantee: str, timing: str, event: str, condition: str | None, block: str
    ) -> TriggerDefinition:
        if self.DOLLAR in block:
            raise GuaranteeDeclarationError(f"the PostgreSQL body of {name} must not contain {self.DOLLAR}")
        block = block.strip()
        if not block.upper().startswith(("DECLARE", "BEGIN")):
            block = f"BEGIN\n{block}\nEND"
        when = f" WHEN ({condition})" if condition else ""
        trigger = (
            f"CREATE OR REPLACE TRIGGER {self.quote(name)} {timing.upper()} {event.upper()} ON {self.quote(table)} "
            f"FOR EACH ROW{when} EXECUTE FUNCTION {self.quote(name)}()"
        )
        stamp = fingerprint([block, trigger])
        function = (
            f"CREATE OR REPLACE FUNCTION {self.quote(name)}() RETURNS trigger LANGUAGE plpgsql AS {self.DOLLAR}\n"
            f"{_stamp(stamp)}\n{block}\n{self.DOLLAR}"
        )
        return TriggerDefinition(
            name=name,
            table=table,
            guarantee=guarantee,
            create=(function, trigger),
            drop=self.drop_statements(name, table),
            fingerprint=stamp,
        )

    def drop_statements(self, name: str, table: str) -> tuple[str, ...]:
        return (
            f"DROP TRIGGER IF EXISTS {self.quote(name)} ON {self.quote(table)}",
            f"DROP FUNCTION IF EXISTS {self.quote(name)}()",
        )

    def refuse(self, name: str, table: str, event: str, condition: str | None, message: str) -> TriggerDefinition:
        # restrict_violation (SQLSTATE 23001): Django raises IntegrityError, as for SQLite's RAISE(ABORT).
        raise_error = f"RAISE EXCEPTION USING MESSAGE = {sql_string(message)}, ERRCODE = 'restrict_violation';"
        if condition is not None and SUBQUERY.search(condition):
            # A trigger's WHEN clause may not hold a subquery: test the condition in the function instead.
            row = "OLD" if event == "delete" else "NEW"
            body = f"BEGIN\nIF {condition} THEN\n{raise_error}\nEND IF;\nRETURN {row};\nEND"
            return self._definition(trigger_name(table, name, event), table, name, "before", event, None, body)
        return self._definition(
            trigger_name(table, name, event), table, name, "before", event, condition, f"BEGIN\n{raise_error}\nEND"
        )

    def installed(self, connection: Any) -> dict[str, InstalledTrigger]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT t.tgname, c.relname, p.prosrc || E'\\n' || pg_get_triggerdef(t.oid), t.tgenabled <> 'D'
                FROM pg_trigger t
                JOIN pg_class c ON c.oid = t.tgrelid
                JOIN pg_proc p ON p.oid = t.tgfoid
                WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)
                """
            )
            return {
                name: InstalledTrigger(name, table, definition, enabled)
                for name, table, definition, enabled in cursor.fetchall()
            }


MYSQL_MESSAGE_LENGTH = 128  # MySQL keeps at most 128 characters of a SIGNAL's MESSAGE_TEXT (and refuses more)
MYSQL_REFUSAL_ERROR = 3819  # ER_CHECK_CONSTRAINT_VIOLATED: Django's MySQL backend raises it as IntegrityError


def mysql_refusal(message: str) -> str:
    """The MariaDB/MySQL statement that refuses a write with ``message``, raised by Django as
    ``IntegrityError`` like the refusals on the other vendors: for the ``mysql`` body of a ``RowTrigger``."""
    if len(message) > MYSQL_MESSAGE_LENGTH:
        message = message[: MYSQL_MESSAGE_LENGTH - 3] + "..."
    # A backslash starts an escape in a MySQL string literal (unless NO_BACKSLASH_ESCAPES): double it.
    literal = sql_string(message.replace("\\", "\\\\"))
    return f"SIGNAL SQLSTATE '23000' SET MESSAGE_TEXT = {literal}, MYSQL_ERRNO = {MYSQL_REFUSAL_ERROR};"


class MySQLDialect(Dialect):
    """MariaDB and MySQL 8: no ``WHEN`` on a trigger, so the condition is an ``IF`` in the body, and a
    refusal is ``SIGNAL SQLSTATE '23000'`` with the CHECK-violation error number, which Django raises
    as ``IntegrityError`` as on the other vendors."""

    vendor = "mysql"
    quote = staticmethod(lambda name: f"`{name}`")

    def column_changed(self, column: str) -> str:
        # Compared as bytes: the default collation would call a change of case or of trailing spaces no change.
        return f"NOT (CAST(NEW.{column} AS BINARY) <=> CAST(OLD.{column} AS BINARY))"

    def _definition(
        self, name: str, table: str, guarantee: str, timing: str, event: str, condition: str | None, body: str
    ) -> TriggerDefinition:
        body = body.strip()
        if body.upper().startswith("DECLARE"):
            body = f"BEGIN\n{body}\nEND"
        if not body.endswith(";"):
            body += ";"
        if condition:
            body = f"IF {condition} THEN\n{body}\nEND IF;"
        head = f"CREATE TRIGGER {self.quote(name)} {timing.upper()} {event.upper()} ON {self.quote(table)} FOR EACH ROW"
        stamp = fingerprint([head, body])
        return TriggerDefinition(
            name=name,
            table=table,
            guarantee=guarantee,
            create=(f"{head}\nBEGIN\n{_stamp(stamp)}\n{body}\nEND",),
            drop=self.drop_statements(name, table),
            fingerprint=stamp,
        )

    def refuse(self, name: str, table: str, event: str, condition: str | None, message: str) -> TriggerDefinition:
        return self._definition(
            trigger_name(table, name, event), table, name, "before", event, condition, mysql_refusal(message)
        )

    def refuse_replace(self, model: Any, connection: Any) -> TriggerDefinition | None:
        # InnoDB carries out a REPLACE that meets an existing row as an update that fires no trigger at
        # all, unless the table has a delete trigger: then it deletes the old row (firing the delete
        # triggers, which refuse what the guarantees refuse) and inserts the new one. This trigger does
        # nothing but be there. ON DUPLICATE KEY UPDATE fires the update triggers anyway. Unlike a
        # guard probing the unique keys on every insert, it takes no lock.
        table = model._meta.db_table
        return self._definition(trigger_name(table, "no", "replace"), table, "", "before", "delete", None, "DO 0;")

    def installed(self, connection: Any) -> dict[str, InstalledTrigger]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT TRIGGER_NAME, EVENT_OBJECT_TABLE, ACTION_STATEMENT FROM information_schema.TRIGGERS "
                "WHERE TRIGGER_SCHEMA = DATABASE()"
            )
            return {
                name: InstalledTrigger(name, table, definition or "") for name, table, definition in cursor.fetchall()
            }


def _key_matches(model: Any, connection: Any, quote: Any) -> list[str]:
    """SQL matching an existing row (``existing``) that a new row (``NEW``) collides with on any unique key."""
    from django.db.models import UniqueConstraint

    meta = model._meta
    column_sets: list[tuple[list[str], Any]] = []
    for field in meta.local_concrete_fields:
        if field.unique:
            column_sets.append(([field.column], None))
    for together in meta.unique_together:
        column_sets.append(([meta.get_field(name).column for name in together], None))
    for constraint in meta.constraints:
        if isinstance(constraint, UniqueConstraint) and constraint.fields and not constraint.expressions:
            columns = [meta.get_field(name).column for name in constraint.fields]
            column_sets.append((columns, constraint.condition))
    matches = []
    for columns, condition in column_sets:
        match = " AND ".join(f"existing.{quote(column)} = NEW.{quote(column)}" for column in columns)
        if condition is not None:
            sql = _condition_sql(model, condition, connection)
            # Sorted: a historical model (in a migration) may list its fields in another order.
            candidate = ", ".join(
                f"NEW.{quote(column)} AS {quote(column)}"
                for column in sorted(field.column for field in meta.local_concrete_fields)
            )
            # The existing row and the new one are both in the partial unique index only when both meet its condition.
            match = f"({match} AND ({sql}) AND EXISTS (SELECT 1 FROM (SELECT {candidate}) AS candidate WHERE {sql}))"
        else:
            match = f"({match})"
        matches.append(match)
    # Sorted for the same reason: the trigger must not differ between the migration and the check.
    return sorted(matches)


def _condition_sql(model: Any, condition: Any, connection: Any) -> str:
    from django.db.models.sql import Query

    query = Query(model=model, alias_cols=False)
    where = query.build_where(condition)
    compiler = query.get_compiler(connection=connection)
    sql, params = where.as_sql(compiler, connection)
    schema_editor = connection.schema_editor()
    return sql % tuple(schema_editor.quote_value(param) for param in params)


DIALECTS: dict[str, Dialect] = {
    dialect.vendor: dialect for dialect in (SQLiteDialect(), PostgreSQLDialect(), MySQLDialect())
}
