"""Waiting for a PostgreSQL hot standby to catch up with its primary (read-your-writes across servers)."""

from __future__ import annotations

import time

from django.db import connections


class ReplicaLagError(TimeoutError):
    """The replica had not replayed the primary's writes within the time given."""


def wait_for_replica(replica: str, *, primary: str = "default", timeout: float = 10.0, poll: float = 0.02) -> None:
    """Return once the standby behind alias ``replica`` has replayed every write the primary had made
    when called (its current WAL position); raise ``ReplicaLagError`` after ``timeout`` seconds.

    PostgreSQL only (``NotImplementedError`` elsewhere): it compares ``pg_current_wal_lsn()`` on the
    primary with ``pg_last_wal_replay_lsn()`` on the standby.
    """
    for alias in (primary, replica):
        if connections[alias].vendor != "postgresql":
            raise NotImplementedError(f"wait_for_replica reads PostgreSQL WAL positions; {alias!r} is not PostgreSQL.")
    with connections[primary].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    while True:
        with connections[replica].cursor() as cursor:
            cursor.execute("SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [target])
            (caught_up,) = cursor.fetchone()
        if caught_up:
            return
        if time.monotonic() >= deadline:
            raise ReplicaLagError(f"Replica {replica!r} had not replayed the primary up to {target} after {timeout}s.")
        time.sleep(poll)
