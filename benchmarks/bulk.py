"""Bulk loading for the benchmarks that need a million rows: the fastest path per database, triggers off meanwhile.

The rows bypass the services on purpose (a million service calls would take the whole time budget); the
benchmark that loads them checks afterwards, in SQL, what the triggers would have checked.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from typing import Any


def new_uuid() -> uuid.UUID:
    return uuid.UUID(bytes=os.urandom(16), version=4)


def ascending_uuids(count: int) -> list[uuid.UUID]:
    """Random (version 4) keys in ascending order: a bulk load then appends to each key index instead of
    scattering over it. Reads of balances go through the account index and do not see the difference."""
    return [uuid.UUID(bytes=raw, version=4) for raw in sorted(os.urandom(16) for _ in range(count))]


def db_uuid(value: uuid.UUID) -> Any:
    """A UUID as Django stores it: ``uuid`` on PostgreSQL, 32 hex digits on SQLite."""
    from django.db import connection

    return value if connection.vendor == "postgresql" else value.hex


def sqlite_datetime(value: dt.datetime) -> str:
    """What Django stores on SQLite for an aware UTC datetime (``adapt_datetimefield_value``), without its overhead."""
    return str(value.replace(tzinfo=None))


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
    """The fastest path per database: COPY on PostgreSQL, executemany on SQLite (inside the caller's transaction)."""
    if connection.vendor == "postgresql":
        statement = f"COPY {loader.table} ({', '.join(loader.columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        connection.connection.executemany(loader.insert_sql("?"), rows)


class TriggersOff:
    """Switch the user triggers of some tables off for a bulk load and on again after it.

    PostgreSQL: ``ALTER TABLE ... DISABLE/ENABLE TRIGGER USER``. SQLite, which cannot disable a trigger:
    drop the triggers and re-create them from their own SQL; with ``indexes=True`` the tables' named
    indexes too (built once at the end instead of row by row).
    """

    def __init__(self, connection: Any, tables: list[str], *, indexes: bool = False) -> None:
        self.connection = connection
        self.tables = tables
        self.kinds = ["trigger", "index"] if indexes else ["trigger"]
        self.saved: list[tuple[str, str, str]] = []

    def __enter__(self) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                for table in self.tables:
                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
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
            else:
                for _kind, _name, sql in self.saved:
                    cursor.execute(sql)


def analyse(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}")
