"""docs/benchmarks.md: the machine, the versions, one table per area and what each table means."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import sqlite3
import sys
from collections.abc import Iterable
from types import ModuleType

from benchmarks import harness
from benchmarks.harness import Row

PEERS = ["import-linter", "grimp", "django-sequences", "django-auditlog", "django-hordak"]
DRIVERS = {harness.POSTGRES: "psycopg", harness.MARIADB: "mysqlclient"}
OURS_PREFIX = "django-primitives-"


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = "unknown"
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    system = platform.platform()
    try:
        with open("/etc/os-release", encoding="utf-8") as release:
            fields = dict(line.rstrip("\n").split("=", 1) for line in release if "=" in line)
            system = f"{fields.get('PRETTY_NAME', '').strip(chr(34))} (Linux {platform.release()})"
    except OSError:
        pass
    return {"CPU": cpu, "cores": str(os.cpu_count()), "memory": memory, "OS": system}


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def versions(databases: Iterable[str]) -> dict[str, str]:
    import django

    found = {
        "Python": sys.version.split()[0],
        "Django": django.get_version(),
        "SQLite": sqlite3.sqlite_version,
    }
    databases = list(databases)
    if harness.POSTGRES in databases:
        found["PostgreSQL server"] = harness.postgres_server_version()
    if harness.MARIADB in databases:
        found["MariaDB server"] = harness.mariadb_server_version()
    for database, driver in DRIVERS.items():
        if database in databases:
            found[driver] = version(driver)
    return found


def in_words(names: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"


def our_versions() -> dict[str, str]:
    ours = {}
    for distribution in importlib.metadata.distributions():
        name = distribution.metadata["Name"] or ""
        if name.startswith(OURS_PREFIX) and name != "django-primitives-workspace":
            ours[name] = distribution.version
    return dict(sorted(ours.items()))


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit.endswith("/s"):
        return f"{value / 1000:.2f}k" if value >= 1000 else f"{value:.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def ratio_text(row: Row) -> str:
    ratio = row.ratio
    if ratio is None:
        return "—"
    return f"{ratio:.2f}"


def target_text(row: Row) -> str:
    if row.target is None:
        return ""
    sign = "≥" if row.higher_is_better else "≤"
    return f"{sign} {row.target:g}"


def plain_table(rows: list[Row]) -> str:
    """The rows of one child, for the console."""
    lines = []
    for row in rows:
        other = f"{number(row.other, row.unit)} ({row.other_name})" if row.other is not None else ""
        ratio = f" ratio {ratio_text(row)}" if row.ratio is not None else ""
        target = f" target {target_text(row)} {row.verdict}" if row.target is not None else ""
        lines.append(
            f"   {row.database or '-':10} {row.name:58} ours {number(row.ours, row.unit)} {row.unit}"
            f"  {other}{ratio}{target}"
        )
    return "\n".join(lines)


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| measured | database | ours | compared with | theirs | unit | ours / theirs | target | |",
        "|---|---|---:|---|---:|---|---:|---|---|",
    ]
    for row in rows:
        verdict = {"met": "met", "missed": "**missed**"}.get(row.verdict, "")
        name = row.name + (f" ({row.note})" if row.note else "")
        lines.append(
            f"| {name} | {row.database or '—'} | {number(row.ours, row.unit)} | {row.other_name or '—'} | "
            f"{number(row.other, row.unit)} | {row.unit} | {ratio_text(row)} | {target_text(row)} | {verdict} |"
        )
    return "\n".join(lines)


def render(
    *,
    rows: list[Row],
    modules: dict[str, ModuleType],
    databases: list[str],
    durations: dict[str, float],
    peaks: dict[str, int],
    total_seconds: float,
    loads: list[float],
    quick: bool,
    command: str,
) -> str:
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmarks",
        "",
        "<!-- Generated by `nox -s bench` (python benchmarks/run.py): do not edit by hand, run it again. -->",
        "",
        f"Generated {now} by `{command}`{' (--quick: small data, not for quoting)' if quick else ''}, "
        f"in {total_seconds / 60:.1f} minutes, on {in_words(databases)}. The machine's load average (1 minute) "
        f"ranged from {min(loads, default=0):.1f} to {max(loads, default=0):.1f} on {os.cpu_count()} cores during"
        + (" the run: other work ran beside it." if max(loads, default=0) > 1.5 else " the run."),
        "",
        "Every table compares ours with a peer package, or with the database's own floor for the same work (the",
        '"limit": the same answer from raw SQL over the best index), in the same process, on the same data, in',
        "the same minutes. The contenders take turns call by call (round by round for long operations), so a",
        "slow moment of the machine weighs on both, and each figure is a median. Absolute figures move from run",
        "to run on a shared machine (other work ran beside this one): quote the ratios. **ours / theirs** is",
        "ours divided by theirs in the row's unit: for times (ms, µs) lower is better, for rates (/s) higher is",
        "better. **target** is the ratio the project's performance targets ask for, where they set one; a",
        "ratio within about ±10% of 1 between two packages that send the same SQL is noise. Nothing here is a",
        "test: a missed target is reported, never a failure; a wrong result (a duplicate sequence value, an",
        "unbalanced ledger, a balance differing from raw SQL) stops the run.",
        "",
        "Run it with `python3 dev.py nox -s bench` (SQLite; PostgreSQL too when `DATABASE_URL` points at one,",
        "MariaDB when `MARIADB_URL` does), or `python benchmarks/run.py --help` in an environment with `.[dev]`,",
        "`benchmarks/requirements.txt` and, for MariaDB, `mysqlclient`.",
        "",
        "## Machine and versions",
        "",
        "| | |",
        "|---|---|",
    ]
    for key, value in machine().items():
        out.append(f"| {key} | {value} |")
    for key, value in versions(databases).items():
        out.append(f"| {key} | {value} |")
    for name in PEERS:
        out.append(f"| {name} (peer) | {version(name)} |")
    ours = ", ".join(f"{name.removeprefix(OURS_PREFIX)} {value}" for name, value in our_versions().items())
    out.append(f"| ours (django-primitives-*) | {ours} |")
    out += [
        "",
        "SQLite: a file in a fresh temporary folder (not `:memory:`), with the options this repository",
        'recommends (`"transaction_mode": "IMMEDIATE"`, `journal_mode=WAL`, `busy_timeout`); each commit waits',
        "for the disk. PostgreSQL: the server at `DATABASE_URL` with its own settings, in a database",
        f"`{harness.POSTGRES_DATABASE}` created for each benchmark and dropped after it.",
    ]
    if harness.MARIADB in databases:
        out += [
            "MariaDB: the server at `MARIADB_URL` with its own settings "
            f"({harness.mariadb_server_settings()}), in a database `{harness.MARIADB_DATABASE}` (`utf8mb4`)",
            "created for each benchmark and dropped after it; Django's connection with",
            '`"charset": "utf8mb4"`, as [mariadb.md](mariadb.md) recommends.',
        ]
    out.append("")
    targeted = [row for row in rows if row.target is not None]
    if targeted:
        out += [
            "## Targets at a glance",
            "",
            "| area | measured | database | ours / theirs | target | |",
            "|---|---|---|---:|---|---|",
        ]
        for row in targeted:
            verdict = {"met": "met", "missed": "**missed**"}.get(row.verdict, "")
            cells = [row.area, row.name, row.database or "—", ratio_text(row), target_text(row), verdict]
            out.append("| " + " | ".join(cells) + " |")
        met = sum(1 for row in targeted if row.verdict == "met")
        out += ["", f"{met} of {len(targeted)} met. Each area below says why where one is missed.", ""]
    for module in modules.values():
        area_rows = [row for row in rows if row.area == module.AREA]
        out += [f"## {module.AREA}", "", markdown_table(area_rows) if area_rows else "(no rows)", ""]
        out += [module.explain(area_rows).strip(), ""]
    out += [
        "## Time taken and peak memory",
        "",
        "Peak memory: the largest resident set of the benchmark's process (the kernel's `ru_maxrss`): Python,",
        "Django, the data the benchmark holds and, on SQLite, the database engine; not the database server's.",
        "",
        "| benchmark | seconds | peak memory (MiB) |",
        "|---|---:|---:|",
    ]
    for label, seconds in durations.items():
        peak = peaks.get(label)
        out.append(f"| {label} | {seconds:.0f} | {'' if peak is None else f'{peak / 2**20:.0f}'} |")
    out.append(f"| **total** | **{total_seconds:.0f}** | |")
    out.append("")
    return "\n".join(out)
