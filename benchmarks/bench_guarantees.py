"""Database guarantees: writes to guarded tables under the declared triggers beside the former ones.

The packages' guarantees moved from triggers written by hand in migrations to ``Meta.guarantees``
(which adds, on SQLite, a guard against ``REPLACE`` of a guarded row). This measures, in one run on one
database, the writes that go through guarded tables: an audit entry (``log_event``), a two-entry
ledger posting (``post_transaction``) and a one-unit stock issue (``issue``), each with the triggers
the declarations install and with the former triggers (``former_triggers/``, the SQL the packages
shipped before). The triggers are swapped between blocks of calls, never inside a timed block; blocks
alternate so a slow moment of the machine weighs on both.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from itertools import count
from typing import Any

from benchmarks.harness import Context, CorrectnessError, Row

AREA = "Database guarantees"
PER_DATABASE = True
APPS = ["contenttypes", "auth", "django_decisioning", "django_audit_log", "django_ledger", "django_stock"]
TARGET = 1.05  # "no slower than before", with the run-to-run noise of a shared 2-core machine


def drop_user_triggers(tables: Iterable[str]) -> None:
    from django.db import connection

    tables = list(tables)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})", tables)
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}"')
        else:
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND c.relname = ANY(%s)",
                [tables],
            )
            for name, table in cursor.fetchall():
                cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')


def installer(models: list[Any], former: dict[str, list[str]]) -> Callable[[str], None]:
    """A function that puts the ``"declared"`` or the ``"former"`` triggers on the models' tables."""
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
                    for statement in former[connection.vendor]:
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


def row(name: str, database: str, samples: dict[str, list[float]], note: str) -> Row:
    return Row(
        area=AREA,
        name=name,
        database=database,
        ours=statistics.median(samples["declared"]) * 1000,
        other=statistics.median(samples["former"]) * 1000,
        other_name="the former hand-written triggers",
        unit="ms",
        target=TARGET,
        note=note,
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

    numbers = count()
    rows.append(
        row(
            "`log_event()`: one append-only audit entry",
            context.database,
            blocks(
                lambda: log_event("bench", metadata={"n": next(numbers)}),
                installer([AuditLog], audit_log.CREATE),
                rounds=rounds,
                calls=calls,
            ),
            "insert into the append-only audit table",
        )
    )

    cash = Account.objects.create(code="1000", name="Cash", account_type="asset", currency="USD")
    sales = Account.objects.create(code="4000", name="Sales", account_type="revenue", currency="USD")
    amount = Decimal("12.34")
    rows.append(
        row(
            "`post_transaction()` of 2 entries",
            context.database,
            blocks(
                lambda: post_transaction(
                    entries=[EntrySpec.debit(cash, amount), EntrySpec.credit(sales, amount)], description="bench"
                ),
                installer([Transaction, Entry, Account], ledger.CREATE),
                rounds=rounds,
                calls=calls,
            ),
            "draft inserted, entries inserted, posted (balance checked, entries stamped)",
        )
    )
    if not trial_balance().is_balanced:
        raise CorrectnessError("the trial balance does not balance after the postings")

    item = StockItem.objects.create(sku="BENCH-G", name="Benchmark item", unit="unit")
    lot = Lot.objects.create(item=item, lot_number="G1", expiry_date=timezone.localdate().replace(year=2100))
    shelf = Location.objects.create(code="G", name="Guarded shelf", kind="pharmacy")
    total = rounds * 2 * calls + 1
    receive(location=shelf, lot=lot, quantity=total)
    rows.append(
        row(
            "`issue()` of 1 unit from a lot",
            context.database,
            blocks(
                lambda: issue(location=shelf, lot=lot, quantity=1),
                installer([StockMovement, StockBalance], stock.CREATE),
                rounds=rounds,
                calls=calls,
            ),
            "movement inserted, balance row kept by a trigger",
        )
    )
    remaining = StockBalance.objects.get(location=shelf, lot=lot).quantity
    if remaining != 1:
        raise CorrectnessError(f"{remaining} units left after the issues, expected 1")
    for table_rows in rows:
        table_rows.extra["vendor"] = connection.vendor
    return rows


def explain(rows: list[Row]) -> str:
    return "\n".join(
        [
            "Each write runs with the triggers `Meta.guarantees` installs and with the triggers the package",
            "shipped before them (`benchmarks/former_triggers/`), swapped between blocks of calls in one run;",
            "the ratio is declared / former, per call, median of the blocks. On SQLite the declared set adds",
            "the REPLACE guard (an index probe per unique key on every insert into a guarded table), which the",
            f"former set lacked: the price of refusing `INSERT OR REPLACE`. Target: at most {TARGET} (noise).",
        ]
    )
