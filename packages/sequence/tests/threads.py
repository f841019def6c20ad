"""Running callers in real threads, each with its own database connection."""

import threading
import time

from django.db import connection

from django_sequence import close_connections


class Caller(threading.Thread):
    """A thread that runs ``target``, keeps its result or exception, and closes its connections at the end."""

    def __init__(self, target, *args):
        super().__init__(daemon=True)
        self._target_call = (target, args)
        self.result = None
        self.error = None
        self.connected = threading.Event()
        self.pid = None

    def run(self):
        target, args = self._target_call
        try:
            connection.ensure_connection()
            self.pid = connection.connection.info.backend_pid
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


def wait_until_waiting_for_a_lock(pid, attempts=2000):
    """Poll (from the test's own connection) until backend ``pid`` waits for a lock; fail if it never does."""
    with connection.cursor() as cursor:
        for _ in range(attempts):
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            if row is not None and row[0] == "Lock":
                return
            time.sleep(0.005)
    raise AssertionError(f"backend {pid} never waited for a lock")
