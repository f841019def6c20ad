"""Bulk loading for the benchmarks that need a million rows: the fastest path per database, triggers off meanwhile.

The rows bypass the services on purpose (a million service calls would take the whole time budget); the
benchmark that loads them checks afterwards, in SQL, what the triggers would have checked.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from typing import Any


def ascending_uuids(count: int) -> list[uuid.UUID]:
    """Random (version 4) keys in ascending order: a bulk load then appends to each key index instead of
    scattering over it. Reads of balances go through the account index and do not see the difference."""
    return [uuid.UUID(bytes=raw, version=4) for raw in sorted(os.urandom(16) for _ in range(count))]


def db_uuid(value: uuid.UUID) -> Any:
    """A UUID as Django stores it: ``uuid`` on PostgreSQL, its text on MariaDB (``uuid`` column), 32 hex digits else."""
    from django.db import connection

    return uuid_converter(connection)(value)


def uuid_converter(connection: Any) -> Callable[[uuid.UUID], Any]:
    """The fast form of ``db_uuid`` for one connection, for loops over a million rows."""
    if connection.vendor == "postgresql":
        return lambda value: value
    if getattr(connection.features, "has_native_uuid_field", False):  # MariaDB ≥ 10.7: a `uuid` column
        return str
    return lambda value: value.hex


def sqlite_datetime(value: dt.datetime) -> str:
    """What Django stores on SQLite and MariaDB for an aware UTC datetime (``adapt_datetimefield_value``, the
    connection's time zone being UTC), without its overhead."""
    return str(value.replace(tzinfo=None))


def datetime_converter(connection: Any) -> Callable[[dt.datetime], Any]:
    """An aware UTC datetime as the bulk paths write it: itself on PostgreSQL, ``sqlite_datetime`` else.

    Checked once against Django's own adaptation, so that a change in Django stops the benchmark."""
    if connection.vendor == "postgresql":
        return lambda value: value
    probe = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone.utc)
    if sqlite_datetime(probe) != connection.ops.adapt_datetimefield_value(probe):
        raise RuntimeError(
            f"Django stores datetimes on {connection.vendor} differently now: the benchmark needs updating"
        )
    return sqlite_datetime


class Loader:
    """Rows of a model's table: given values for some fields, every other field's default, in column order."""

    def __init__(self, model: Any, connection: Any, given: list[str]) -> None:
        self.table = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [field.column for field in fields]
        self.positions = {name: index for index, name in enumerate(field.attname for field in fields)}
        missing = [name for name in given if name not in self.positions]
        if missing:
            raise RuntimeError(f"{self.table} has no field(s) {missing}: the benchmark needs updating")
        self.template: list[Any] = []
        for field in fields:
            if field.attname in given:
                self.template.append(None)
                continue
            default = field.get_default()
            if default is None and not field.null:
                raise RuntimeError(f"{self.table}.{field.column} has no default: the benchmark needs updating")
            self.template.append(field.get_db_prep_save(default, connection))
        self.given = [self.positions[name] for name in given]

    def row(self, *values: Any) -> tuple[Any, ...]:
        row = list(self.template)
        for position, value in zip(self.given, values, strict=True):
            row[position] = value
        return tuple(row)

    def insert_sql(self, placeholder: str) -> str:
        marks = ", ".join([placeholder] * len(self.columns))
        return f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"


def bulk_write(connection: Any, loader: Loader, rows: Iterator[tuple[Any, ...]]) -> None:
    """The fastest path per database, inside the caller's transaction: COPY on PostgreSQL, executemany on SQLite,
    ``LOAD DATA LOCAL INFILE`` on MariaDB."""
    if connection.vendor == "postgresql":
        statement = f"COPY {loader.table} ({', '.join(loader.columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    elif connection.vendor == "mysql":
        load_data(connection, loader, rows)
    else:
        connection.connection.executemany(loader.insert_sql("?"), rows)


def _tsv_value(value: Any) -> str:
    """One field of ``LOAD DATA``'s default format: tab-separated, ``\\N`` for NULL, backslash escapes."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


def load_data(connection: Any, loader: Loader, rows: Iterator[tuple[Any, ...]]) -> None:
    """MariaDB's COPY: the rows to a tab-separated file in the run's scratch folder, then ``LOAD DATA LOCAL
    INFILE`` (the connection needs ``local_infile``), with foreign key and unique checks off (the keys are unique
    and the references valid by construction; InnoDB then fills an empty table in bulk). A row the server
    would adapt or skip (a warning, not an error, under ``LOCAL``) stops the benchmark."""
    folder = os.environ.get("BENCH_SCRATCH") or None
    with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tsv", encoding="utf-8", delete=False) as file:
        written = 0
        for row in rows:
            file.write("\t".join(map(_tsv_value, row)) + "\n")
            written += 1
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0")
            try:
                cursor.execute(
                    f"LOAD DATA LOCAL INFILE %s INTO TABLE {loader.table} CHARACTER SET utf8mb4 "
                    f"({', '.join(loader.columns)})",
                    [file.name],
                )
                loaded = cursor.rowcount
                cursor.execute("SELECT @@warning_count")
                (warnings,) = cursor.fetchone()
            finally:
                cursor.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")
    finally:
        os.unlink(file.name)
    if loaded != written or warnings:
        raise RuntimeError(f"LOAD DATA into {loader.table}: {loaded} of {written} rows, {warnings} warning(s)")


class TriggersOff:
    """Switch the user triggers of some tables off for a bulk load and on again after it.

    PostgreSQL: ``ALTER TABLE ... DISABLE/ENABLE TRIGGER USER``. SQLite, which cannot disable a trigger:
    drop the triggers and re-create them from their own SQL; with ``indexes=True`` the tables' named
    indexes too (built once at the end instead of row by row). MariaDB, which cannot disable one either:
    drop the triggers and re-create them from ``SHOW CREATE TRIGGER`` under their own ``sql_mode``, in
    their firing order (``indexes`` is ignored there: InnoDB keeps its indexes, and each ``DROP`` or
    ``CREATE`` commits, so enter this outside the load's transaction).
    """

    def __init__(self, connection: Any, tables: list[str], *, indexes: bool = False) -> None:
        self.connection = connection
        self.tables = tables
        self.kinds = ["trigger", "index"] if indexes else ["trigger"]
        self.saved: list[tuple[str, str, str]] = []  # (kind, name, SQL) on SQLite, (sql_mode, name, SQL) on MariaDB

    def __enter__(self) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                for table in self.tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
            elif self.connection.vendor == "mysql":
                tables = ", ".join(["%s"] * len(self.tables))
                cursor.execute(
                    "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE() "
                    f"AND event_object_table IN ({tables}) "
                    "ORDER BY event_object_table, event_manipulation, action_timing, action_order",
                    self.tables,
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f"SHOW CREATE TRIGGER `{name}`")
                    _name, sql_mode, statement, *_rest = cursor.fetchone()
                    self.saved.append((sql_mode, name, statement))
                for _mode, name, _statement in self.saved:
                    cursor.execute(f"DROP TRIGGER `{name}`")
            else:
                tables = ", ".join(["%s"] * len(self.tables))
                kinds = ", ".join(["%s"] * len(self.kinds))
                cursor.execute(
                    f"SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name IN ({tables}) "
                    f"AND type IN ({kinds})",
                    [*self.tables, *self.kinds],
                )
                self.saved = list(cursor.fetchall())
                for kind, name, _sql in self.saved:
                    cursor.execute(f'DROP {kind.upper()} "{name}"')

    def __exit__(self, *exc_info: object) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                for table in self.tables:
                    cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
            elif self.connection.vendor == "mysql":
                cursor.execute("SELECT @@SESSION.sql_mode")
                (session_mode,) = cursor.fetchone()
                try:
                    for sql_mode, _name, statement in self.saved:
                        cursor.execute("SET SESSION sql_mode = %s", [sql_mode])
                        cursor.execute(statement)  # no parameters: a "%" in its body stays as it is
                finally:
                    cursor.execute("SET SESSION sql_mode = %s", [session_mode])
            else:
                for _kind, _name, sql in self.saved:
                    cursor.execute(sql)


def analyse(*tables: str) -> None:
    """Fresh planner statistics, as a settled database has: ``VACUUM ANALYZE`` (PostgreSQL), ``ANALYZE`` (SQLite),
    ``ANALYZE TABLE`` (MariaDB)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f"VACUUM ANALYZE {table}")
            elif connection.vendor == "mysql":
                cursor.execute(f"ANALYZE TABLE {table}")
                cursor.fetchall()
            else:
                cursor.execute(f"ANALYZE {table}")
