"""Run the benchmarks, ours beside the peers, and rewrite docs/benchmarks.md.

    python benchmarks/run.py                      # everything: SQLite, PostgreSQL (DATABASE_URL), MariaDB (MARIADB_URL)
    python benchmarks/run.py --quick              # smoke test: small data, few rounds (docs/benchmarks.md untouched)
    python benchmarks/run.py --only sequence,audit_log --databases sqlite
    python benchmarks/run.py --output /tmp/bench-report.md
    python benchmarks/run.py --scale              # everything, the growth tables up to 10,000,000 rows

Each benchmark runs in a child process per database (a fresh SQLite file in a temporary folder, or the
database ``bench_django_primitives`` on the PostgreSQL or the MariaDB server, created and dropped), so every
figure of one table comes from the same process, the same data and the same minutes. The document is
rewritten only by a full run of every benchmark (or when ``--output`` names a file). Slowness never fails
the run; a wrong result does (a duplicate or missing sequence value, a ledger that does not balance): the
exit status is then 1.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, report  # noqa: E402

BENCHMARKS = [
    "layers",
    "sequence",
    "audit_log",
    "ledger",
    "stock",
    "guarantees",
    "tenancy",
    "scaling",
    "settlements",
    "growth",
]
DOC = ROOT / "docs" / "benchmarks.md"


def module_of(name: str):
    return importlib.import_module(f"benchmarks.bench_{name}")


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data and few rounds: a smoke test")
    parser.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument(
        "--databases",
        default="",
        help=(
            "comma-separated subset of sqlite,postgres,mariadb (default: sqlite, postgres when DATABASE_URL=postgres://..."
            " is set, mariadb when MARIADB_URL=mysql://... is set)"
        ),
    )
    parser.add_argument(
        "--scale",
        action="store_true",
        help="add the largest sizes of the growth tables (10,000,000 rows on PostgreSQL: about ten minutes more)",
    )
    parser.add_argument("--output", default="", help="write the report there (default: docs/benchmarks.md, full runs)")
    # internal: one benchmark on one database, in a child process
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    parser.add_argument("--database", default="", help=argparse.SUPPRESS)
    parser.add_argument("--rows-file", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


DATABASES = {"sqlite": harness.SQLITE, "postgres": harness.POSTGRES, "mariadb": harness.MARIADB}


def chosen_databases(option: str) -> list[str]:
    wanted = [part.strip().lower() for part in option.split(",") if part.strip()]
    has_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    has_mariadb = bool(harness.mariadb_url())
    if not wanted:
        wanted = ["sqlite", *(["postgres"] if has_postgres else []), *(["mariadb"] if has_mariadb else [])]
    unknown = set(wanted) - set(DATABASES)
    if unknown:
        raise SystemExit(f"run.py: unknown database(s): {', '.join(sorted(unknown))} (known: {', '.join(DATABASES)})")
    if "postgres" in wanted and not has_postgres:
        raise SystemExit("run.py: --databases postgres needs DATABASE_URL=postgres://...")
    if "mariadb" in wanted and not has_mariadb:
        raise SystemExit("run.py: --databases mariadb needs MARIADB_URL=mysql://... (or DATABASE_URL=mysql://...)")
    return [DATABASES[name] for name in wanted]


# --- child: one benchmark on one database ---------------------------------------------------------------


def run_child(arguments: argparse.Namespace) -> int:
    module = module_of(arguments.child)
    scratch = tempfile.mkdtemp(prefix="bench-")
    database = arguments.database
    created = False
    try:
        if database:
            os.environ["BENCH_DATABASE"] = database
            os.environ["BENCH_SCRATCH"] = scratch
            os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
            created = harness.create_database(database)
            import django

            django.setup()
            harness.migrate(*module.APPS)
        context = harness.Context(
            database=database, quick=arguments.quick, scratch=scratch, root=str(ROOT), at_scale=arguments.scale
        )
        rows = module.run(context)
        Path(arguments.rows_file).write_text(json.dumps([row.as_json() for row in rows]), encoding="utf-8")
        return 0
    except harness.CorrectnessError as error:
        print(f"WRONG RESULT in {arguments.child} on {database or 'no database'}: {error}", file=sys.stderr)
        return 3
    finally:
        if database:
            from django.db import connections

            connections.close_all()
        if created:
            harness.drop_database(database)
        shutil.rmtree(scratch, ignore_errors=True)


# --- parent: every benchmark, then the report -----------------------------------------------------------


def run_measured(command: list[str], env: dict[str, str]) -> tuple[int, int]:
    """Run a child; its exit status and its peak resident memory in bytes (the kernel's own account, ``wait4``).

    The figure is the benchmark process alone: Django, the data it holds and, on SQLite, the database
    engine; a database server's memory is the server's.
    """
    child = subprocess.Popen(command, cwd=ROOT, env=env)
    _, wait_status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(wait_status)
    return child.returncode, usage.ru_maxrss * 1024  # Linux counts ru_maxrss in KiB


def run_all(arguments: argparse.Namespace) -> int:
    names = [part.strip() for part in arguments.only.split(",") if part.strip()] or BENCHMARKS
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(f"run.py: unknown benchmark(s): {', '.join(unknown)} (known: {', '.join(BENCHMARKS)})")
    databases = chosen_databases(arguments.databases)
    complete = names == BENCHMARKS and not arguments.quick
    began = time.perf_counter()
    rows: list[harness.Row] = []
    durations: dict[str, float] = {}
    peaks: dict[str, int] = {}  # the peak resident memory of each child process, in bytes
    loads: list[float] = []  # the 1-minute load average before and after each child: how busy the machine was
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-rows-") as folder:
        for name in names:
            module = module_of(name)
            for database in databases if module.PER_DATABASE else [""]:
                label = f"{name} on {database}" if database else name
                print(f"== {label}", flush=True)
                rows_file = Path(folder) / f"{name}-{database or 'none'}.json"
                command = [
                    sys.executable,
                    str(Path(__file__).resolve()),
                    "--child",
                    name,
                    "--rows-file",
                    str(rows_file),
                ]
                command += ["--database", database] if database else []
                command += ["--quick"] if arguments.quick else []
                command += ["--scale"] if arguments.scale else []
                paths = [str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
                env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
                started = time.perf_counter()
                loads.append(os.getloadavg()[0])
                status, peaks[label] = run_measured(command, env)
                durations[label] = time.perf_counter() - started
                loads.append(os.getloadavg()[0])
                if status != 0:
                    failures.append(f"{label} (exit status {status})")
                    continue
                new_rows = [harness.Row.from_json(data) for data in json.loads(rows_file.read_text(encoding="utf-8"))]
                rows.extend(new_rows)
                print(report.plain_table(new_rows), flush=True)
                print(f"   ({durations[label]:.0f} s, peak memory {peaks[label] / 2**20:.0f} MiB)", flush=True)
    total = time.perf_counter() - began
    print(f"== all benchmarks: {total:.0f} s", flush=True)
    if failures:
        print(f"FAILED: {', '.join(failures)}; the report is not written.", file=sys.stderr)
        return 1
    output = Path(arguments.output) if arguments.output else (DOC if complete else None)
    if output is None:
        print("(a partial or --quick run: docs/benchmarks.md left as it is; --output FILE writes this report)")
        return 0
    document = report.render(
        rows=rows,
        modules={name: module_of(name) for name in names},
        databases=databases,
        durations=durations,
        peaks=peaks,
        total_seconds=total,
        loads=loads,
        quick=arguments.quick,
        command=" ".join(["python benchmarks/run.py", *sys.argv[1:]]),
    )
    output.write_text(document, encoding="utf-8")
    print(f"wrote {output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.child:
        try:
            return run_child(arguments)
        except Exception:
            traceback.print_exc()
            return 2
    return run_all(arguments)


if __name__ == "__main__":
    sys.exit(main())
