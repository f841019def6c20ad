"""The second database connection on which ``allow_gaps`` takes numbers inside a caller's transaction.

A number taken on the caller's own connection keeps the counter row locked until the caller commits.
Taken on a second connection in autocommit, the row is locked only for that one statement, so other
callers never wait for the first caller's transaction (and a rollback does not give the number back).
Each thread keeps one such connection per database alias, opened on first use. Like Django's own
connections it is closed at the start and end of each request when it is unusable or older than
``CONN_MAX_AGE``; threads outside requests call ``close_connections()`` when done.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

_local = threading.local()


def _pool() -> dict[str, BaseDatabaseWrapper]:
    try:
        return _local.connections
    except AttributeError:
        _local.connections = {}
        return _local.connections


def side_connection(alias: str) -> BaseDatabaseWrapper:
    """Return this thread's second connection to database ``alias`` (in autocommit), opening it if needed."""
    pool = _pool()
    side = pool.get(alias)
    if side is None:
        side = pool[alias] = connections[alias].copy()
    elif side.errors_occurred:
        # As Django does between requests: keep a connection that still answers, drop a broken one.
        if side.connection is not None and side.is_usable():
            side.errors_occurred = False
        else:
            side.close()
    return side


def close_connections() -> None:
    """Close this thread's ``allow_gaps`` side connections (call it where you would call ``connection.close()``)."""
    pool = _pool()
    while pool:
        _alias, side = pool.popitem()
        side.close()


def close_old_connections(**kwargs: Any) -> None:
    """Close this thread's side connections that are unusable or older than ``CONN_MAX_AGE`` (request signals)."""
    for side in _pool().values():
        side.close_if_unusable_or_obsolete()
