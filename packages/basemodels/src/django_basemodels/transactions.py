"""Running a write again when the database chose it as a deadlock victim.

Two transactions that lock the same rows in opposite orders, or that both take a shared lock and
then want it exclusive (InnoDB does so for a unique-key check and for a foreign key), deadlock; the
database rolls one back and reports an error. The whole transaction is gone by then, so only the
code that opened it can run it again: ``retry_on_deadlock`` retries when it owns the outermost
transaction and lets the error through otherwise, for the caller that does.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction

T = TypeVar("T")

# MariaDB/MySQL: ER_LOCK_DEADLOCK. PostgreSQL: deadlock_detected, serialization_failure.
MYSQL_DEADLOCK = 1213
POSTGRESQL_RETRYABLE = {"40P01", "40001"}
ATTEMPTS = 5


def is_deadlock(error: BaseException) -> bool:
    """Whether ``error`` (or the driver error it wraps) says the database rolled the transaction back
    to break a deadlock or a serialization conflict, so that running it again may succeed."""
    cause = error.__cause__ if isinstance(error, DatabaseError) and error.__cause__ is not None else error
    sqlstate = getattr(cause, "sqlstate", None) or getattr(getattr(cause, "diag", None), "sqlstate", None)
    if sqlstate in POSTGRESQL_RETRYABLE:
        return True
    args: tuple[Any, ...] = getattr(cause, "args", ())
    return bool(args) and args[0] == MYSQL_DEADLOCK


def retry_on_deadlock(
    func: Callable[..., T] | None = None,
    *,
    using: str = DEFAULT_DB_ALIAS,
    attempts: int = ATTEMPTS,
    atomic: bool = True,
) -> Any:
    """Run the decorated function in ``transaction.atomic(using=using)``, again (up to ``attempts`` times
    in all) when the database breaks a deadlock by rolling it back.

    Only for a function whose whole effect is its database writes, so that running it again is safe.
    Inside a transaction opened by the caller it runs once, with no retry: the deadlock rolled back the
    caller's work too, and the error goes to whoever opened that transaction. ``atomic=False`` is for a
    function whose body is one ``transaction.atomic()`` of its own: it is called as it is, without the
    savepoint a second ``atomic()`` would cost inside a caller's transaction.
    """

    def decorate(function: Callable[..., T]) -> Callable[..., T]:
        def run(*args: Any, **kwargs: Any) -> T:
            if not atomic:
                return function(*args, **kwargs)
            with transaction.atomic(using=using):
                return function(*args, **kwargs)

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> T:
            if connections[using].in_atomic_block:
                return run(*args, **kwargs)
            for attempt in range(1, attempts + 1):
                try:
                    return run(*args, **kwargs)
                except DatabaseError as error:
                    if attempt == attempts or not is_deadlock(error):
                        raise
                    time.sleep(0.01 * attempt)
            raise AssertionError("unreachable")  # pragma: no cover

        return wrapper

    return decorate(func) if func is not None else decorate


__all__ = ["is_deadlock", "retry_on_deadlock"]
