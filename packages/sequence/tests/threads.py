"""Running callers in real threads, each with its own database connection, on PostgreSQL and MariaDB."""

import threading

from django.db import connection

from django_basemodels.testing import wait_for_lock_waiters
from django_sequence import close_connections


def backend_id(database_connection):
    """The server's id of the session behind an open connection (PostgreSQL's pid, MariaDB's thread id)."""
    if database_connection.vendor == "postgresql":
        return database_connection.connection.info.backend_pid
    return database_connection.connection.thread_id()


def terminate(backend):
    """End the server session ``backend`` from the test's own connection, as a server restart would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [backend])
        else:
            cursor.execute(f"KILL {int(backend)}")


class Caller(threading.Thread):
    """A thread that runs ``target``, keeps its result or exception, and closes its connections at the end."""

    def __init__(self, target, *args):
        super().__init__(daemon=True)
        self._target_call = (target, args)
        self.result = None
        self.error = None
        self.connected = threading.Event()

    def run(self):
        target, args = self._target_call
        try:
            connection.ensure_connection()
            self.connected.set()
            self.result = target(*args)
        except BaseException as exc:  # handed to the test, which re-raises it
            self.error = exc
        finally:
            self.connected.set()
            close_connections()
            connection.close()

    def outcome(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.result


def run_all(target, count, *args):
    """Start ``count`` callers of ``target(index, *args)`` together and return their results in order."""
    callers = [Caller(target, index, *args) for index in range(count)]
    for caller in callers:
        caller.start()
    return [caller.outcome() for caller in callers]


def wait_until_one_waits_for_a_lock():
    """Poll (from the test's own connection) until a session waits for a lock; fail if none ever does."""
    waiting = wait_for_lock_waiters(1, timeout=10)
    assert waiting >= 1, "no session waited for a lock"
