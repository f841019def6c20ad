"""Growth on PostgreSQL: the same reads at 10,000, 100,000 and 1,000,000 rows (10,000,000 with ``--scale``).

History grows forward in time, as a site's does. The ledger: 50 accounts, 10,000 two-entry transactions a
day from the first of a month about 17 months back, every one debiting the cash account (half of all
entries are on it: the busiest account a ledger has) and crediting one of 49 revenue accounts; the books
are closed at the end of every month that is over (``close_books``). Stock: one item, 10 locations, lots
received one after another (every lot 100 movements at each location over 30 days: a lot's life is
bounded, the number of lots grows). The audit log: one hash chain of that many entries. Each table grows
in place from one size to the next, its triggers off meanwhile: PostgreSQL writes the ledger's and the
stock's rows itself (``INSERT ... SELECT`` over ``generate_series``), the chain (hashed in Python) goes by
``COPY``; then the rows are checked as in the other benchmarks (balanced transactions, balance rows equal
to the movements, and ``verify_chain`` itself), and the closings are written by the service with every
guarantee on.

Each read is timed beside the same answer from raw SQL over every row it covers (no closing): the cost the
package had without closed periods, and what a read of all history costs at that size.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from benchmarks.bulk import Loader, TriggersOff, analyse, ascending_uuids, bulk_write
from benchmarks.harness import POSTGRES, Context, CorrectnessError, Row, interleaved, progress, raw_query

AREA = "Growth"
PER_DATABASE = True
APPS = ["django_ledger", "django_stock", "django_audit_log"]

TRANSACTIONS_PER_DAY = 10_000
ACCOUNTS = 50
LOCATIONS = 10
MOVEMENTS_PER_PAIR = 100
LOT_LIFE = dt.timedelta(days=30)
LARGEST = 10_000_000
AS_OF_TARGET = 2.0  # an as-of read at 10,000,000 rows costs at most twice what it costs at 1,000,000

TRANSACTION = "django_ledger_transaction"
ENTRY = "django_ledger_entry"
MOVEMENTS = "django_stock_stockmovement"
BALANCES = "django_stock_stockbalance"
AUDIT = "django_audit_log_auditlog"
MOVEMENT_FIELDS = [
    *("id", "location_id", "lot_id", "movement_type", "direction", "quantity", "operation_id"),
    *("effective_at", "recorded_at"),
]
CHANGES = {"status": ["open", "paid"]}
CHANGES_JSON = json.dumps(CHANGES)
AUDIT_FIELDS = [
    *("id", "recorded_at", "effective_at", "action", "model_label", "object_id", "object_repr", "changes"),
    *("metadata", "sequence", "prev_hash", "entry_hash"),
]


def sizes(context: Context) -> list[int]:
    if context.quick:
        return [1_000, 10_000]
    return [10_000, 100_000, 1_000_000, *([LARGEST] if context.at_scale else [])]


def history_start(now: dt.datetime) -> dt.datetime:
    """The first of the month in which the largest ledger's history starts (the same for every run's sizes)."""
    days = LARGEST // 2 // TRANSACTIONS_PER_DAY + 20
    first = now - dt.timedelta(days=days)
    return first.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_starts(start: dt.datetime, until: dt.datetime) -> Iterator[dt.datetime]:
    """The first instant of every month after ``start``'s, up to ``until``."""
    year, month = start.year, start.month
    while True:
        month += 1
        if month > 12:
            year, month = year + 1, 1
        moment = start.replace(year=year, month=month)
        if moment > until:
            return
        yield moment


def timed(operations: dict[str, Callable[[], Any]], *, budget: float = 3.0) -> dict[str, float]:
    """Median ms of each operation, taking turns, in about ``budget`` seconds (at least 5 rounds)."""
    began = time.perf_counter()
    for operation in operations.values():
        operation()
    first = (time.perf_counter() - began) or 1e-6
    rounds = max(5, min(300, int(budget / first)))
    samples = interleaved(operations, rounds=rounds)
    return {name: statistics.median(values) * 1000.0 for name, values in samples.items()}


def insert_select(model: Any, expressions: dict[str, str], source: str, params: list[Any]) -> None:
    """``INSERT INTO <table> SELECT ...``: the given columns from SQL ``expressions`` (without parameters: they
    name columns of ``source``) over ``source`` (a ``FROM`` clause, with ``params``), every other column its
    default. PostgreSQL writes the rows itself: no Python per row.
    """
    from django.db import connection

    loader = Loader(model, connection, list(expressions))
    select, values = [], []
    for attname, position in loader.positions.items():
        if attname in expressions:
            select.append(expressions[attname])
        else:
            select.append("%s")
            values.append(loader.template[position])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {loader.table} ({', '.join(loader.columns)}) SELECT {', '.join(select)} {source}",
            [*values, *params],
        )


def ascending_key(number: str, prefix: str = "0") -> str:
    """SQL of a UUID whose hex digits are ``prefix`` then ``number`` (a bigint expression): keys ascending with it."""
    return f"('{prefix}' || lpad(to_hex({number}), {32 - len(prefix)}, '0'))::uuid"


MICROSECONDS_APART = 86_400_000_000 // TRANSACTIONS_PER_DAY  # between two transactions


# --- the ledger --------------------------------------------------------------------------------------------


class Ledger:
    def __init__(self, start: dt.datetime) -> None:
        from django_ledger import open_account

        self.start = start
        self.cash = open_account(code="1010", name="Cash", account_type="asset", currency="EUR")
        self.revenue = [
            open_account(code=f"4{number:03}", name=f"Sales {number}", account_type="revenue", currency="EUR")
            for number in range(ACCOUNTS - 1)
        ]
        self.transactions = 0
        self.cash_total = Decimal(0)
        self.closed_through: dt.datetime | None = None

    def moment(self, index: int) -> dt.datetime:
        return self.start + dt.timedelta(microseconds=index * MICROSECONDS_APART)

    @property
    def end(self) -> dt.datetime:
        return self.moment(self.transactions - 1)

    def grow(self, entries: int) -> None:
        """Transactions ``self.transactions`` to ``entries // 2`` and their two entries each, written by PostgreSQL."""
        from django.db import connection, transaction

        from django_ledger.models import Entry, Transaction

        first, last = self.transactions, entries // 2
        when = f"p.start + (n * {MICROSECONDS_APART}) * interval '1 microsecond'"
        posted = f"{when} + interval '1 minute'"
        source = (
            "FROM generate_series(%s::bigint, %s::bigint) AS n, "
            "(SELECT %s::timestamptz AS start, %s::uuid AS cash, %s::uuid[] AS revenue) AS p"
        )
        params = [first, last - 1, self.start, self.cash.pk, [account.pk for account in self.revenue]]
        with TriggersOff(connection, [TRANSACTION, ENTRY]), transaction.atomic():
            insert_select(
                Transaction,
                {
                    "id": ascending_key("n"),
                    "description": "'sale'",
                    "effective_at": when,
                    "posted_at": posted,
                    "created_at": when,
                },
                source,
                params,
            )
            insert_select(
                Entry,
                {
                    "id": ascending_key("2 * n + side"),
                    "transaction_id": ascending_key("n"),
                    "account_id": f"CASE side WHEN 0 THEN p.cash ELSE p.revenue[n %% {ACCOUNTS - 1} + 1] END",
                    "entry_type": "CASE side WHEN 0 THEN 'debit' ELSE 'credit' END",
                    "amount": "(1 + (n * 7919) %% 100000)::numeric / 100",
                    "currency": "'EUR'",
                    "effective_at": when,
                    "recorded_at": posted,
                    "posted_units": "CASE side WHEN 0 THEN 100 ELSE -100 END * (1 + (n * 7919) %% 100000)",
                },
                f"{source} CROSS JOIN (VALUES (0), (1)) AS sides (side)",
                params,
            )
        self.cash_total += Decimal(sum(1 + (n * 7919) % 100_000 for n in range(first, last))).scaleb(-2)
        self.transactions = last
        analyse(TRANSACTION, ENTRY)
        self.check_loaded()
        self.close_months()

    def check_loaded(self) -> None:
        from django.db import connection

        from django_ledger.guarantees import signed_units

        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT transaction_id FROM {ENTRY} GROUP BY transaction_id "
                "HAVING count(*) < 2 OR sum(CASE WHEN entry_type = 'debit' THEN amount ELSE -amount END) <> 0 "
                f"OR bool_or(posted_units <> {signed_units('postgresql')})) bad"
            )
            (unbalanced,) = cursor.fetchone()
        if unbalanced:
            raise CorrectnessError(f"growth: {unbalanced} loaded transaction(s) do not balance or are unstamped")

    def close_months(self) -> None:
        """Close the books through the end of every month that is over (a later entry exists)."""
        from django_ledger import close_books

        for month_start in month_starts(self.closed_through or self.start, self.end):
            began = time.perf_counter()
            close_books(through=month_start)
            self.closed_through = month_start
            self.cash.refresh_from_db(fields=["closed_through"])  # get_balance starts from the closing it names
            progress(f"closed the books through {month_start:%Y-%m-%d} in {time.perf_counter() - began:.1f} s")

    def reads(self, size: int) -> list[tuple[str, Callable[[], Any], Callable[[], Any], str]]:
        from django_ledger import get_balance, trial_balance

        as_of = self.end - min(dt.timedelta(days=1), (self.end - self.start) / 10)
        cash = self.cash.pk
        every_entry = f"SELECT SUM(CASE WHEN entry_type = 'debit' THEN amount ELSE -amount END) FROM {ENTRY} "
        raw_balance = raw_query(every_entry + "WHERE account_id = %s AND recorded_at IS NOT NULL", [cash])
        raw_as_of = raw_query(
            every_entry + "WHERE account_id = %s AND recorded_at IS NOT NULL AND effective_at <= %s", [cash, as_of]
        )
        raw_trial = raw_query(
            f"SELECT account_id, SUM(CASE WHEN entry_type = 'debit' THEN amount ELSE 0 END), "
            f"SUM(CASE WHEN entry_type = 'credit' THEN amount ELSE 0 END) FROM {ENTRY} "
            "WHERE recorded_at IS NOT NULL GROUP BY account_id",
            [],
        )
        expected = raw_as_of()[0][0] or Decimal(0)
        found = (get_balance(self.cash).amount, get_balance(self.cash, as_of).amount)
        if found != (self.cash_total, expected):
            raise CorrectnessError(
                f"growth: the cash balance at {size:,} entries differs from its entries: now and as of a day "
                f"before, {found[0]} and {found[1]}, where the entries sum to {self.cash_total} and {expected}"
            )
        trial = trial_balance()
        sums = {row[0]: (row[1], row[2]) for row in raw_trial()}
        if {line.account.pk: (line.debits.amount, line.credits.amount) for line in trial.rows} != sums:
            raise CorrectnessError(f"growth: the trial balance at {size:,} entries differs from its entries")
        return [
            ("`get_balance(account)`, the busiest account", lambda: get_balance(self.cash), raw_balance, "half"),
            (
                "`get_balance(account, as_of=…)`, a day before the newest entry (or less)",
                lambda: get_balance(self.cash, as_of),
                raw_as_of,
                "half",
            ),
            ("`trial_balance()`, 50 accounts", trial_balance, raw_trial, "all"),
        ]


# --- stock -------------------------------------------------------------------------------------------------


class Stock:
    def __init__(self, start: dt.datetime) -> None:
        from django_stock.models import Location, StockItem

        self.start = start
        self.item = StockItem.objects.create(sku="GROWTH", name="Growth item", unit="unit")
        self.locations = Location.objects.bulk_create(
            Location(code=f"G{number:02d}", name=f"Store {number}", kind="store") for number in range(LOCATIONS)
        )
        self.lots: list[Any] = []

    def lot_start(self, number: int) -> dt.datetime:
        spacing = dt.timedelta(days=400) / (LARGEST // (LOCATIONS * MOVEMENTS_PER_PAIR))
        return self.start + spacing * number

    def grow(self, movements: int) -> None:
        from django.db import connection, transaction

        from django_stock.models import Lot, StockMovement
        from django_stock.selectors import balances_differing_from_movements

        first = len(self.lots)
        wanted = max(1, movements // (LOCATIONS * MOVEMENTS_PER_PAIR))
        new_lots = Lot.objects.bulk_create(
            Lot(item=self.item, lot_number=f"G{number:05d}") for number in range(first, wanted)
        )
        self.lots += new_lots
        spacing = (self.lot_start(1) - self.lot_start(0)) // dt.timedelta(microseconds=1)
        step = LOT_LIFE // MOVEMENTS_PER_PAIR // dt.timedelta(microseconds=1)
        number = f"(({first} + lot) * {MOVEMENTS_PER_PAIR} + move) * {LOCATIONS} + place"
        when = f"p.start + (({first} + lot) * {spacing} + move * {step}) * interval '1 microsecond'"
        receive = "move %% 2 = 0"  # %% in SQL with parameters
        with TriggersOff(connection, [MOVEMENTS]), transaction.atomic():
            insert_select(
                StockMovement,
                {
                    "id": ascending_key(number),
                    "location_id": "p.locations[place + 1]",
                    "lot_id": "p.lots[lot + 1]",
                    "movement_type": f"CASE WHEN {receive} THEN 'receive' ELSE 'issue' END",
                    "direction": f"CASE WHEN {receive} THEN 1 ELSE -1 END",
                    "quantity": f"CASE WHEN {receive} THEN 10 ELSE 3 END",
                    "operation_id": ascending_key(number, prefix="f"),
                    "effective_at": when,
                    "recorded_at": when,
                },
                "FROM generate_series(0, %s) AS lot, generate_series(0, %s) AS move, generate_series(0, %s) AS place, "
                "(SELECT %s::timestamptz AS start, %s::uuid[] AS lots, %s::uuid[] AS locations) AS p",
                [
                    len(new_lots) - 1,
                    MOVEMENTS_PER_PAIR - 1,
                    LOCATIONS - 1,
                    self.start,
                    [lot.pk for lot in new_lots],
                    [location.pk for location in self.locations],
                ],
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {BALANCES} (location_id, lot_id, quantity) SELECT location_id, lot_id, "
                    f"SUM(quantity * direction) FROM {MOVEMENTS} WHERE lot_id = ANY(%s) GROUP BY location_id, lot_id",
                    [[lot.pk for lot in new_lots]],
                )
        analyse(MOVEMENTS, BALANCES)
        if balances_differing_from_movements():
            raise CorrectnessError("growth: stock balance rows differ from the movements")

    def reads(self, size: int) -> list[tuple[str, Callable[[], Any], Callable[[], Any], str]]:
        from django_stock.selectors import balance

        lot, place = self.lots[-1], self.locations[3]
        as_of = self.lot_start(len(self.lots) - 1) + LOT_LIFE / 2
        raw = raw_query(
            f"SELECT SUM(quantity * direction) FROM {MOVEMENTS} WHERE location_id = %s AND lot_id = %s "
            "AND effective_at <= %s",
            [place.pk, lot.pk, as_of],
        )
        if balance(place, lot, as_of=as_of) != raw()[0][0]:
            raise CorrectnessError(f"growth: a stock balance as of a time at {size:,} movements differs")
        name = "stock `balance(location, lot, as_of=…)`, the newest lot"
        return [(name, lambda: balance(place, lot, as_of=as_of), raw, "")]


# --- the audit log -----------------------------------------------------------------------------------------


class Audit:
    def __init__(self, start: dt.datetime) -> None:
        self.start = start
        self.entries = 0
        self.head = "0" * 64

    def grow(self, entries: int) -> None:
        from django.db import connection, transaction

        from django_audit_log.chain import hashed_content
        from django_audit_log.encoding import canonical_json
        from django_audit_log.models import AuditLog

        loader = Loader(
            AuditLog,
            connection,
            AUDIT_FIELDS,
        )
        first = self.entries
        keys = ascending_uuids(entries - first)
        step = dt.timedelta(days=400) / LARGEST
        sensitivity = AuditLog._meta.get_field("sensitivity").get_default()

        def rows() -> Iterator[tuple[Any, ...]]:
            for offset, sequence in enumerate(range(first + 1, entries + 1)):
                when = self.start + step * sequence
                prev_hash = self.head
                content = hashed_content(
                    keys[offset], sequence, when, when, "update", "shop.order", str(sequence), f"Order {sequence}",
                    None, "", CHANGES, {}, None, "", "", sensitivity, prev_hash,
                )  # fmt: skip
                self.head = hashlib.sha256(canonical_json(content).encode()).hexdigest()
                yield loader.row(
                    keys[offset], when, when, "update", "shop.order", str(sequence), f"Order {sequence}",
                    CHANGES_JSON, "{}", sequence, prev_hash, self.head,
                )  # fmt: skip

        with TriggersOff(connection, [AUDIT]), transaction.atomic():
            bulk_write(connection, loader, rows())
        self.entries = entries
        analyse(AUDIT)

    def verify(self, size: int) -> tuple[float, float]:
        """Seconds ``verify_chain`` takes, and the memory its process grew by meanwhile, in MiB."""
        from django_audit_log import verify_chain

        gc.collect()
        baseline = _memory("VmRSS")
        with open("/proc/self/clear_refs", "w") as clear:  # resets the peak (VmHWM) to the current size
            clear.write("5")
        began = time.perf_counter()
        report = verify_chain()
        seconds = time.perf_counter() - began
        grown = max(0, _memory("VmHWM") - baseline) / 1024  # the peak is never below the start
        if not report.ok or report.checked != size or report.head_hash != self.head:
            raise CorrectnessError(f"growth: verify_chain at {size:,} entries: {report}")
        return seconds, grown


def _memory(key: str) -> int:
    """A figure of this process from /proc/self/status, in KiB."""
    with open("/proc/self/status") as status:
        match = re.search(rf"^{key}:\s+(\d+) kB", status.read(), re.MULTILINE)
    assert match, key
    return int(match.group(1))


# --- the run -----------------------------------------------------------------------------------------------


def run(context: Context) -> list[Row]:
    if context.database != POSTGRES:
        return []
    from django.utils import timezone

    start = history_start(timezone.now())
    ledger, stock, audit = Ledger(start), Stock(start), Audit(start)
    rows: list[Row] = []
    timings: dict[str, dict[int, float]] = {}
    for size in sizes(context):
        spent = []
        for table in (ledger, stock, audit):
            began = time.perf_counter()
            table.grow(size)
            spent.append(f"{type(table).__name__.lower()} {time.perf_counter() - began:.0f} s")
        progress(f"{size:,} rows in each table, loaded and checked: {', '.join(spent)}")
        for name, ours, raw, share in [*ledger.reads(size), *stock.reads(size)]:
            medians = timed({"ours": ours, "raw": raw})
            timings.setdefault(name, {})[size] = medians["ours"]
            covers = {"half": f"{size // 2:,} on the account", "all": f"{size:,}", "": ""}[share]
            rows.append(
                Row(
                    area=AREA,
                    name=f"{name}, {size:,} rows",
                    database=context.database,
                    ours=medians["ours"],
                    other=medians["raw"],
                    other_name="raw SQL over every row it covers" + (f" ({covers})" if covers else ""),
                )
            )
        seconds, grown = audit.verify(size)
        rows.append(
            Row(
                area=AREA,
                name=f"`verify_chain()`, {size:,} entries",
                database=context.database,
                ours=seconds * 1000.0,
                note=f"{size / seconds:,.0f} entries/s; the process grew by {grown:.1f} MiB meanwhile",
                extra={"grown_mib": grown},
            )
        )
    measured = sizes(context)
    if len(measured) >= 2:
        smaller, larger = measured[-2], measured[-1]
        for name, by_size in timings.items():
            rows.append(
                Row(
                    area=AREA,
                    name=f"{name}: {larger:,} rows beside {smaller:,}",
                    database=context.database,
                    ours=by_size[larger],
                    other=by_size[smaller],
                    other_name=f"the same at {smaller:,} rows",
                    target=AS_OF_TARGET if "as_of" in name and larger == LARGEST else None,
                )
            )
    return rows


def explain(rows: list[Row]) -> str:
    verifications = [row for row in rows if row.name.startswith("`verify_chain")]
    memory = ", ".join(f"{row.extra['grown_mib']:.1f}" for row in verifications)
    lines = [
        "The ledger's reads start from the newest closing (`close_books`, a `ClosingBalance` per account at the",
        "end of every month) and add the entries after it: their cost follows the entries since the last close,",
        "not the history. The database keeps the closings true: a closing row must equal the previous one plus",
        "the entries between them, and no entry can be posted at or before an account's `closed_through`, so a",
        "closing stays the sum of everything before it, whoever writes SQL. The raw column sums every entry,",
        "as the package did before closings. A stock balance as of a time reads the movements of one lot at one",
        "location through the index `(location, lot, effective_at)`: a lot's life is bounded, so the cost does",
        "not follow the number of lots. `verify_chain()` must read and hash every entry: its time grows with the",
        "chain, its memory does not (it streams the entries through a server-side cursor, 2,000 at a time).",
    ]
    if memory:
        lines.append(f"The verification process grew by {memory} MiB at the sizes above, in order.")
    if not any(LARGEST_LABEL in row.name for row in rows):
        lines.append("This run stopped at 1,000,000 rows; `nox -s bench -- --scale` adds 10,000,000.")
    return "\n".join(lines)


LARGEST_LABEL = f"{LARGEST:,} rows"
