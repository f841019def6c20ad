"""Helpers for the tests of packages built on django-basemodels: real threads on their own database
connections, lock waits, the triggers of a table, the raw-SQL write paths of a guarded row, and the
``postgres`` and ``server`` test markers.

Importing this module needs neither pytest nor configured settings; ``skip_postgres_tests`` imports
pytest when called. Nothing here is used outside tests.
"""

from __future__ import annotations

import doctest
import importlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from doctest import TestResults
from pathlib import Path
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, NotSupportedError, connections, transaction

# Upper bound, in seconds, on waiting for threads: never asserted on, it only keeps a broken run from hanging.
PATIENCE = 60.0
POSTGRES_SKIP_REASON = "needs PostgreSQL (real concurrent connections): set DATABASE_URL=postgres://..."


class StartedThreads(NamedTuple):
    """Threads started by ``start_concurrently``; unpacks as ``outcomes, threads``."""

    outcomes: list[Any]
    """One slot per thread, in the order of the targets: what its target returned, or the exception it
    raised (``None`` until the thread ends)."""
    threads: list[threading.Thread]

    def join(self, timeout: float = PATIENCE) -> list[Any]:
        """``join_threads(self.threads)``, then the outcomes."""
        join_threads(self.threads, timeout=timeout)
        return self.outcomes


class HeldTransaction(NamedTuple):
    """A transaction kept open in a thread by ``hold_in_transaction``; unpacks as ``outcome, release, thread``."""

    outcome: list[Any]
    """``[what the action returned]``, or ``[the exception it raised]``."""
    release: threading.Event
    """Set it to let the transaction commit (or roll back after an exception) and the thread end."""
    thread: threading.Thread


def _targets(targets: Callable[[], Any] | Sequence[Callable[[], Any]], workers: int | None) -> list[Callable[[], Any]]:
    if callable(targets):
        if workers is None or workers < 1:
            raise ValueError(f"one target needs workers=<how many threads run it>, at least 1, not {workers!r}")
        return [targets] * workers
    if workers is not None:
        raise ValueError("workers goes with a single target; with a list of targets, each one is a thread")
    targets = list(targets)
    if not targets or not all(callable(target) for target in targets):
        raise ValueError("targets must be a callable or a non-empty list of callables")
    return targets


def start_concurrently(
    targets: Callable[[], Any] | Sequence[Callable[[], Any]], *, workers: int | None = None
) -> StartedThreads:
    """Start one thread per target (or ``workers`` threads running one target), released together.

    Every thread waits on one ``threading.Barrier`` before calling its target without arguments, so
    the calls really overlap; it stores the return value, or the exception (any ``Exception``), in
    its slot of ``outcomes``, and closes its database connections when done. Returns at once: wait
    with ``.join()`` or ``join_threads``. ``ValueError`` for an empty list, a non-callable target,
    ``workers`` missing or below 1 with one target, or ``workers`` with a list.
    """
    calls = _targets(targets, workers)
    outcomes: list[Any] = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = calls[index]()
        except Exception as exc:  # handed to the test, which asserts on it
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    return StartedThreads(outcomes, threads)


def run_concurrently(
    targets: Callable[[], Any] | Sequence[Callable[[], Any]], *, workers: int | None = None, timeout: float = PATIENCE
) -> list[Any]:
    """``start_concurrently(targets, workers=workers).join(timeout)``: what each call returned or raised, in order.

    ``run_concurrently(pay, workers=8)`` calls ``pay()`` in 8 threads at once;
    ``run_concurrently([recall, issue, issue])`` calls each function in its own thread.
    """
    return start_concurrently(targets, workers=workers).join(timeout)


def join_threads(threads: Iterable[threading.Thread], *, timeout: float = PATIENCE) -> None:
    """Wait for every thread, each at most ``timeout`` seconds; ``AssertionError`` if one is still running then."""
    for thread in threads:
        thread.join(timeout)
        if thread.is_alive():
            raise AssertionError(f"thread {thread.name} is still running after {timeout} seconds")


def hold_in_transaction(
    action: Callable[[], Any], *, using: str = DEFAULT_DB_ALIAS, timeout: float = PATIENCE
) -> HeldTransaction:
    """Run ``action()`` in a thread, in a transaction kept open (with its row locks) until ``release`` is set.

    Returns once ``action`` has returned or raised; ``outcome`` then holds its result or exception
    (after which the transaction is rolled back at once). The thread closes its database
    connections when done. ``AssertionError`` if ``action`` takes longer than ``timeout``.
    """
    entered, release = threading.Event(), threading.Event()
    outcome: list[Any] = []

    def holder() -> None:
        try:
            with transaction.atomic(using=using):
                outcome.append(action())
                entered.set()
                release.wait(timeout)
        except Exception as exc:  # handed to the test, which asserts on it
            outcome.append(exc)
        finally:
            entered.set()
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    if not entered.wait(timeout):
        raise AssertionError(f"the held action did not finish within {timeout} seconds")
    return HeldTransaction(outcome, release, thread)


def _mysql_lock_waiters(cursor: Any) -> int:
    # information_schema.INNODB_TRX is a cache refreshed only after 0.1 s without readers, so a poll never
    # sees it change: InnoDB's status report is read live instead (it needs the PROCESS privilege).
    cursor.execute("SHOW ENGINE INNODB STATUS")
    report = cursor.fetchone()[2]
    row_waits = {
        int(found.group(1))
        for block in report.split("---TRANSACTION")[1:]
        if "LOCK WAIT" in block and (found := re.search(r"(?:MySQL|MariaDB) thread id (\d+)", block))
    }
    cursor.execute("SELECT ID, STATE FROM information_schema.PROCESSLIST WHERE DB = DATABASE()")
    return sum(
        1
        for thread, state in cursor.fetchall()
        if thread in row_waits or state in ("User lock", "Waiting for table metadata lock")
    )


def lock_waiters(*, using: str = DEFAULT_DB_ALIAS) -> int:
    """How many connections to this database wait on a lock now: a row or table lock on PostgreSQL;
    a row lock, a ``GET_LOCK`` or a table's metadata lock on MariaDB/MySQL (``NotSupportedError`` on SQLite)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Inside a transaction PostgreSQL keeps serving its first statistics snapshot: drop it.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        elif connection.vendor == "mysql":
            return _mysql_lock_waiters(cursor)
        else:
            raise NotSupportedError(f"lock_waiters needs PostgreSQL or MariaDB/MySQL, not {connection.vendor}")
        return cursor.fetchone()[0]


def wait_for_lock_waiters(count: int, *, using: str = DEFAULT_DB_ALIAS, timeout: float = PATIENCE) -> int:
    """Poll ``lock_waiters`` until at least ``count`` backends wait on a lock, or ``timeout`` passes.

    Returns the last number seen: assert on it (``>= count``) to prove that the threads did block.
    PostgreSQL and MariaDB/MySQL (``NotSupportedError`` on SQLite).
    """
    deadline = time.monotonic() + timeout
    waiting = lock_waiters(using=using)
    while waiting < count and time.monotonic() < deadline:
        time.sleep(0.005)
        waiting = lock_waiters(using=using)
    return waiting


def trigger_names(*tables: str, using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The names of the triggers on these tables (user triggers, not PostgreSQL's internal ones).

    A table that does not exist has none. SQLite, PostgreSQL and MariaDB/MySQL; ``NotSupportedError`` elsewhere.
    """
    connection = connections[using]
    names: set[str] = set()
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal",
                    [connection.ops.quote_name(table)],
                )
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
            elif connection.vendor == "mysql":
                cursor.execute(
                    "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS "
                    "WHERE TRIGGER_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = %s",
                    [table],
                )
            else:
                raise NotSupportedError(
                    f"trigger_names reads SQLite, PostgreSQL and MySQL catalogs, not {connection.vendor}"
                )
            names.update(row[0] for row in cursor.fetchall())
    return names


SERVER_VENDORS = ("postgresql", "mysql")
SERVER_SKIP_REASON = (
    "needs a database server (real concurrent connections): set DATABASE_URL=postgres://... or mysql://..."
)


def django_db_for_ddl(*, using: str = DEFAULT_DB_ALIAS) -> Any:
    """``pytest.mark.django_db`` for a test that runs DDL (creates or drops triggers, migrates).

    SQLite and PostgreSQL roll DDL back with the test's transaction; MariaDB/MySQL commit at every DDL
    statement, which would end the test's transaction (and its savepoints) half-way. There the test
    runs with real commits and the tables are emptied after it (``transaction=True``).
    """
    import pytest

    return pytest.mark.django_db(transaction=not connections[using].features.can_rollback_ddl)


def truncate_when_flushing(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make Django's test flush (after each ``transaction=True`` test) empty tables with ``TRUNCATE`` on
    MariaDB/MySQL, as it does on PostgreSQL: the ``DELETE`` it issues there otherwise is refused by the
    triggers of append-only and undeletable tables. Nothing changes on other vendors. Idempotent."""
    connection = connections[using]
    if connection.vendor != "mysql":
        return
    operations = type(connection.ops)
    if getattr(operations.sql_flush, "truncates", False):
        return
    flush = operations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, *, reset_sequences: bool = False, allow_cascade: bool = False):
        return flush(self, style, tables, reset_sequences=True, allow_cascade=allow_cascade)

    sql_flush.truncates = True  # type: ignore[attr-defined]
    operations.sql_flush = sql_flush  # type: ignore[method-assign]


def empty_guarded_tables(*models: Any, using: str = DEFAULT_DB_ALIAS) -> None:
    """Delete every row of the guarded tables (of ``models``; every guarded model by default) with their
    triggers dropped meanwhile, then install the triggers again.

    For the end of a ``transaction=True`` test that committed guarded rows: Django's flush empties tables
    with ``DELETE`` on SQLite, which the guarantees refuse (on MariaDB/MySQL it truncates once
    ``truncate_when_flushing`` ran). Foreign keys are checked at the end, as the flush does (unchecked on
    MariaDB/MySQL, which cannot defer them).
    """
    from django_basemodels.guarantees import guarded_models, install_guarantees
    from django_basemodels.guarantees.installation import drop_definitions, model_definitions

    connection = connections[using]
    chosen = list(models) or guarded_models(using)
    quote = connection.ops.quote_name
    for model in chosen:
        drop_definitions(connection, model_definitions(model, connection))
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        for model in chosen:
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
    install_guarantees(using, chosen)


def skip_postgres_tests(
    items: Iterable[Any],
    *,
    reason: str = POSTGRES_SKIP_REASON,
    server_reason: str = SERVER_SKIP_REASON,
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Skip every collected test marked ``postgres`` unless the database is PostgreSQL (with ``reason``),
    and every test marked ``server`` unless it is PostgreSQL or MariaDB/MySQL (with ``server_reason``);
    then ``truncate_when_flushing``, so guarded tables can be emptied between tests on every vendor.

    ``server`` is for what any database server holds (row locks between real connections, ``SKIP
    LOCKED``); ``postgres`` for what only PostgreSQL has. Call it from
    ``pytest_collection_modifyitems(config, items)`` in a ``conftest.py``, and declare the markers in
    the pytest configuration (``markers = ["postgres: ...", "server: ..."]``).
    """
    import pytest

    vendor = connections[using].vendor
    for item in items:
        if "postgres" in item.keywords and vendor != "postgresql":
            item.add_marker(pytest.mark.skip(reason=reason))
        elif "server" in item.keywords and vendor not in SERVER_VENDORS:
            item.add_marker(pytest.mark.skip(reason=server_reason))
    truncate_when_flushing(using=using)


class RefusedWrite(NamedTuple):
    """One write path tried by ``assert_write_paths_refused``: its name and the error the database raised."""

    path: str
    error: BaseException


def _row(
    cursor: Any, table: str, columns: list[str], pk_column: str, pk: Any, quote: Callable[[str], str]
) -> list[Any]:
    cursor.execute(f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} WHERE {quote(pk_column)} = %s", [pk])
    return cursor.fetchall()


def _write_statements(
    vendor: str,
    table: str,
    columns: list[str],
    pk_column: str,
    changes: dict[str, Any],
    delete: bool,
    quote: Callable[[str], str],
) -> list[tuple[str, str, str]]:
    """(name, SQL, kind of parameters) of every raw write path to try against one row on ``vendor``."""
    names = ", ".join(map(quote, columns))
    marks = ", ".join(["%s"] * len(columns))
    assignments = ", ".join(f"{quote(column)} = %s" for column in changes)
    upsert_set = ", ".join(f"{quote(column)} = excluded.{quote(column)}" for column in changes)
    statements = [("UPDATE", f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk_column)} = %s", "update")]
    if delete:
        statements.append(("DELETE", f"DELETE FROM {quote(table)} WHERE {quote(pk_column)} = %s", "pk"))
    upsert = (
        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks}) "
        f"ON CONFLICT ({quote(pk_column)}) DO UPDATE SET {upsert_set}"
    )
    if vendor == "mysql":
        upsert_set = ", ".join(f"{quote(column)} = VALUES({quote(column)})" for column in changes)
        statements.append(
            (
                "INSERT ... ON DUPLICATE KEY UPDATE",
                f"INSERT INTO {quote(table)} ({names}) VALUES ({marks}) ON DUPLICATE KEY UPDATE {upsert_set}",
                "changed row",
            )
        )
        if delete:  # REPLACE deletes the row there, firing the delete triggers: refused when DELETE is
            statements.append(("REPLACE", f"REPLACE INTO {quote(table)} ({names}) VALUES ({marks})", "changed row"))
        return statements
    statements.append(("INSERT ... ON CONFLICT DO UPDATE", upsert, "changed row"))
    if vendor == "sqlite":
        statements += [
            ("INSERT OR REPLACE", f"INSERT OR REPLACE INTO {quote(table)} ({names}) VALUES ({marks})", "changed row"),
            ("REPLACE", f"REPLACE INTO {quote(table)} ({names}) VALUES ({marks})", "changed row"),
        ]
    return statements


def assert_write_paths_refused(
    instance: Any,
    *,
    changes: dict[str, Any] | None = None,
    delete: bool = True,
    match: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> list[RefusedWrite]:
    """Try every raw-SQL write path against ``instance``'s row and assert the database refuses each one
    and the row reads back unchanged.

    Paths: ``UPDATE`` (setting ``changes``, ``{column: value}``; by default the primary key to itself),
    ``DELETE`` (unless ``delete=False``), and the inserts that rewrite an existing row, with ``changes``
    applied: ``INSERT ... ON CONFLICT DO UPDATE`` (SQLite, PostgreSQL), ``INSERT OR REPLACE`` (SQLite),
    ``INSERT ... ON DUPLICATE KEY UPDATE`` (MariaDB/MySQL) and ``REPLACE`` (SQLite; MariaDB/MySQL when
    ``DELETE`` is refused, since there it is a delete and an insert). Each
    runs in its own savepoint; ``match`` is a regular expression the error message must contain (an insert
    may be refused by the layer's REPLACE guard instead, whose message says a row "is never replaced").
    Returns what each path raised. Fails with ``AssertionError`` naming the first path the database let through.
    """
    from django.db import DatabaseError

    connection = connections[using]
    model = type(instance)
    meta = model._meta
    quote = connection.ops.quote_name
    columns = [field.column for field in meta.local_concrete_fields]
    pk_column = meta.pk.column
    stored_pk = meta.pk.get_db_prep_value(instance.pk, connection)
    with connection.cursor() as cursor:
        before = _row(cursor, meta.db_table, columns, pk_column, stored_pk, quote)
    assert len(before) == 1, f"{meta.label} {instance.pk} is not in {meta.db_table}"
    pk = before[0][columns.index(pk_column)]
    fields_by_column = {field.column: field for field in meta.local_concrete_fields}
    # Values as the database stores them (a UUID, a dict for a JSON column), like the ORM would send them.
    changes = {
        column: fields_by_column[column].get_db_prep_save(value, connection) if column in fields_by_column else value
        for column, value in (changes or {pk_column: pk}).items()
    }
    changed_row = [changes.get(column, value) for column, value in zip(columns, before[0], strict=True)]
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        changed_row = [Jsonb(value) if isinstance(value, dict | list) else value for value in changed_row]
    parameters = {"update": [*changes.values(), pk], "pk": [pk], "changed row": changed_row}
    refused: list[RefusedWrite] = []
    for name, sql, kind in _write_statements(
        connection.vendor, meta.db_table, columns, pk_column, changes, delete, quote
    ):
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(sql, parameters[kind])
        except DatabaseError as exc:
            from django_basemodels.guarantees.dialects import REPLACE_REFUSED

            if match is not None and not (name != "UPDATE" and name != "DELETE" and REPLACE_REFUSED in str(exc)):
                assert re.search(match, str(exc)), f"{name} of {meta.label} was refused, but not with {match!r}: {exc}"
            refused.append(RefusedWrite(name, exc))
        else:
            raise AssertionError(f"{name} of a {meta.label} row went through: the database did not refuse it")
        with connection.cursor() as cursor:
            after = _row(cursor, meta.db_table, columns, pk_column, stored_pk, quote)
        assert after == before, f"{name} of {meta.label} changed the row: {before} became {after}"
    return refused


def assert_migration_replaces_former_triggers(
    app_label: str,
    *,
    before: str,
    table: str,
    triggers: Iterable[str],
    functions: Iterable[str] = (),
    using: str = DEFAULT_DB_ALIAS,
) -> None:
    """Prove that migrating ``app_label`` forward from ``before`` drops triggers an earlier release wrote.

    Migrates back to ``before``, creates do-nothing triggers named ``triggers`` on ``table`` (on
    PostgreSQL with functions named ``functions``; a trigger named like a function uses it), migrates
    forward, then asserts none of them is left (nor any of the functions) and every declared guarantee
    is in place. Run it in a ``django_db(transaction=True)`` test; the app is migrated forward again
    even when an assertion fails.
    """
    from django.core.management import call_command

    from django_basemodels.guarantees import guarantee_problems

    connection = connections[using]
    triggers, functions = list(triggers), list(functions)
    quote = connection.ops.quote_name
    call_command("migrate", app_label, before, database=using, verbosity=0)
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                stand_in = functions[0] if functions else "former_trigger_stand_in"
                for function in {*functions, stand_in}:
                    cursor.execute(
                        f"CREATE OR REPLACE FUNCTION {quote(function)}() RETURNS trigger LANGUAGE plpgsql "
                        "AS $$ BEGIN RETURN NEW; END $$"
                    )
                for name in triggers:
                    function = name if name in functions else stand_in
                    cursor.execute(
                        f"CREATE TRIGGER {quote(name)} BEFORE UPDATE ON {quote(table)} "
                        f"FOR EACH ROW EXECUTE FUNCTION {quote(function)}()"
                    )
            elif connection.vendor == "mysql":
                for name in triggers:
                    cursor.execute(
                        f"CREATE TRIGGER {quote(name)} BEFORE UPDATE ON {quote(table)} "
                        "FOR EACH ROW SET @former_trigger_stand_in = 1"
                    )
            else:
                for name in triggers:
                    cursor.execute(f"CREATE TRIGGER {quote(name)} BEFORE UPDATE ON {quote(table)} BEGIN SELECT 1; END")
        assert set(triggers) <= trigger_names(table, using=using)
    finally:
        call_command("migrate", app_label, database=using, verbosity=0)
    left = set(triggers) & trigger_names(table, using=using)
    if connection.vendor == "postgresql" and not functions:
        with connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS former_trigger_stand_in() CASCADE")
    assert not left, f"migrating {app_label} left the former triggers {sorted(left)} on {table}"
    if connection.vendor == "postgresql" and functions:
        with connection.cursor() as cursor:
            cursor.execute("SELECT proname FROM pg_proc WHERE proname = ANY(%s)", [functions])
            remaining = [row[0] for row in cursor.fetchall()]
        assert not remaining, f"migrating {app_label} left the former functions {remaining}"
    assert guarantee_problems(using) == []


def assert_migration_reversal_drops_guarantees(
    app_label: str, *, before: str, tables: Iterable[str], using: str = DEFAULT_DB_ALIAS
) -> None:
    """Prove that migrating ``app_label`` back to ``before`` leaves ``tables`` without triggers, and that
    migrating forward again installs the same triggers with every declared guarantee in place.

    Run it in a ``django_db(transaction=True)`` test; the app is migrated forward again even when an
    assertion fails.
    """
    from django.core.management import call_command

    from django_basemodels.guarantees import guarantee_problems

    tables = list(tables)
    installed = trigger_names(*tables, using=using)
    assert installed, f"{', '.join(tables)} have no triggers to begin with"
    call_command("migrate", app_label, before, database=using, verbosity=0)
    try:
        left = trigger_names(*tables, using=using)
        assert not left, f"migrating {app_label} back to {before} left the triggers {sorted(left)}"
    finally:
        call_command("migrate", app_label, database=using, verbosity=0)
    assert trigger_names(*tables, using=using) == installed
    assert guarantee_problems(using) == []


def run_without_settings(code: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -c code`` on this interpreter's path without ``DJANGO_SETTINGS_MODULE``: what an import in
    ``settings.py`` meets, before the app registry exists. Returns the finished process (output as text)."""
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    environment["PYTHONPATH"] = os.pathsep.join(sys.path)
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False)


def assert_former_exception_names(package: str, former: Iterable[str], *, base: type[BaseException]) -> None:
    """Each name of ``former`` is, in ``<package>.exceptions`` and at the package root, an alias of the class
    named ``<name>Error`` (a subclass of ``base``): ``except OldName`` keeps catching what the package raises."""
    root = importlib.import_module(package)
    exceptions = importlib.import_module(f"{package}.exceptions")
    for old in former:
        new = getattr(exceptions, f"{old}Error")
        assert getattr(exceptions, old) is new, f"{package}.exceptions.{old} is not {new.__name__}"
        assert getattr(root, old) is new, f"{package}.{old} is not {new.__name__}"
        assert issubclass(new, base), f"{new.__name__} is not a {base.__name__}"


def run_readme_examples(readme: str | Path, section: str, globs: dict[str, Any] | None = None) -> TestResults:
    """Run the ``>>>`` examples of one section of a README (from its ``## <section>`` heading to the next) as
    doctests, with ``ELLIPSIS``, and return the results (``failed`` and ``attempted``); failures are printed.

    A code fence right after an expected output ends it (doctest itself would read the fence as output).
    ``globs`` are the names the examples use without defining them (a subject, a user).
    """
    text = Path(readme).read_text()
    start = text.index(f"## {section}\n")
    end = text.find("\n## ", start + 1)
    examples = re.sub(r"^```.*$", "", text[start : None if end == -1 else end], flags=re.M)
    test = doctest.DocTestParser().get_doctest(examples, dict(globs or {}), section, str(readme), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    return runner.summarize(verbose=False)
