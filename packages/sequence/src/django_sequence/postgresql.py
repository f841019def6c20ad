"""PostgreSQL with psycopg 3: the counter's upsert prepared once per connection.

The upsert is the same statement as everywhere else (``INSERT ... ON CONFLICT ... DO UPDATE ... RETURNING``).
Prepared on the server (``PREPARE``, with the first call on a connection, in the same round trip), each
later call sends ``EXECUTE`` with the key: the server neither parses nor plans it again. It goes through
Django's cursor (its query log, ``execute_wrapper()`` hooks and error wrapping); the two statements of the
first call need Django's default client-side binding, so a connection with ``OPTIONS["server_side_binding"]``
sends the upsert itself. ``SEQUENCE_PREPARED_STATEMENTS = False`` (for a pooler in transaction mode, which
may send the ``EXECUTE`` to another server connection than the ``PREPARE``) sends the upsert itself too.
"""

from __future__ import annotations

import weakref
from typing import Any

from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper

from django_sequence import conf

STATEMENT = "django_sequence_next"
DUPLICATE_PREPARED_STATEMENT = "42P05"
UNDEFINED_PREPARED_STATEMENT = "26000"

# Per psycopg connection: True once the statement is prepared on it, False when that is unknown (a
# first call failed, maybe after its PREPARE ran). No entry: not prepared.
_prepared: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def applies(connection: BaseDatabaseWrapper) -> bool:
    """Whether ``connection`` takes values through the prepared statement (PostgreSQL with psycopg 3)."""
    if connection.vendor != "postgresql" or not conf.prepared_statements():
        return False
    if connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        return False
    global _psycopg3
    if _psycopg3 is None:
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        _psycopg3 = is_psycopg3
    return _psycopg3


_psycopg3: bool | None = None  # whether Django's PostgreSQL backend runs on psycopg 3 (read on first use)


def increment(connection: BaseDatabaseWrapper, upsert: str, key: list[str], start: int) -> int:
    """The counter's next value: ``upsert`` (with ``%s`` placeholders) as a prepared statement."""
    statement, with_prepare = _texts.get(upsert) or _statement_texts(upsert)
    params = [*key, start]
    with connection.cursor() as cursor:
        raw: Any = connection.connection
        prepared = _prepared.get(raw)
        if prepared is False:
            cursor.execute("SELECT 1 FROM pg_prepared_statements WHERE name = %s", [STATEMENT])
            prepared = cursor.fetchone() is not None
            if prepared:
                _prepared[raw] = True
            else:
                del _prepared[raw]
        try:
            if prepared:
                return _execute(connection, cursor, raw, statement, params, alone=True)
            value = _execute(connection, cursor, raw, with_prepare, params, alone=False)
            _prepared[raw] = True
            return value
        except DatabaseError as error:
            sqlstate = getattr(error.__cause__, "sqlstate", None)
            if prepared and sqlstate == UNDEFINED_PREPARED_STATEMENT:
                # Deallocated behind our back (DISCARD ALL, DEALLOCATE ALL): prepared again by the next call,
                # or at once when nothing was written (in autocommit the failed statement was the transaction).
                _prepared.pop(raw, None)
                if connection.get_autocommit():
                    value = _execute(connection, cursor, raw, with_prepare, params, alone=False)
                    _prepared[raw] = True
                    return value
            elif not prepared:
                # The PREPARE may have run before the statement failed: the next call looks it up.
                _prepared[raw] = sqlstate == DUPLICATE_PREPARED_STATEMENT
            raise


# upsert -> (its EXECUTE, its PREPARE then its EXECUTE), with %s placeholders for the EXECUTE's parameters
_texts: dict[str, tuple[str, str]] = {}


def _statement_texts(upsert: str) -> tuple[str, str]:
    count = upsert.count("%s")
    numbered = upsert
    for number in range(1, count + 1):
        numbered = numbered.replace("%s", f"${number}", 1)
    statement = f"EXECUTE {STATEMENT}({', '.join(['%s'] * count)})"
    texts = _texts[upsert] = (statement, f"PREPARE {STATEMENT} AS {numbered}; {statement}")
    return texts


def _execute(
    connection: BaseDatabaseWrapper, cursor: Any, raw: Any, sql: str, params: list[Any], *, alone: bool
) -> int:
    """The value ``sql`` returns in its last statement (``alone``: its only one)."""
    cursor.execute(sql, params)
    if not alone:
        while cursor.nextset():  # to the last statement's result: the value
            pass
    return cursor.fetchone()[0]
