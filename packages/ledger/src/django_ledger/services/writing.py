"""The SQL every posting sends: the drafts, their entries, one posting ``UPDATE``, for one transaction or many.

Written through a cursor rather than the ORM: the values are validated by the services already, and the
database checks each row again (``Meta.guarantees``), so building the statements and their parameters is
all that is left; the ORM's compiler cost more than the database on a two-entry posting.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connections
from django.utils.module_loading import import_string

from django_basemodels import conf as basemodels_conf
from django_ledger.models import Entry, Transaction

# The columns written, in the order of the parameters; the stamps (entries' effective_at, recorded_at;
# the transaction's posted_at) are written by the posting UPDATE and its trigger.
TRANSACTION_COLUMNS = (
    "id",
    "description",
    "metadata",
    "effective_at",
    "created_at",
    "reverses_id",
    "reason",
    "idempotency_scope",
    "idempotency_key",
)
ENTRY_COLUMNS = (
    "id",
    "transaction_id",
    "account_id",
    "entry_type",
    "amount",
    "currency",
    "effective_at",
    "reverses_id",
    "source_type_id",
    "source_id",
)
# What ``Transaction.from_db`` receives: every concrete field, in the model's order.
_TRANSACTION_FIELDS = [field.attname for field in Transaction._meta.concrete_fields]


@lru_cache(maxsize=8)
def _factory(path: str) -> Callable[[], uuid.UUID]:
    return import_string(path)


def key_factory() -> Callable[[], uuid.UUID]:
    """What ``django_basemodels.uuids.new_uuid`` calls (``BASEMODELS_UUID_FACTORY``), read once for many keys."""
    return _factory(basemodels_conf.uuid_factory_path())


@dataclass(frozen=True)
class DraftRow:
    """One transaction to write, with the rows of its entries; values as Python holds them."""

    transaction: dict[str, Any]
    entries: list[dict[str, Any]]


@dataclass(frozen=True)
class _Statements:
    insert_transaction: str
    insert_entry: str
    post_prefix: str
    transaction_marks: str
    entry_marks: str
    key: Callable[[uuid.UUID | None], Any]
    moment: Callable[[dt.datetime | None], Any]


_statements: dict[str, _Statements] = {}


def _statements_for(using: str) -> _Statements:
    connection = connections[using]
    cache_key = connection.vendor + ("+uuid" if connection.features.has_native_uuid_field else "")
    cached = _statements.get(cache_key)
    if cached is not None:
        return cached
    quote = connection.ops.quote_name
    native_uuid = connection.features.has_native_uuid_field
    adapt_moment = connection.ops.adapt_datetimefield_value

    def key(value: uuid.UUID | None) -> Any:
        return value if value is None or native_uuid else value.hex

    def moment(value: dt.datetime | None) -> Any:
        return None if value is None else adapt_moment(value)

    def row_of(columns: Sequence[str]) -> str:
        return "(" + ", ".join(["%s"] * len(columns)) + ")"

    statements = _Statements(
        insert_transaction=(
            f"INSERT INTO {quote(Transaction._meta.db_table)} ({', '.join(map(quote, TRANSACTION_COLUMNS))}) VALUES "
        ),
        insert_entry=f"INSERT INTO {quote(Entry._meta.db_table)} ({', '.join(map(quote, ENTRY_COLUMNS))}) VALUES ",
        post_prefix=f"UPDATE {quote(Transaction._meta.db_table)} SET {quote('posted_at')} = %s WHERE {quote('id')}",
        transaction_marks=row_of(TRANSACTION_COLUMNS),
        entry_marks=row_of(ENTRY_COLUMNS),
        key=key,
        moment=moment,
    )
    _statements[cache_key] = statements
    return statements


def write_posted(drafts: Sequence[DraftRow], *, posted_at: dt.datetime, using: str) -> list[Transaction]:
    """Insert ``drafts`` and their entries, then post them all with one ``UPDATE``; return the transactions.

    Runs inside the caller's ``transaction.atomic()``. The database refuses what breaks a guarantee
    (an unbalanced transaction, an entry in another currency than its account, ...) and so does the whole
    call. Statements hold at most as many rows as the database takes parameters for.
    """
    connection = connections[using]
    statements = _statements_for(using)
    key, moment = statements.key, statements.moment
    metadata_field = Transaction._meta.get_field("metadata")
    adapted: dict[dt.datetime, Any] = {}

    def moment_of(value: dt.datetime | None) -> Any:
        # The drafts of one call share their times (created_at, often effective_at): adapt each once.
        if value is None:
            return None
        if value not in adapted:
            adapted[value] = moment(value)
        return adapted[value]

    transaction_rows: list[tuple[Any, ...]] = []
    entry_rows: list[tuple[Any, ...]] = []
    for draft in drafts:
        txn = draft.transaction
        effective_at = moment_of(txn["effective_at"])
        transaction_rows.append(
            (
                key(txn["id"]),
                txn["description"],
                metadata_field.get_db_prep_save(txn["metadata"], connection),
                effective_at,
                moment_of(txn["created_at"]),
                key(txn["reverses_id"]),
                txn["reason"],
                txn["idempotency_scope"],
                txn["idempotency_key"],
            )
        )
        txn_key = transaction_rows[-1][0]
        for entry in draft.entries:
            entry_rows.append(
                (
                    key(entry["id"]),
                    txn_key,
                    key(entry["account_id"]),
                    entry["entry_type"],
                    entry["amount"],
                    entry["currency"],
                    effective_at,
                    key(entry["reverses_id"]),
                    entry["source_type_id"],
                    entry["source_id"],
                )
            )
    per_statement = _rows_per_statement(connection)
    statements_and_params = [
        *_inserts(statements.insert_transaction, statements.transaction_marks, transaction_rows, per_statement),
        *_inserts(statements.insert_entry, statements.entry_marks, entry_rows, per_statement),
    ]
    keys = [row[0] for row in transaction_rows]
    stamp = moment_of(posted_at)
    for first in range(0, len(keys), per_statement):
        chunk = keys[first : first + per_statement]
        if len(chunk) == 1:
            statements_and_params.append((statements.post_prefix + " = %s", [stamp, chunk[0]]))
        else:
            marks = ", ".join(["%s"] * len(chunk))
            statements_and_params.append((statements.post_prefix + f" IN ({marks})", [stamp, *chunk]))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and statements_and_params:
            # One round trip: psycopg binds the parameters on the client (Django's default) and sends the
            # statements as one query string; PostgreSQL runs them in order and stops at the first error.
            cursor.execute(
                ";\n".join(sql for sql, _ in statements_and_params),
                [value for _, params in statements_and_params for value in params],
            )
        else:  # SQLite runs one statement per call, MySQLdb too unless its connection allows several
            for sql, params in statements_and_params:
                cursor.execute(sql, params)
    posted = []
    for draft in drafts:
        values = {**draft.transaction, "posted_at": posted_at}
        posted.append(Transaction.from_db(using, _TRANSACTION_FIELDS, [values[name] for name in _TRANSACTION_FIELDS]))
    return posted


def _rows_per_statement(connection: Any) -> int:
    # The widest row (the entry's) decides; PostgreSQL and MariaDB name no limit below 65,535 parameters.
    # Django assumes SQLite's historical 999; the library in use says what it takes (32,766 since 3.32).
    limit = connection.features.max_query_params or 65_535
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    return max(1, min(1000, limit // len(ENTRY_COLUMNS)))


def _inserts(
    prefix: str, row_marks: str, rows: list[tuple[Any, ...]], per_statement: int
) -> list[tuple[str, list[Any]]]:
    return [
        (
            prefix + ", ".join([row_marks] * len(rows[first : first + per_statement])),
            [value for row in rows[first : first + per_statement] for value in row],
        )
        for first in range(0, len(rows), per_statement)
    ]
