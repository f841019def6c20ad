"""What every benchmark shares: the result row, the timing loops, and the throwaway database of a run.

A benchmark module (``bench_*.py``) defines ``AREA``, ``PER_DATABASE`` (whether it runs once per
database), ``APPS`` (the app labels it migrates), ``run(context) -> list[Row]`` and
``explain(rows) -> str``. ``run.py`` runs each one in a child process per database, so every child
configures Django for one fresh database, and collects the rows.
"""

from __future__ import annotations

import os
import re
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

# BENCH_DATABASE_NAME: another name, for two runs side by side on one server.
POSTGRES_DATABASE = os.environ.get("BENCH_DATABASE_NAME") or "bench_django_primitives"
MARIADB_DATABASE = POSTGRES_DATABASE
SQLITE = "SQLite"
POSTGRES = "PostgreSQL"
MARIADB = "MariaDB"
SERVERS = (POSTGRES, MARIADB)  # the databases with real concurrent connections


@dataclass
class Row:
    """One comparison: ours beside a peer (or beside the database's own floor, the "limit"), same run, same data.

    ``ratio`` is always ours / other, in the row's unit. Whether lower or higher is better follows from
    the unit (``higher_is_better``); ``target`` is the ratio performance-targets.md asks for, if any.
    """

    area: str
    name: str
    database: str
    ours: float | None
    other: float | None = None
    other_name: str = ""
    unit: str = "ms"
    higher_is_better: bool = False
    target: float | None = None
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.other:
            return None
        return self.ours / self.other

    @property
    def verdict(self) -> str:
        """``met``, ``missed`` or empty (no target, or nothing to compare with)."""
        ratio = self.ratio
        if self.target is None or ratio is None:
            return ""
        ratio = round(ratio, 2)  # as the report prints it: "1.00" is never "missed" against 1
        met = ratio >= self.target if self.higher_is_better else ratio <= self.target
        return "met" if met else "missed"

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Row:
        return cls(**data)


@dataclass
class Context:
    """What a child process hands a benchmark: its database, the run's size, and where to put scratch files."""

    database: str  # SQLITE, POSTGRES, MARIADB or "" for benchmarks that need none
    quick: bool
    scratch: str
    root: str
    at_scale: bool = False  # --scale: the growth tables' largest sizes too

    def scale(self, full: int, quick: int) -> int:
        return quick if self.quick else full


class CorrectnessError(AssertionError):
    """A benchmark found a wrong result (a duplicate value, a gap, an unbalanced ledger): the run fails."""


def median_ms(samples: Iterable[float]) -> float:
    return statistics.median(samples) * 1000.0


def interleaved(
    operations: dict[str, Callable[[], Any]],
    *,
    rounds: int,
    repeat: int = 1,
    before_each: Callable[[], Any] | None = None,
) -> dict[str, list[float]]:
    """Seconds per call of each operation, one sample per round; rounds alternate the order of operations.

    Each sample is the mean of ``repeat`` calls in a row (default: one call, so the contenders take turns
    call by call). Alternating the order (forward, then backward) and taking turns often makes a slow
    moment of a shared machine weigh on every operation alike; the median then ignores the slow moments.
    ``before_each`` runs, untimed, before each sample (``sqlite_checkpoint``, say).
    """
    samples: dict[str, list[float]] = {name: [] for name in operations}
    names = list(operations)
    for round_number in range(rounds):
        for name in names if round_number % 2 == 0 else reversed(names):
            operation = operations[name]
            if before_each is not None:
                before_each()
            began = time.perf_counter()
            for _ in range(repeat):
                operation()
            samples[name].append((time.perf_counter() - began) / repeat)
    return samples


def sqlite_checkpoint() -> None:
    """Copy SQLite's write-ahead log into the database and empty it (nothing elsewhere).

    Between the samples of writers: a commit that grows the log past its limit (1,000 pages) copies it
    back, so without this the writer that happens to cross the limit pays for the pages another left.
    """
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def raw_query(sql: str, params: list[Any]) -> Callable[[], list[tuple[Any, ...]]]:
    """A call running ``sql`` on Django's connection and fetching every row: the floor a package's read is held to."""
    from django.db import connection

    def query() -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return query


def count_queries(operation: Callable[[], Any], using: str = "default") -> int:
    """The number of SQL statements ``operation`` sends (Django's own record, with DEBUG forced on for the call)."""
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connections[using]) as captured:
        operation()
    return len(captured.captured_queries)


def statement_label(sql: str) -> str:
    """A statement's kind and first table, as a profile names it (``SELECT stock_location``)."""
    words = sql.lstrip().split(None, 1)
    kind = words[0].upper() if words else "?"
    table = re.search(r"\b(?:FROM|INTO|UPDATE)\s+[`\"]?(\w+)", sql, re.IGNORECASE)
    return f"{kind} {table.group(1)}" if table and kind in {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH"} else kind


def statement_profile(operation: Callable[[], Any], *, rounds: int, using: str = "default") -> list[tuple[str, float]]:
    """Where one call of ``operation`` spends its time: each statement in the order it is sent, then the commit,
    then the rest (Python), as (label, median µs over ``rounds`` calls).

    Each statement is timed around the driver's ``execute`` (its round trip and the database's work), the
    commit around the connection's own; the rest is the call's time less both.
    """
    from django.db import connections

    connection = connections[using]
    calls: list[list[tuple[str, float]]] = []

    def timed(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            calls[-1].append((statement_label(sql), time.perf_counter() - began))

    real_commit = connection._commit

    def commit() -> Any:
        began = time.perf_counter()
        try:
            return real_commit()
        finally:
            calls[-1].append(("COMMIT", time.perf_counter() - began))

    connection._commit = commit
    try:
        with connection.execute_wrapper(timed):
            for _ in range(rounds):
                calls.append([])
                began = time.perf_counter()
                operation()
                calls[-1].append(("rest", time.perf_counter() - began - sum(seconds for _, seconds in calls[-1])))
    finally:
        del connection._commit
    shape = [label for label, _ in calls[0]]
    same = [call for call in calls if [label for label, _ in call] == shape]  # the calls that sent what the first did
    return [(label, statistics.median(call[k][1] for call in same) * 1e6) for k, label in enumerate(shape)]


def describe_profile(profile: list[tuple[str, float]]) -> str:
    """A profile as prose: ``SELECT stock_location 120 µs, …, COMMIT 900 µs, Python 300 µs``; a run of the
    same statement is one item (``INSERT stock_movement x10 1700 µs``)."""
    runs: list[tuple[str, int, float]] = []
    for label, micros in profile:
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1] + 1, runs[-1][2] + micros)
        else:
            runs.append((label, 1, micros))
    return ", ".join(
        f"{'Python' if label == 'rest' else f'`{label}`'}{f' x{count}' if count > 1 else ''} {micros:.0f} µs"
        for label, count, micros in runs
    )


# --- the database of a run --------------------------------------------------------------------------


def database_settings(database: str, scratch: str) -> dict[str, Any]:
    """Django's DATABASES entry for a fresh benchmark database: a SQLite file in ``scratch``, PostgreSQL or MariaDB."""
    if database == SQLITE:
        # A file, not :memory:: commits pay for the journal as they would on a site. The options are
        # the ones this repository recommends (example_site/settings.py, docs/postgres.md).
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(scratch, "bench.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
            },
        }
    import dj_database_url

    if database == MARIADB:
        settings = dj_database_url.parse(mariadb_url())
        settings["NAME"] = MARIADB_DATABASE
        # utf8mb4: Django's default connection charset there is three-byte utf8 (docs/mariadb.md); local_infile
        # for the bulk loads (bulk.load_data), as COPY on PostgreSQL
        settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "charset": "utf8mb4", "local_infile": 1}
        return settings
    settings = dj_database_url.parse(postgres_url())
    settings["NAME"] = POSTGRES_DATABASE
    return settings


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("DATABASE_URL does not point at PostgreSQL")
    return url


def mariadb_url() -> str:
    """``MARIADB_URL`` (as nox's MariaDB sessions read it), else ``DATABASE_URL`` when it is a ``mysql://`` URL."""
    for variable in ("MARIADB_URL", "DATABASE_URL"):
        url = os.environ.get(variable, "")
        if url.startswith(("mysql://", "mysql2://")):
            return url
    return ""


def _postgres_admin_connection():
    import dj_database_url
    import psycopg

    parsed = dj_database_url.parse(postgres_url())
    return psycopg.connect(
        host=parsed.get("HOST") or "127.0.0.1",
        port=parsed.get("PORT") or 5432,
        user=parsed.get("USER") or None,
        password=parsed.get("PASSWORD") or None,
        dbname=parsed.get("NAME") or "postgres",
        autocommit=True,
    )


def create_postgres_database() -> None:
    with _postgres_admin_connection() as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")


def drop_postgres_database() -> None:
    with _postgres_admin_connection() as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


def postgres_server_version() -> str:
    with _postgres_admin_connection() as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def _mariadb_admin_statements(*statements: str) -> list[tuple[Any, ...]]:
    """Run ``statements`` on the server at the MariaDB URL, outside any benchmark database; the last one's rows."""
    import dj_database_url
    import MySQLdb

    url = mariadb_url()
    if not url:
        raise RuntimeError("neither MARIADB_URL nor DATABASE_URL points at MariaDB (mysql://...)")
    parsed = dj_database_url.parse(url)
    connection = MySQLdb.connect(
        host=parsed.get("HOST") or "127.0.0.1",
        port=int(parsed.get("PORT") or 3306),
        user=parsed.get("USER") or "root",
        password=parsed.get("PASSWORD") or "",
        charset="utf8mb4",
    )
    try:
        cursor = connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        return list(cursor.fetchall() or [])
    finally:
        connection.close()


def create_mariadb_database() -> None:
    _mariadb_admin_statements(
        f"DROP DATABASE IF EXISTS {MARIADB_DATABASE}", f"CREATE DATABASE {MARIADB_DATABASE} CHARACTER SET utf8mb4"
    )


def drop_mariadb_database() -> None:
    _mariadb_admin_statements(f"DROP DATABASE IF EXISTS {MARIADB_DATABASE}")


def mariadb_server_version() -> str:
    return str(_mariadb_admin_statements("SELECT VERSION()")[0][0])


def mariadb_server_settings() -> str:
    """The InnoDB settings that weigh on the figures: the buffer pool and how each commit reaches the disk."""
    pool, flush, binlog = _mariadb_admin_statements(
        "SELECT @@innodb_buffer_pool_size, @@innodb_flush_log_at_trx_commit, @@log_bin"
    )[0]
    return (
        f"`innodb_buffer_pool_size` {int(pool) // 1024 // 1024} MiB, `innodb_flush_log_at_trx_commit` {flush},"
        f" binary log {'on' if int(binlog) else 'off'}"
    )


def create_database(database: str) -> bool:
    """Create the scratch database of a server (dropping a leftover first); whether there was one to create."""
    if database == POSTGRES:
        create_postgres_database()
    elif database == MARIADB:
        create_mariadb_database()
    else:
        return False
    return True


def drop_database(database: str) -> None:
    if database == POSTGRES:
        drop_postgres_database()
    elif database == MARIADB:
        drop_mariadb_database()


def migrate(*labels: str) -> None:
    """Migrate the given apps (and what they depend on) into the benchmark database, quietly.

    Labels of apps that are not installed (a peer missing, django-hordak on SQLite) are skipped: the
    benchmark then reports that peer as absent.
    """
    from django.apps import apps
    from django.core.management import call_command

    for label in labels:
        if label in {config.label for config in apps.get_app_configs()}:
            call_command("migrate", label, verbosity=0, skip_checks=True)


def installed(label: str) -> bool:
    from django.apps import apps

    return label in {config.label for config in apps.get_app_configs()}


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def progress(message: str) -> None:
    """A line on the console while a long step runs (not in the report)."""
    print(f"   .. {message}", flush=True)
