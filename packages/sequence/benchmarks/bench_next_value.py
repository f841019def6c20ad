"""Values per second of ``next_value`` beside django-sequences and the raw UPSERT, on one database.

    python benchmarks/bench_next_value.py                    # SQLite file in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_next_value.py

Needs dj-database-url (the ``test`` extra) and, for the peer's figures, django-sequences installed
beside this package (it is not a dependency). On PostgreSQL it creates and drops ``bench_django_sequence``.
Every figure is one call per transaction; runs alternate between implementations and the best of
ROUNDS is kept, so the ratios of one run are what to compare (absolute figures move between runs).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable

import dj_database_url
import django
from django.conf import settings

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CALLS = 2000
THREADS = 8

url = os.environ.get("DATABASE_URL") or ""
database = dj_database_url.parse(url) if url else None
if database is None:
    # on a RAM disk when there is one: fsync times of a shared disk would drown the difference measured
    folder = tempfile.mkdtemp(dir=os.environ.get("BENCH_DIR") or ("/dev/shm" if os.path.isdir("/dev/shm") else None))
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(folder, "bench.sqlite3")}
else:
    database["NAME"] = "bench_django_sequence"

try:
    import sequences  # noqa: F401

    PEER = True
except ImportError:
    PEER = False

settings.configure(
    DATABASES={"default": database},
    INSTALLED_APPS=["django.contrib.contenttypes", "django_sequence", *(["sequences"] if PEER else [])],
    USE_TZ=True,
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
)
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from django_sequence import GapPolicy, close_connections, define_sequence, next_sequence, next_value  # noqa: E402


def create_database() -> None:
    if connection.vendor != "postgresql":
        return
    with connection._nodb_cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS bench_django_sequence")
        cursor.execute("CREATE DATABASE bench_django_sequence")


def drop_database() -> None:
    connection.close()
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS bench_django_sequence")


def raw_upsert(name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bench_raw (name, last) VALUES (%s, 1) "
            "ON CONFLICT (name) DO UPDATE SET last = bench_raw.last + 1 RETURNING last",
            [name],
        )
        return cursor.fetchone()[0]


def in_transaction(function: Callable[[], object]) -> Callable[[], object]:
    def call() -> object:
        with transaction.atomic():
            return function()

    return call


def rate(call: Callable[[], object], threads: int = 1) -> float:
    """Calls per second of ``call`` run CALLS times in total by ``threads`` threads."""
    per_thread = CALLS // threads

    def work(start: threading.Barrier) -> None:
        start.wait()
        for _ in range(per_thread):
            call()
        close_connections()
        connection.close()

    if threads == 1:
        began = time.perf_counter()
        for _ in range(CALLS):
            call()
        return CALLS / (time.perf_counter() - began)
    start = threading.Barrier(threads + 1)
    workers = [threading.Thread(target=work, args=(start,)) for _ in range(threads)]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return per_thread * threads / (time.perf_counter() - began)


def main() -> None:
    create_database()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_raw (name varchar(100) PRIMARY KEY, last bigint NOT NULL)")
    define_sequence(scope="gapless")
    define_sequence(scope="gaps", gap_policy=GapPolicy.ALLOW_GAPS)
    define_sequence(scope="formatted", prefix="INV-", template="{prefix}{year}-{value:05d}")
    # name -> (call, the peer case it is compared with)
    cases: dict[str, tuple[Callable[[], object], str | None]] = {
        "raw UPSERT ... RETURNING": (lambda: raw_upsert("raw"), None)
    }
    if PEER:
        from sequences import get_next_value

        cases["django-sequences get_next_value"] = (lambda: get_next_value("peer"), None)
        cases["django-sequences in atomic()"] = (in_transaction(lambda: get_next_value("peer-atomic")), None)
    peer, peer_atomic = "django-sequences get_next_value", "django-sequences in atomic()"
    cases["ours next_value (gapless)"] = (lambda: next_value("gapless"), peer)
    cases["ours next_sequence (org, {year} template)"] = (lambda: next_sequence("formatted", "acme"), peer)
    cases["ours gapless in atomic()"] = (in_transaction(lambda: next_value("gapless-atomic")), peer_atomic)
    cases["ours allow_gaps in atomic() (side connection)"] = (in_transaction(lambda: next_value("gaps")), peer_atomic)
    thread_counts = [1, THREADS] if connection.vendor == "postgresql" else [1]
    best: dict[tuple[str, int], float] = {}
    for _ in range(ROUNDS):
        for threads in thread_counts:
            for name, (call, _peer) in cases.items():
                best[name, threads] = max(best.get((name, threads), 0.0), rate(call, threads))
    close_connections()
    versions = f"Python {sys.version.split()[0]}, Django {django.get_version()}, {connection.vendor} "
    versions += ".".join(map(str, connection.Database.sqlite_version_info)) if connection.vendor == "sqlite" else ""
    versions += str(connection.pg_version) if connection.vendor == "postgresql" else ""
    print(f"{versions}; best of {ROUNDS} rounds of {CALLS} calls")
    for (name, threads), value in best.items():
        compared = cases[name][1]
        ratio = f"  ({value / best[compared, threads]:.2f}x {compared})" if compared in cases else ""
        print(f"{value:8.0f} values/s  {threads} thread(s)  {name}{ratio}")
    drop_database()


if __name__ == "__main__":
    main()
