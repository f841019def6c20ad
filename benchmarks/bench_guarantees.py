"""Database guarantees: writes to guarded tables under the declared triggers beside the former ones.

The packages' guarantees moved from triggers written by hand in migrations to ``Meta.guarantees``
(which adds, on SQLite, a guard against ``REPLACE`` of a guarded row). This measures, in one run on one
database, the writes that go through guarded tables: an audit entry (``log_event``), a two-entry
ledger posting (``post_transaction``) and a one-unit stock issue (``issue``), each with the triggers
the declarations install and with the former triggers (``former_triggers/``, the SQL the packages
shipped before). The triggers are swapped between blocks of calls, never inside a timed block; blocks
alternate so a slow moment of the machine weighs on both.

MariaDB had no former triggers (the packages run there since the declarations): there the same writes run
with the declared triggers beside no trigger at all, which is what the guarantees cost on MariaDB (the
writes without triggers skip work the triggers do, keeping stock balances and stamping ledger entries).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import count
from typing import Any

from benchmarks.harness import Context, CorrectnessError, Row, describe_profile, statement_profile

AREA = "Database guarantees"
PER_DATABASE = True
APPS = ["contenttypes", "auth", "django_decisioning", "django_audit_log", "django_ledger", "django_stock"]
TARGET = 1.05  # "no slower than before", with the run-to-run noise of a shared 2-core machine
WITHOUT = "mysql"  # the vendor with no former triggers: the declared ones are set beside none


def drop_user_triggers(tables: Iterable[str]) -> None:
    from django.db import connection

    tables = list(tables)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})", tables)
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        elif connection.vendor == "mysql":  # each DROP commits there
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT trigger_name FROM information_schema.triggers WHERE trigger_schema = DATABASE() "
                f"AND event_object_table IN ({marks})",
                tables,
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER `{name}`")
        else:
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
                [tables],
            )
            for name, table in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')


def installer(models: list[Any], former: dict[str, list[str]]) -> Callable[[str], None]:
    """A function that puts the ``"declared"`` or the ``"former"`` triggers on the models' tables (on MariaDB,
    ``"former"`` puts none)."""
    from django.db import connection, transaction

    from django_basemodels.guarantees.installation import install_definitions, model_definitions

    tables = {model._meta.db_table for model in models}

    def install(which: str) -> None:
        with transaction.atomic():
            drop_user_triggers(tables)
            if which == "declared":
                for model in models:
                    install_definitions(connection, model_definitions(model, connection))
            else:
                with connection.cursor() as cursor:
                    for statement in former.get(connection.vendor, []):
                        cursor.execute(statement)

    return install


def blocks(
    operation: Callable[[], Any], install: Callable[[str], None], *, rounds: int, calls: int
) -> dict[str, list[float]]:
    """Seconds per call under each set of triggers: one sample per block of ``calls`` calls."""
    samples: dict[str, list[float]] = {"declared": [], "former": []}
    for round_number in range(rounds):
        for which in ("declared", "former") if round_number % 2 == 0 else ("former", "declared"):
            install(which)
            began = time.perf_counter()
            for _ in range(calls):
                operation()
            samples[which].append((time.perf_counter() - began) / calls)
    install("declared")
    return samples


def profiles(operation: Callable[[], Any], install: Callable[[str], None], *, rounds: int) -> dict[str, Any]:
    """One call of ``operation`` statement by statement (``statement_profile``) under each set of triggers, and
    its SQL (the statements and the commit, where the triggers run) apart from its Python, in µs."""
    described: dict[str, Any] = {}
    for which in ("declared", "former"):
        install(which)
        profile = statement_profile(operation, rounds=rounds)
        described[f"{which}_profile"] = describe_profile(profile)
        described[f"{which}_sql_us"] = sum(micros for label, micros in profile if label != "rest")
        described[f"{which}_python_us"] = sum(micros for label, micros in profile if label == "rest")
    install("declared")
    return described


def row(
    name: str, database: str, samples: dict[str, list[float]], note: str, described: dict[str, Any] | None = None
) -> Row:
    from django.db import connection

    without = connection.vendor == WITHOUT
    return Row(
        area=AREA,
        name=name,
        database=database,
        ours=statistics.median(samples["declared"]) * 1000,
        other=statistics.median(samples["former"]) * 1000,
        other_name="no trigger (there were no former ones)" if without else "the former hand-written triggers",
        unit="ms",
        target=None if without else TARGET,
        note=note,
        extra=dict(described or {}),
    )


def run(context: Context) -> list[Row]:
    from django.db import connection
    from django.utils import timezone

    from benchmarks.former_triggers import audit_log, ledger, stock
    from django_audit_log import log_event
    from django_audit_log.models import AuditLog
    from django_ledger import EntrySpec
    from django_ledger.models import Account, Entry, Transaction
    from django_ledger.selectors import trial_balance
    from django_ledger.services import post_transaction
    from django_stock.models import Location, Lot, StockBalance, StockItem, StockMovement
    from django_stock.services import issue, receive

    rounds, calls = context.scale(12, 2), context.scale(100, 10)
    rows: list[Row] = []

    profile_rounds = context.scale(30, 3)
    numbers = count()
    audit_event, audit_install = (
        lambda: log_event("bench", metadata={"n": next(numbers)}),
        installer([AuditLog], audit_log.CREATE),
    )
    rows.append(
        row(
            "`log_event()`: one append-only audit entry",
            context.database,
            blocks(audit_event, audit_install, rounds=rounds, calls=calls),
            "insert into the append-only audit table",
            profiles(audit_event, audit_install, rounds=profile_rounds),
        )
    )

    cash = Account.objects.create(code="1000", name="Cash", account_type="asset", currency="USD")
    sales = Account.objects.create(code="4000", name="Sales", account_type="revenue", currency="USD")
    amount = Decimal("12.34")

    def posting() -> None:
        post_transaction(entries=[EntrySpec.debit(cash, amount), EntrySpec.credit(sales, amount)], description="bench")

    ledger_install = installer([Transaction, Entry, Account], ledger.CREATE)
    rows.append(
        row(
            "`post_transaction()` of 2 entries",
            context.database,
            blocks(posting, ledger_install, rounds=rounds, calls=calls),
            "draft inserted, entries inserted, posted (balance checked, entries stamped)",
            profiles(posting, ledger_install, rounds=profile_rounds),
        )
    )
    if not trial_balance().is_balanced:
        raise CorrectnessError("the trial balance does not balance after the postings")

    item = StockItem.objects.create(sku="BENCH-G", name="Benchmark item", unit="unit")
    lot = Lot.objects.create(item=item, lot_number="G1", expiry_date=timezone.localdate().replace(year=2100))
    shelf = Location.objects.create(code="G", name="Guarded shelf", kind="pharmacy")
    total = 2 * (rounds * calls + profile_rounds) + 1
    receive(location=shelf, lot=lot, quantity=total)

    def issuing() -> None:
        issue(location=shelf, lot=lot, quantity=1)

    stock_install = installer([StockMovement, StockBalance], stock.CREATE)
    rows.append(
        row(
            "`issue()` of 1 unit from a lot",
            context.database,
            blocks(issuing, stock_install, rounds=rounds, calls=calls),
            "movement inserted, balance row kept by a trigger",
            profiles(issuing, stock_install, rounds=profile_rounds),
        )
    )
    remaining = StockBalance.objects.get(location=shelf, lot=lot).quantity
    # Without triggers (MariaDB's "former") the issues leave the balance row as it was.
    expected = total - (rounds * calls + profile_rounds) if connection.vendor == WITHOUT else 1
    if remaining != expected:
        raise CorrectnessError(f"{remaining} units left after the issues, expected {expected}")
    for table_rows in rows:
        table_rows.extra["vendor"] = connection.vendor
    return rows


def explain(rows: list[Row]) -> str:
    text = [
        "Each write runs with the triggers `Meta.guarantees` installs and with the triggers the package",
        "shipped before them (`benchmarks/former_triggers/`), swapped between blocks of calls in one run;",
        "the ratio is declared / former, per call, median of the blocks. On SQLite the declared set adds",
        "the REPLACE guard (an index probe per unique key on every insert into a guarded table), which the",
        f"former set lacked: the price of refusing `INSERT OR REPLACE`. Target: at most {TARGET} (noise).",
        "The ledger's declared set also keeps rules added since the former one: posting refuses a closed period",
        "(its check share-locks the accounts of the entries, a lock written into each account row on",
        "PostgreSQL) and the stamping's `posted_units` are checked per entry; the former set, with the same",
        "writes, checks neither.",
    ]
    missed = [row for row in rows if row.verdict == "missed"]
    if missed:
        text += ["", "**Where the target is missed**, one call statement by statement (medians), under each set:", ""]
        text += [
            f"- {row.name} on {row.database} ({row.ratio:.2f}x): declared {row.extra.get('declared_profile', '?')};"
            f" former {row.extra.get('former_profile', '?')}."
            + (
                f" The SQL, where the triggers run: {row.extra['declared_sql_us']:.0f} µs declared,"
                f" {row.extra['former_sql_us']:.0f} µs former"
                f" ({row.extra['declared_sql_us'] / row.extra['former_sql_us']:.2f}x); the Python around it, which"
                f" no trigger touches: {row.extra['declared_python_us']:.0f} and"
                f" {row.extra['former_python_us']:.0f} µs."
                if row.extra.get("former_sql_us")
                else ""
            )
            for row in missed
        ]
    if any(row.extra.get("vendor") == WITHOUT for row in rows):
        text += [
            "",
            "MariaDB had no former triggers: the packages run there since the guarantees were declared. Its rows",
            "set the declared triggers beside none at all, so the ratio is what the guarantees cost on MariaDB,",
            "with no target; it overstates the price of the checks alone, because without triggers the writes",
            "also skip work the triggers do for them (the stock balance row is not kept, the ledger's entries",
            "are not stamped at posting). The audit table has no insert trigger on MariaDB (its triggers refuse",
            "`UPDATE` and `DELETE`, and a `REPLACE` through the delete it makes), so its row differs by noise.",
        ]
    return "\n".join(text)
