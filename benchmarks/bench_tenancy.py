"""Tenancy by rows: how the organization is stored, measured on the ledger's balance queries.

Two designs of "the organization a row belongs to" were on the table (docs/architecture.md, "Many
organizations"): an integer foreign key to one organization model named by a setting (like
``AUTH_USER_MODEL``), or a generic text key, ``org_key`` = ``"<app_label>.<model>:<pk>"``, which the
packages chose. Both are built here side by side in raw SQL with the same data (accounts of many
organizations, each with the same codes, and their entries), and the two reads that depend on the
organization are timed in one run: the balance of one account found by (organization, code), and the
trial balance of one organization (a ``GROUP BY`` over its accounts). The ledger's ``get_balance`` takes an
account row and reads entries by account id only, so the organization costs it nothing at all.
"""

from __future__ import annotations

import random
from decimal import Decimal

from benchmarks.harness import Context, Row, interleaved, median_ms, progress, raw_query

AREA = "Tenancy"
PER_DATABASE = True
APPS: list[str] = []
TARGET = 1.10  # the text key may cost at most a tenth more than an integer key on these reads
CODES = ["1010", "1200", "2000", "3000", "4000", "4100", "5000", "5100", "6000", "7000"]


def _schema(vendor: str) -> list[str]:
    auto = {
        "sqlite": "INTEGER PRIMARY KEY",
        "postgresql": "BIGSERIAL PRIMARY KEY",
        "mysql": "BIGINT AUTO_INCREMENT PRIMARY KEY",
    }
    text = "VARCHAR(255) COLLATE utf8mb4_bin" if vendor == "mysql" else "VARCHAR(255)"
    statements = []
    for design, column in (("fk", "org_id BIGINT NOT NULL"), ("key", f"org_key {text} NOT NULL")):
        org = "org_id" if design == "fk" else "org_key"
        statements += [
            f"CREATE TABLE tenancy_account_{design} (id {auto[vendor]}, {column}, code VARCHAR(50) NOT NULL)",
            f"CREATE UNIQUE INDEX tenancy_account_{design}_code ON tenancy_account_{design} ({org}, code)",
            f"CREATE TABLE tenancy_entry_{design} (id {auto[vendor]}, account_id BIGINT NOT NULL, "
            "amount DECIMAL(20, 4) NOT NULL)",
            f"CREATE INDEX tenancy_entry_{design}_account ON tenancy_entry_{design} (account_id, amount)",
        ]
    return statements


def _build(orgs: int, entries_per_account: int) -> None:
    from django.db import connection, transaction

    rng = random.Random(7)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in _schema(connection.vendor):
            cursor.execute(statement)
        accounts = [(org, code) for org in range(1, orgs + 1) for code in CODES]
        cursor.executemany(
            "INSERT INTO tenancy_account_fk (id, org_id, code) VALUES (%s, %s, %s)",
            [(index, org, code) for index, (org, code) in enumerate(accounts, start=1)],
        )
        cursor.executemany(
            "INSERT INTO tenancy_account_key (id, org_key, code) VALUES (%s, %s, %s)",
            [
                (index, f"django_parties.organization:{org}", code)
                for index, (org, code) in enumerate(accounts, start=1)
            ],
        )
        entries = [
            (account, Decimal(rng.randrange(1, 100_000)) / 100)
            for account in range(1, len(accounts) + 1)
            for _ in range(entries_per_account)
        ]
        for design in ("fk", "key"):
            for start in range(0, len(entries), 5000):
                cursor.executemany(
                    f"INSERT INTO tenancy_entry_{design} (account_id, amount) VALUES (%s, %s)",
                    entries[start : start + 5000],
                )
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE tenancy_account_fk, tenancy_account_key, tenancy_entry_fk, tenancy_entry_key")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def run(context: Context) -> list[Row]:
    orgs = context.scale(200, 4)
    per_account = context.scale(50, 5)
    rounds = context.scale(300, 5)
    progress(f"tenancy: {orgs} organizations x {len(CODES)} accounts x {per_account} entries, twice")
    _build(orgs, per_account)
    org = orgs // 2
    balance_sql = (
        "SELECT SUM(e.amount) FROM tenancy_entry_{d} e JOIN tenancy_account_{d} a ON a.id = e.account_id "
        "WHERE a.{org} = %s AND a.code = %s"
    )
    # Grouped by code, the order of the (organization, code) index: the database reads the organization's
    # range of it. Grouped by a.id, SQLite scans every account in id order instead, comparing each one's key.
    trial_sql = (
        "SELECT a.code, SUM(e.amount) FROM tenancy_entry_{d} e JOIN tenancy_account_{d} a ON a.id = e.account_id "
        "WHERE a.{org} = %s GROUP BY a.code"
    )
    key = f"django_parties.organization:{org}"
    statements = {
        "balance": {
            "text key": (balance_sql.format(d="key", org="org_key"), [key, "4000"]),
            "integer key": (balance_sql.format(d="fk", org="org_id"), [org, "4000"]),
        },
        "trial": {
            "text key": (trial_sql.format(d="key", org="org_key"), [key]),
            "integer key": (trial_sql.format(d="fk", org="org_id"), [org]),
        },
    }
    checks = {
        name: (raw_query(*designs["text key"]), raw_query(*designs["integer key"]))
        for name, designs in statements.items()
    }
    rows = []
    for name, (ours, theirs) in checks.items():
        if sorted(ours()) != sorted(theirs()):
            from benchmarks.harness import CorrectnessError

            raise CorrectnessError(f"tenancy {name}: the two designs disagree")
        samples = interleaved({"key": ours, "fk": theirs}, rounds=rounds, repeat=context.scale(5, 1))
        label = {
            "balance": "balance of one account found by (organization, code)",
            "trial": f"trial balance of one organization ({len(CODES)} accounts, GROUP BY)",
        }[name]
        rows.append(
            Row(
                area=AREA,
                name=label,
                database=context.database,
                ours=median_ms(samples["key"]),
                other=median_ms(samples["fk"]),
                other_name="integer organization key (a setting naming the model)",
                target=TARGET,
                note=f"{orgs} organizations, {orgs * len(CODES) * per_account:,} entries",
                extra={"plans": {design: _plan(sql, params) for design, (sql, params) in statements[name].items()}},
            )
        )
    return rows


def _plan(sql: str, params: list[object]) -> str:
    """What the database does with one read, on one line: PostgreSQL's plan nodes, buffers and timings
    (``EXPLAIN ANALYZE``), MariaDB's and SQLite's plan."""
    import json

    from django.db import connection

    explain = {"postgresql": "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ", "sqlite": "EXPLAIN QUERY PLAN "}
    with connection.cursor() as cursor:
        cursor.execute(explain.get(connection.vendor, "EXPLAIN ") + sql, params)
        lines = cursor.fetchall()
    if connection.vendor == "sqlite":
        return "; ".join(str(line[-1]) for line in lines)
    if connection.vendor == "postgresql":
        document = lines[0][0]
        (top,) = json.loads(document) if isinstance(document, str) else document
        nodes: list[str] = []
        pending = [top["Plan"]]
        while pending:
            node = pending.pop(0)
            nodes.append(
                " ".join(filter(None, [node["Node Type"], node.get("Index Name") or node.get("Relation Name")]))
            )
            pending.extend(node.get("Plans", []))
        return (
            f"{' > '.join(nodes)}; {top['Plan'].get('Shared Hit Blocks', 0)} buffers hit;"
            f" planning {top['Planning Time']:.3f} ms, execution {top['Execution Time']:.3f} ms"
        )
    return "; ".join(f"{line[2]} {line[3]} key {line[5]} rows {line[8]} {line[9] or ''}".strip() for line in lines)


def explain(rows: list[Row]) -> str:
    missed = [row for row in rows if row.verdict == "missed"]
    where = []
    if missed:
        where = ["", "**Where the target is missed**, what the database does with each design's read (same run):", ""]
        for row in missed:
            plans = row.extra.get("plans", {})
            where.append(
                f"- {row.name} on {row.database} ({row.ratio:.2f}x): "
                + "; ".join(f"{design}: `{plan}`" for design, plan in plans.items())
            )
    return "\n".join(
        [
            "The organization of a row is stored as a text key (`org_key`, what the packages do) or as an integer",
            "foreign key to one organization model named by a setting. Both designs are built side by side in raw",
            "SQL with the same rows, and the reads timed in turns in one run; the ratio is text key / integer key.",
            "Either way the organization is resolved once, on the account table, through the unique index",
            "(organization, code); the entries are read by account id. The text key buys packages that install",
            "alone with no setting, any model (or a caller's own string) as the organization, and natural keys",
            "that stay unique as before when no organization is used; it gives up a foreign key's cascade and",
            "referential check on the organization row.",
            "",
            "The trial balance of one organization is grouped by code, the order of the index, so each design",
            "reads that organization's range of it and its accounts' entries. (Grouped by account id instead,",
            "SQLite's planner scans every account in id order to skip a sort, comparing every account's",
            "organization: 2,000 comparisons of a 30-odd character key where the integer design compares",
            "integers.)",
            *where,
        ]
    )
