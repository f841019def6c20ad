"""Cost of saving a tracked model: django-audit-log beside a plain save and django-auditlog, in one run.

    python benchmarks/tracked_save.py                        # SQLite file in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/tracked_save.py

Needs the package and dj-database-url installed; django-auditlog (the peer) is measured when it is
installed. Every save changes one field and runs in autocommit mode, as a request would. Rounds of
every scenario are interleaved and the median per save is reported, so machine noise hits all alike.
On PostgreSQL the benchmark creates and drops the database ``bench_django_audit_log``.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import dj_database_url
import django
from django.conf import settings

SAVES = int(os.environ.get("BENCH_SAVES", "500"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "7"))

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
try:
    import auditlog  # noqa: F401

    PEER = True
except ImportError:
    PEER = False

url = os.environ.get("DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
database = dj_database_url.parse(url)
if database["ENGINE"] != "django.db.backends.sqlite3":
    database["NAME"] = "bench_django_audit_log"
settings.configure(
    SECRET_KEY="bench",
    USE_TZ=True,
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django_audit_log",
        *(["auditlog"] if PEER else []),
        "benchmarks.benchapp",
    ],
    DATABASES={"default": database},
    DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
    AUDIT_LOG_HASH_CHAIN=False,
)


def create_postgres_database() -> None:
    import psycopg

    admin = {**database, "NAME": "postgres"}
    dsn = f"host={admin['HOST'] or '127.0.0.1'} port={admin['PORT'] or 5432} user={admin['USER']} dbname=postgres"
    if admin.get("PASSWORD"):
        dsn += f" password={admin['PASSWORD']}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS bench_django_audit_log")
        connection.execute("CREATE DATABASE bench_django_audit_log")


def main() -> None:
    if database["ENGINE"] != "django.db.backends.sqlite3":
        create_postgres_database()
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.benchapp.models import Ours, Peer, Plain
    from django_audit_log import log_event, register

    register(Ours)
    if PEER:
        from auditlog.registry import auditlog as peer_registry

        peer_registry.register(Peer)
    call_command("migrate", run_syncdb=True, verbosity=0)

    def saving(model):
        obj = model.objects.create(name="start")
        counter = iter(range(10**9))

        def one() -> None:
            obj.name = f"name {next(counter)}"
            obj.save()

        return one

    def chained(operation):
        def one() -> None:
            settings.AUDIT_LOG_HASH_CHAIN = True
            try:
                operation()
            finally:
                settings.AUDIT_LOG_HASH_CHAIN = False

        return one

    def event() -> None:
        log_event("bench", metadata={"n": 1})

    scenarios = {
        "plain save": saving(Plain),
        "tracked save (django-audit-log)": saving(Ours),
        "tracked save, hash chain on": chained(saving(Ours)),
        "log_event()": event,
        "log_event(), hash chain on": chained(event),
    }
    if PEER:
        scenarios["tracked save (django-auditlog 3.x)"] = saving(Peer)

    queries = {}
    for name, operation in scenarios.items():
        with CaptureQueriesContext(connection) as captured:
            operation()
        queries[name] = len(captured.captured_queries)
        if os.environ.get("BENCH_SHOW_SQL"):
            print(name, [query["sql"][:60] for query in captured.captured_queries])

    timings: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(ROUNDS):
        for name, operation in scenarios.items():
            start = time.perf_counter()
            for _ in range(SAVES):
                operation()
            timings[name].append((time.perf_counter() - start) / SAVES)
    per_op = {name: statistics.median(values) for name, values in timings.items()}

    plain = per_op["plain save"]
    if connection.vendor == "sqlite":
        version = connection.Database.sqlite_version
    else:
        version = ".".join(str(part) for part in divmod(connection.pg_version, 10000))
    print(f"{connection.display_name} {version}")
    print(f"Django {django.get_version()}, Python {sys.version.split()[0]}, {SAVES} saves x {ROUNDS} rounds, median")
    print(f"{'scenario':38} {'us/op':>8} {'x plain':>8} {'queries':>8}")
    for name, seconds in per_op.items():
        print(f"{name:38} {seconds * 1e6:8.1f} {seconds / plain:8.2f} {queries[name]:8d}")
    ours = per_op["tracked save (django-audit-log)"] - plain
    chained_cost = per_op["tracked save, hash chain on"] - per_op["tracked save (django-audit-log)"]
    print(f"hash chain cost per tracked save: {chained_cost * 1e6:.1f} us")
    event_chain = per_op["log_event(), hash chain on"] - per_op["log_event()"]
    print(f"hash chain cost per log_event(): {event_chain * 1e6:.1f} us")
    if PEER:
        peer = per_op["tracked save (django-auditlog 3.x)"] - plain
        print(f"overhead over a plain save: ours {ours * 1e6:.1f} us, peer {peer * 1e6:.1f} us")
        print(f"ours/peer overhead: {ours / peer:.2f} (target: at most 0.7)")
    connection.close()


if __name__ == "__main__":
    main()
