"""Helpers for tests with real threads, each on its own database connection (PostgreSQL)."""

import threading
import time

from django.db import connection

# Upper bound on waiting for threads to reach a state; never asserted on, only keeps a broken run from hanging.
PATIENCE = 60


def start_threads(target, count: int) -> tuple[list, list[threading.Thread]]:
    """Start ``count`` threads released together by a barrier; ``outcomes`` gets what each returned or raised."""
    outcomes: list = [None] * count
    barrier = threading.Barrier(count)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = target()
        except Exception as exc:  # collected and asserted on by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return outcomes, threads


def run_in_threads(target, count: int) -> list:
    """``start_threads`` and wait for them all; return the outcomes."""
    outcomes, threads = start_threads(target, count)
    for thread in threads:
        thread.join(PATIENCE)
    return outcomes


def backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps serving the first statistics snapshot: drop it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_waiters(count: int) -> int:
    """Wait until ``count`` other backends are blocked on a lock (or PATIENCE runs out); return how many are."""
    deadline = time.monotonic() + PATIENCE
    waiting = backends_waiting_on_a_lock()
    while waiting < count and time.monotonic() < deadline:
        time.sleep(0.005)
        waiting = backends_waiting_on_a_lock()
    return waiting
