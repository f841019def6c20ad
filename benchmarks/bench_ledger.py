"""Ledger: balances over 1,000,000 bulk-loaded entries, and posting beside a bulk insert of entry rows.

The data: 100 accounts in one currency, 500,000 posted two-entry transactions spread over two years,
so 1,000,000 entries and about 10,000 on each account. It is bulk-loaded (PostgreSQL ``COPY``, SQLite
``executemany``, MariaDB ``LOAD DATA``, in one transaction), bypassing the services, with the
ledger's triggers switched off for the load only and switched on again after it; one query then checks
what the triggers would have checked (every transaction posted with at least two entries that balance,
every entry stamped with its transaction's times), after the tables are analysed (PostgreSQL: ``VACUUM
ANALYZE``) as a settled database's would be.

Balances are compared with the limit of performance-targets.md: the same sums read by raw SQL from a
table holding the same entries as signed amounts under a covering index ``(account, effective_at)
INCLUDE (amount)`` (SQLite and MariaDB: the amount as a third key column). On PostgreSQL and MariaDB, when
django-hordak is installed, the same data is copied into its tables and its balances are timed too.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.test import override_settings

from benchmarks.bulk import (
    Loader,
    TriggersOff,
    analyse,
    ascending_uuids,
    bulk_write,
    datetime_converter,
    uuid_converter,
)
from benchmarks.harness import (
    POSTGRES,
    SERVERS,
    Context,
    CorrectnessError,
    Row,
    count_queries,
    installed,
    interleaved,
    progress,
    raw_query,
    sqlite_checkpoint,
)
from django_basemodels.conf import UUID7_FACTORY
from django_basemodels.uuids import new_uuid  # the limits' keys: BASEMODELS_UUID_FACTORY's, as ours

AREA = "Ledger"
PER_DATABASE = True
APPS = ["django_ledger", "hordak"]

ACCOUNTS = 100
START = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
SPAN = dt.timedelta(days=730)
TRANSACTION = "django_ledger_transaction"
ENTRY = "django_ledger_entry"
LIMIT_TABLE = "bench_entry_limit"
SIDES = ("debit", "credit")
BATCH = 1000  # rows per INSERT of the bulk insert that posting is compared with


# --- the data ---------------------------------------------------------------------------------------------


def plan(transactions: int) -> Iterator[tuple[int, dt.datetime, int, int, Decimal]]:
    """(index, effective_at, debit account index, credit account index, amount) of each transaction.

    Account 0 is the one whose balance is read; every account gets about 1/ACCOUNTS of the entries.
    """
    step = SPAN / transactions
    others = ACCOUNTS - 1
    for index in range(transactions):
        effective_at = START + step * index
        if index % (ACCOUNTS // 2) == 0:
            debit, credit = 0, 1 + (index // (ACCOUNTS // 2)) % others
        else:
            debit = 1 + index % others
            credit = 1 + (index * 7 + 3) % others
            if credit == debit:
                credit = 1 + (credit % others)
        amount = Decimal(1 + (index * 7919) % 100_000).scaleb(-2)
        yield index, effective_at, debit, credit, amount


def load(transactions: int, accounts: list[Any]) -> None:
    """Bulk-load ``transactions`` posted two-entry transactions (triggers off for the load), then check them."""
    from django.db import connection, transaction

    from django_ledger.models import Entry, Transaction

    sqlite = connection.vendor == "sqlite"
    txn_loader = Loader(Transaction, connection, ["id", "description", "effective_at", "posted_at", "created_at"])
    entry_loader = Loader(
        Entry,
        connection,
        [
            *("id", "transaction_id", "account_id", "entry_type", "amount", "currency"),
            *("effective_at", "recorded_at", "posted_units"),
        ],
    )
    ops = connection.ops
    key_of, moment = uuid_converter(connection), datetime_converter(connection)
    account_keys = [key_of(account.pk) for account in accounts]
    decimals: dict[Decimal, Any] = {}

    def amount(value: Decimal) -> Any:
        if not sqlite:
            return value
        if value not in decimals:
            decimals[value] = ops.adapt_decimalfield_value(value, 19, 4)
        return decimals[value]

    keys = ascending_uuids(transactions)
    entry_keys = iter(ascending_uuids(2 * transactions))

    def transaction_rows() -> Iterator[tuple[Any, ...]]:
        for index, effective_at, _debit, _credit, _amount in plan(transactions):
            key = key_of(keys[index])
            when = moment(effective_at)
            yield txn_loader.row(key, "bench", when, moment(effective_at + dt.timedelta(hours=1)), when)

    def entry_rows() -> Iterator[tuple[Any, ...]]:
        for index, effective_at, debit, credit, value in plan(transactions):
            key = key_of(keys[index])
            when, posted = moment(effective_at), moment(effective_at + dt.timedelta(hours=1))
            money, units = amount(value), int(value.scaleb(4))
            for account, side, sign in ((debit, "debit", 1), (credit, "credit", -1)):
                entry = next(entry_keys)
                yield entry_loader.row(
                    key_of(entry), key, account_keys[account], side, money, "USD", when, posted, sign * units
                )

    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")  # 1 GB for the load: index pages stay in memory
    began = time.perf_counter()
    with TriggersOff(connection, [TRANSACTION, ENTRY], indexes=True), transaction.atomic():
        bulk_write(connection, txn_loader, transaction_rows())
        bulk_write(connection, entry_loader, entry_rows())
    progress(f"loaded {2 * transactions:,} entries in {time.perf_counter() - began:.0f} s, checking them")
    # Statistics first: InnoDB has none yet for tables filled in bulk, and MariaDB then plans the check's
    # join as a nested loop over a million rows.
    analyse(TRANSACTION, ENTRY)
    check_loaded(connection)


def _units(column: str, vendor: str) -> str:
    # SQLite keeps decimals as floating point: sum whole ten-thousandths, as the ledger's own triggers do.
    return f"CAST(ROUND({column} * 10000) AS INTEGER)" if vendor == "sqlite" else column


def check_loaded(connection: Any) -> None:
    """What the triggers check at posting, for every transaction at once: raise CorrectnessError if any fails."""
    from django_ledger.guarantees import signed_units

    amount = _units("e.amount", connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT t.id FROM {TRANSACTION} t JOIN {ENTRY} e ON e.transaction_id = t.id "
            "WHERE t.posted_at IS NOT NULL GROUP BY t.id, e.currency "
            f"HAVING count(*) < 2 OR sum(CASE WHEN e.entry_type = 'debit' THEN {amount} ELSE -{amount} END) <> 0) bad"
        )
        unbalanced = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT count(*) FROM {ENTRY} e JOIN {TRANSACTION} t ON t.id = e.transaction_id "
            "WHERE t.posted_at IS NOT NULL AND (e.recorded_at IS NULL OR e.recorded_at <> t.posted_at "
            f"OR e.effective_at <> t.effective_at OR e.posted_units <> {signed_units(connection.vendor, 'e.')})"
        )
        unstamped = cursor.fetchone()[0]
    if unbalanced or unstamped:
        raise CorrectnessError(f"bulk load: {unbalanced} unbalanced transaction(s), {unstamped} unstamped entries")


def build_limit_table() -> None:
    """The entries again, as signed amounts, under the covering index performance-targets.md names."""
    from django.db import connection

    vendor = connection.vendor
    with connection.cursor() as cursor:
        columns = {
            "postgresql": "account_id uuid, effective_at timestamptz, amount numeric(19, 4)",
            "mysql": f"account_id {'uuid' if connection.features.has_native_uuid_field else 'char(32)'}, "
            "effective_at datetime(6), amount decimal(19, 4)",
            "sqlite": "account_id char(32), effective_at datetime, amount decimal",
        }[vendor]
        cursor.execute(f"CREATE TABLE {LIMIT_TABLE} ({columns})")
        cursor.execute(
            f"INSERT INTO {LIMIT_TABLE} (account_id, effective_at, amount) "
            f"SELECT account_id, effective_at, CASE WHEN entry_type = 'debit' THEN amount ELSE -amount END "
            f"FROM {ENTRY} WHERE recorded_at IS NOT NULL"
        )
        if vendor == "postgresql":
            cursor.execute(
                f"CREATE INDEX {LIMIT_TABLE}_cover ON {LIMIT_TABLE} (account_id, effective_at) INCLUDE (amount)"
            )
        else:  # no INCLUDE on SQLite and MariaDB: the amount as a third key column
            cursor.execute(f"CREATE INDEX {LIMIT_TABLE}_cover ON {LIMIT_TABLE} (account_id, effective_at, amount)")
    analyse(LIMIT_TABLE)


# --- django-hordak ------------------------------------------------------------------------------------------


# The copy into django-hordak's tables, per dialect: a map of ledger to hordak accounts (filled from Python),
# a map of posted ledger transactions to hordak transaction ids, then INSERT ... SELECT of the transactions
# and of their legs. MariaDB: temporary tables (CREATE TEMPORARY TABLE does not commit there, an index added
# afterwards would), UUID() for the keys, no sequence to set (InnoDB moves the auto-increment counter past
# the largest id inserted), and foreign key and unique checks off for the copy (the references come from
# the checked ledger), which lets InnoDB fill the empty tables in bulk.
HORDAK_COPY = {
    "postgresql": [
        "CREATE TEMP TABLE bench_account_map (ledger_id uuid PRIMARY KEY, hordak_id bigint)",
        "CREATE TEMP TABLE bench_transaction_map AS SELECT id AS ledger_id, "
        "row_number() OVER (ORDER BY effective_at, id) AS hordak_id FROM {TRANSACTION} WHERE posted_at IS NOT NULL",
        "CREATE UNIQUE INDEX ON bench_transaction_map (ledger_id)",
        "INSERT INTO {txn_table} (id, uuid, timestamp, date, description) "
        "SELECT m.hordak_id, gen_random_uuid(), t.posted_at, (t.effective_at AT TIME ZONE 'UTC')::date, t.description "
        "FROM bench_transaction_map m JOIN {TRANSACTION} t ON t.id = m.ledger_id",
        "SELECT setval(pg_get_serial_sequence('{txn_table}', 'id'), (SELECT max(id) FROM {txn_table}))",
        "INSERT INTO {leg_table} (uuid, transaction_id, account_id, credit, debit, currency, description) "
        "SELECT gen_random_uuid(), m.hordak_id, a.hordak_id, "
        "CASE WHEN e.entry_type = 'credit' THEN e.amount END, CASE WHEN e.entry_type = 'debit' THEN e.amount END, "
        "e.currency, '' "
        "FROM {ENTRY} e JOIN bench_transaction_map m ON m.ledger_id = e.transaction_id "
        "JOIN bench_account_map a ON a.ledger_id = e.account_id WHERE e.recorded_at IS NOT NULL",
    ],
    "mysql": [
        "CREATE TEMPORARY TABLE bench_account_map (ledger_id {key_type} PRIMARY KEY, hordak_id bigint)",
        "SET SESSION foreign_key_checks = 0, unique_checks = 0",
        "CREATE TEMPORARY TABLE bench_transaction_map (ledger_id {key_type} PRIMARY KEY, hordak_id bigint) "
        "SELECT id AS ledger_id, row_number() OVER (ORDER BY effective_at, id) AS hordak_id "
        "FROM {TRANSACTION} WHERE posted_at IS NOT NULL",
        "INSERT INTO {txn_table} (id, uuid, timestamp, date, description) "
        "SELECT m.hordak_id, UUID(), t.posted_at, DATE(t.effective_at), t.description "  # stored in UTC there
        "FROM bench_transaction_map m JOIN {TRANSACTION} t ON t.id = m.ledger_id",
        "INSERT INTO {leg_table} (uuid, transaction_id, account_id, credit, debit, currency, description) "
        "SELECT UUID(), m.hordak_id, a.hordak_id, "
        "CASE WHEN e.entry_type = 'credit' THEN e.amount END, CASE WHEN e.entry_type = 'debit' THEN e.amount END, "
        "e.currency, '' "
        "FROM {ENTRY} e JOIN bench_transaction_map m ON m.ledger_id = e.transaction_id "
        "JOIN bench_account_map a ON a.ledger_id = e.account_id WHERE e.recorded_at IS NOT NULL",
        "SET SESSION foreign_key_checks = 1, unique_checks = 1",
    ],
}


def load_hordak(accounts: list[Any]) -> dict[Any, Any]:
    """Copy the posted ledger into django-hordak's tables (PostgreSQL, MariaDB); return its account per ours.

    Accounts through hordak's ORM (its tree fields), transactions and legs by INSERT ... SELECT with its
    triggers off for the load, then checked: every hordak transaction balances.
    """
    from django.db import connection, transaction
    from hordak.models import Account as HordakAccount
    from hordak.models import Leg as HordakLeg
    from hordak.models import Transaction as HordakTransaction

    kinds = {"asset": "AS", "liability": "LI", "equity": "EQ", "revenue": "IN", "expense": "EX"}
    theirs = {}
    for number, account in enumerate(accounts):
        theirs[account.pk] = HordakAccount.objects.create(
            name=account.name, code=f"{number:04d}", type=kinds[account.account_type], currencies=["USD"]
        )
    leg_table, txn_table = HordakLeg._meta.db_table, HordakTransaction._meta.db_table
    account_table = HordakAccount._meta.db_table
    key_of = uuid_converter(connection)
    names = {
        "TRANSACTION": TRANSACTION,
        "ENTRY": ENTRY,
        "txn_table": txn_table,
        "leg_table": leg_table,
        "key_type": "uuid" if getattr(connection.features, "has_native_uuid_field", False) else "char(32)",
    }
    statements = [statement.format(**names) for statement in HORDAK_COPY[connection.vendor]]
    with TriggersOff(connection, [leg_table, txn_table]), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statements[0])  # the account map
        cursor.executemany(
            "INSERT INTO bench_account_map VALUES (%s, %s)", [(key_of(pk), their.pk) for pk, their in theirs.items()]
        )
        try:
            for statement in statements[1:]:
                cursor.execute(statement)
        finally:
            if connection.vendor == "mysql":
                cursor.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT transaction_id FROM {leg_table} GROUP BY transaction_id, currency "
            "HAVING count(*) < 2 OR sum(coalesce(debit, 0)) <> sum(coalesce(credit, 0))) bad"
        )
        if cursor.fetchone()[0]:
            raise CorrectnessError("django-hordak copy: unbalanced transactions")
    analyse(account_table, txn_table, leg_table)
    return theirs


# --- the benchmark ----------------------------------------------------------------------------------------------


def run(context: Context) -> list[Row]:
    from django.db import connection

    from django_ledger.querysets import (
        BEGINNING,
        balance_parameters,
        balance_sql,
        trial_balance_parameters,
        trial_balance_sql,
    )
    from django_ledger.selectors import balances, get_balance, trial_balance
    from django_ledger.services import open_account

    database = context.database
    db_key = uuid_converter(connection)
    transactions = context.scale(500_000, 5_000)
    kinds = ["asset", "liability", "equity", "revenue", "expense"]
    accounts = [
        open_account(code=f"{1000 + number}", name=f"Account {number}", account_type=kinds[number % 5], currency="USD")
        for number in range(ACCOUNTS)
    ]
    began = time.perf_counter()
    load(transactions, accounts)
    progress(f"loaded, analysed and checked {2 * transactions:,} entries in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    build_limit_table()
    progress(f"limit table built in {time.perf_counter() - began:.0f} s")
    entries = 2 * transactions
    target = accounts[0]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {ENTRY} WHERE account_id = %s",
            [db_key(target.pk)],
        )
        on_target = cursor.fetchone()[0]
    middle = (START + SPAN / 2).date()
    as_of = dt.datetime.combine(middle, dt.time.max, tzinfo=dt.timezone.utc)  # the end of a day, as hordak's dates
    as_of_param = as_of if database == POSTGRES else connection.ops.adapt_datetimefield_value(as_of)
    target_key = db_key(target.pk)
    some = accounts[:10]
    some_keys = [db_key(account.pk) for account in some]
    marks = ", ".join(["%s"] * len(some_keys))
    limit_balance = f"SELECT SUM(amount) FROM {LIMIT_TABLE} WHERE account_id = %s"
    limit_grouped = f"SELECT account_id, SUM(amount) FROM {LIMIT_TABLE} WHERE account_id IN ({marks})"
    limit_trial = (
        f"SELECT account_id, SUM(CASE WHEN amount > 0 THEN amount ELSE 0 END), "
        f"SUM(CASE WHEN amount < 0 THEN -amount ELSE 0 END) FROM {LIMIT_TABLE}"
    )

    # correctness first: ours agrees with the raw sums
    for when, sql, params in (
        (None, limit_balance, [target_key]),
        (as_of, limit_balance + " AND effective_at <= %s", [target_key, as_of_param]),
    ):
        raw_sum = Decimal(str(raw_query(sql, params)()[0][0])).quantize(Decimal("0.0001"))
        ours_sum = get_balance(target, as_of=when).amount
        if ours_sum != raw_sum:
            raise CorrectnessError(f"get_balance(as_of={when}) = {ours_sum}, raw SUM = {raw_sum}")
    if not trial_balance().is_balanced or not trial_balance(as_of=as_of).is_balanced:
        raise CorrectnessError("trial balance of the loaded ledger does not balance")
    debits_sql = f"SELECT account_id, SUM(amount) FROM {LIMIT_TABLE} WHERE amount > 0 GROUP BY account_id"
    raw_debits = {uuid.UUID(str(key)): total for key, total in raw_query(debits_sql, [])()}
    for row in trial_balance().rows:
        expected = Decimal(str(raw_debits.get(row.account.pk, 0))).quantize(Decimal("0.0001"))
        if row.debits.amount != expected:
            raise CorrectnessError(f"trial balance: account {row.account.code} debits {row.debits}, raw SUM {expected}")

    def compare(
        name: str, ours: Callable[[], Any], theirs: Callable[[], Any], other_name: str, *, rounds: int, repeat: int
    ) -> tuple[float, float]:
        samples = interleaved({"ours": ours, "theirs": theirs}, rounds=rounds, repeat=repeat)
        return statistics.median(samples["ours"]) * 1000, statistics.median(samples["theirs"]) * 1000

    fast = {"rounds": context.scale(300, 30), "repeat": 1}
    medium = {"rounds": context.scale(30, 5), "repeat": 1}
    slow = {"rounds": context.scale(7, 2), "repeat": 1}
    limit = "limit: raw SQL `SUM` over the covering index"
    trial_target = 2.0 if connection.vendor == "sqlite" else None  # the target, set for SQLite
    rows: list[Row] = []
    reads = [
        (
            f"`get_balance(account)`, ~{on_target:,} entries on the account",
            lambda: get_balance(target),
            raw_query(limit_balance, [target_key]),
            1.5,
            fast,
        ),
        (
            "`get_balance(account, as_of=…)`, half of them",
            lambda: get_balance(target, as_of=as_of),
            raw_query(limit_balance + " AND effective_at <= %s", [target_key, as_of_param]),
            1.5,
            fast,
        ),
        (
            f"`balances()` of {len(some)} accounts",
            lambda: balances(some),
            raw_query(limit_grouped + " GROUP BY account_id", some_keys),
            None,
            slow,
        ),
        (
            f"`balances()` of {len(some)} accounts, `as_of`",
            lambda: balances(some, as_of=as_of),
            raw_query(limit_grouped + " AND effective_at <= %s GROUP BY account_id", [*some_keys, as_of_param]),
            None,
            slow,
        ),
        (
            f"`trial_balance()`, all {ACCOUNTS} accounts",
            lambda: trial_balance(),
            raw_query(limit_trial + " GROUP BY account_id", []),
            trial_target,
            slow,
        ),
        (
            "`trial_balance(as_of=…)`",
            lambda: trial_balance(as_of=as_of),
            raw_query(limit_trial + " WHERE effective_at <= %s GROUP BY account_id", [as_of_param]),
            trial_target,
            slow,
        ),
    ]
    # get_balance runs one SQL statement of its own (django_ledger.querysets.balance_sql): timing that
    # statement through a raw cursor too splits the gap to the limit into SQL and Python.
    quote = connection.ops.quote_name
    beginning = datetime_converter(connection)(BEGINNING)
    own_sql: dict[tuple[str, bool], Callable[[], Any]] = {  # (the service, with as_of)
        ("get_balance", False): raw_query(
            balance_sql(connection.vendor, quote, as_of=False, known_at=False, from_closing=False),
            balance_parameters(normal_side="debit", account=target_key, beginning=beginning, from_closing=False),
        ),
        ("get_balance", True): raw_query(
            balance_sql(connection.vendor, quote, as_of=True, known_at=False, from_closing=False),
            balance_parameters(
                normal_side="debit", account=target_key, as_of=as_of_param, beginning=beginning, from_closing=False
            ),
        ),
    }
    # A profile of that statement over the whole account: the bare SUM of its column over ours' index (what
    # the index's width costs beside the limit's), then the rest of the statement.
    profile_steps = {
        "sum": raw_query(f"SELECT SUM(posted_units) FROM {ENTRY} WHERE account_id = %s", [target_key]),
    }
    # trial_balance runs one statement too (django_ledger.querysets.trial_balance_sql), timed the same way.
    for flag in (False, True):
        times = [as_of_param] if flag else []
        own_sql[("trial_balance", flag)] = raw_query(
            trial_balance_sql(connection.vendor, quote, as_of=flag, known_at=False, one_org=False),
            trial_balance_parameters(connection.vendor, times=times),
        )
    for name, ours, theirs, target_ratio, sizes in reads:
        note, extra = "", {}
        service = name[1:].partition("(")[0]  # `get_balance(account)` -> get_balance
        if (service, False) in own_sql:
            sql_alone = own_sql[(service, "as_of" in name)]
            operations = {"ours": ours, "sql": sql_alone, "theirs": theirs}
            if service == "get_balance" and "as_of" not in name:
                operations.update(profile_steps)
            samples = interleaved(operations, **sizes)
            ours_ms, sql_ms, their_ms = (statistics.median(samples[key]) * 1000 for key in ("ours", "sql", "theirs"))
            note = f"ours' SQL alone, through a raw cursor: {sql_ms:.3f} ms"
            extra = {"sql_ms": sql_ms}
            extra.update(
                {f"{step}_ms": statistics.median(samples[step]) * 1000 for step in profile_steps if step in samples}
            )
        else:
            ours_ms, their_ms = compare(name, ours, theirs, limit, **sizes)
        rows.append(
            Row(
                area=AREA,
                name=name,
                database=database,
                ours=ours_ms,
                other=their_ms,
                other_name=limit,
                unit="ms",
                target=target_ratio,
                note=note,
                extra=extra,
            )
        )

    hordak_status = "not installed"
    if installed("hordak"):
        began = time.perf_counter()
        theirs = load_hordak(accounts)
        progress(f"copied into django-hordak in {time.perf_counter() - began:.0f} s")
        their_target = theirs[target.pk]
        hordak_status = "measured"
        # same figures from both, as a check that they read the same data
        their_value = their_target.get_balance(as_of=middle)["USD"].amount
        if abs(their_value) != abs(get_balance(target, as_of=as_of).amount):
            raise CorrectnessError(f"django-hordak's balance {their_value} differs from ours")
        from hordak.models import Account as HordakAccount

        every = list(accounts)
        for name, ours, peer, sizes in (
            (
                "`get_balance(account)` vs hordak `Account.get_balance()`",
                lambda: get_balance(target),
                their_target.get_balance,
                medium,
            ),
            (
                "`get_balance(account, as_of=…)` vs hordak `get_balance(as_of=date)`",
                lambda: get_balance(target, as_of=as_of),
                lambda: their_target.get_balance(as_of=middle),
                medium,
            ),
            (
                f"`balances()` of all {ACCOUNTS} accounts vs hordak `Account.objects.with_balances()`",
                lambda: balances(every),
                lambda: list(HordakAccount.objects.with_balances()),
                slow,
            ),
        ):
            ours_ms, their_ms = compare(name, ours, peer, "django-hordak", **sizes)
            rows.append(
                Row(
                    area=AREA,
                    name=name,
                    database=database,
                    ours=ours_ms,
                    other=their_ms,
                    other_name="django-hordak",
                    unit="ms",
                )
            )
    elif database in SERVERS:
        hordak_status = "not installed in this environment"
    else:
        hordak_status = "not measured, its migrations need PostgreSQL or MySQL"

    # posting, on the loaded ledger, beside a bulk insert of entry rows, raw SQL and django-hordak
    rows += posting(context, accounts, theirs if hordak_status == "measured" else None)
    if not trial_balance().is_balanced:
        raise CorrectnessError("trial balance after posting does not balance")
    for row in rows:
        row.extra.update({"entries": entries, "on_target": on_target, "hordak": hordak_status})
    return rows


def posting(context: Context, accounts: list[Any], theirs: dict[Any, Any] | None) -> list[Row]:
    """Per-entry cost of ``post_transaction`` (2 and 20 entries) and ``post_transactions`` beside inserting entry
    rows in bulk; a 2-entry ``post_transaction`` beside the same posting in raw SQL and beside django-hordak's."""
    from django.db import connection, transaction
    from django.utils import timezone

    from django_ledger import EntrySpec
    from django_ledger.models import Entry, Transaction
    from django_ledger.services import post_transaction, post_transactions

    key_of = uuid_converter(connection)
    rounds = context.scale(5, 2)
    bulk_rows = context.scale(10_000, 1_000)
    pairs = context.scale(100, 20)
    imported = context.scale(500, 50)  # transactions per post_transactions call: 1,000 entries, as one bulk INSERT
    wide = context.scale(10, 2)
    amount = Decimal("12.34")
    entry_loader = Loader(Entry, connection, ["id", "transaction_id", "account_id", "entry_type", "amount", "currency"])
    draft = Transaction.objects.create(description="bulk insert of entry rows (a draft)")
    draft_key = key_of(draft.pk)
    account_keys = [key_of(account.pk) for account in accounts]
    money = connection.ops.adapt_decimalfield_value(amount, 19, 4) if connection.vendor == "sqlite" else amount
    counter = iter(range(10**9))

    def two() -> None:
        n = next(counter)
        post_transaction(
            entries=[EntrySpec.debit(accounts[n % 50], amount), EntrySpec.credit(accounts[50 + n % 50], amount)],
            description="bench",
        )

    def twenty() -> None:
        n = next(counter)
        legs = [EntrySpec.debit(accounts[(n + k) % 50], amount) for k in range(10)]
        legs += [EntrySpec.credit(accounts[50 + (n + k) % 50], amount) for k in range(10)]
        post_transaction(entries=legs, description="bench")

    def two_in_one_atomic() -> None:
        with transaction.atomic():
            for _ in range(pairs):
                two()

    def two_in_one_call() -> None:
        n = next(counter)
        posted = post_transactions(
            transactions=[
                {
                    "entries": [
                        EntrySpec.debit(accounts[(n + k) % 50], amount),
                        EntrySpec.credit(accounts[50 + (n + k) % 50], amount),
                    ],
                    "description": "bench",
                }
                for k in range(imported)
            ]
        )
        if len(posted) != imported or any(txn.posted_at is None for txn in posted):
            raise CorrectnessError(f"post_transactions returned {len(posted)} transactions, not {imported} posted ones")

    # The same 2-entry posting in raw SQL: the same rows (a draft, its entries in one INSERT, the posting
    # UPDATE whose triggers check the balance and stamp the entries), the same guarantees, one commit.
    quote = connection.ops.quote_name
    txn_columns = ("id", "description", "metadata", "effective_at", "created_at", "reason")
    entry_columns = (
        "id",
        "transaction_id",
        "account_id",
        "entry_type",
        "amount",
        "currency",
        "effective_at",
        "source_id",
    )
    raw_insert_txn = (
        f"INSERT INTO {TRANSACTION} ({', '.join(map(quote, txn_columns))}) VALUES ({', '.join(['%s'] * 6)})"
    )
    entry_marks = "(" + ", ".join(["%s"] * len(entry_columns)) + ")"
    raw_insert_entries = (
        f"INSERT INTO {ENTRY} ({', '.join(map(quote, entry_columns))}) VALUES {entry_marks}, {entry_marks}"
    )
    raw_post = f"UPDATE {TRANSACTION} SET posted_at = %s WHERE id = %s"
    moment = datetime_converter(connection)

    def raw_two() -> None:
        n = next(counter)
        now = moment(timezone.now())
        key = key_of(new_uuid())
        statements = [
            (raw_insert_txn, [key, "bench", "{}", now, now, ""]),
            (
                raw_insert_entries,
                [
                    *(key_of(new_uuid()), key, account_keys[n % 50], "debit", money, "USD", now, ""),
                    *(key_of(new_uuid()), key, account_keys[50 + n % 50], "credit", money, "USD", now, ""),
                ],
            ),
            (raw_post, [now, key]),
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # one round trip, as the ledger sends them there
                cursor.execute(
                    ";\n".join(sql for sql, _ in statements), [v for _, params in statements for v in params]
                )
            else:
                for sql, params in statements:
                    cursor.execute(sql, params)

    sql_phases: dict[str, list[float]] = {"drafts": [], "entries": [], "posting": [], "commit": []}

    def raw_many() -> None:
        # What post_transactions sends, in raw SQL: the drafts, their entries and the posting UPDATE as
        # multi-row statements of at most BATCH rows, in one atomic(): its SQL alone, without its Python.
        n = next(counter)
        now = moment(timezone.now())
        keys = [key_of(new_uuid()) for _ in range(imported)]
        entries = []
        for k, key in enumerate(keys):
            entries.append((key_of(new_uuid()), key, account_keys[(n + k) % 50], "debit", money, "USD", now, ""))
            entries.append((key_of(new_uuid()), key, account_keys[50 + (n + k) % 50], "credit", money, "USD", now, ""))
        txn_marks = "(" + ", ".join(["%s"] * len(txn_columns)) + ")"
        # Each phase is timed on its own: the profile of the batch service's SQL in the report.
        began = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for first in range(0, imported, BATCH):
                chunk = keys[first : first + BATCH]
                cursor.execute(
                    f"INSERT INTO {TRANSACTION} ({', '.join(map(quote, txn_columns))}) VALUES "
                    + ", ".join([txn_marks] * len(chunk)),
                    [value for key in chunk for value in (key, "bench", "{}", now, now, "")],
                )
            drafted = time.perf_counter()
            for first in range(0, len(entries), BATCH):
                rows = entries[first : first + BATCH]
                cursor.execute(
                    f"INSERT INTO {ENTRY} ({', '.join(map(quote, entry_columns))}) VALUES "
                    + ", ".join([entry_marks] * len(rows)),
                    [value for row in rows for value in row],
                )
            inserted = time.perf_counter()
            for first in range(0, imported, BATCH):
                chunk = keys[first : first + BATCH]
                cursor.execute(
                    f"UPDATE {TRANSACTION} SET posted_at = %s WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                    [now, *chunk],
                )
            posted = time.perf_counter()
        committed = time.perf_counter()
        for phase, seconds in (
            ("drafts", drafted - began),
            ("entries", inserted - drafted),
            ("posting", posted - inserted),
            ("commit", committed - posted),
        ):
            sql_phases[phase].append(seconds / len(entries) * 1e6)

    hordak_pairs = []
    if theirs is not None:
        from moneyed import Money as HordakMoney

        hordak_amount = HordakMoney(amount, "USD")
        hordak_pairs = [(theirs[accounts[50 + k].pk], theirs[accounts[k].pk]) for k in range(50)]

    def hordak_two() -> None:
        # hordak's own posting: a transaction and its two legs (credit, debit) in one atomic(), one commit
        n = next(counter)
        credit, debit = hordak_pairs[n % 50]
        credit.transfer_to(debit, hordak_amount, description="bench")

    def bulk() -> None:
        # Multi-row INSERTs of BATCH rows each, in one transaction: how a bulk insert writes rows.
        rows = [
            entry_loader.row(
                key_of(new_uuid()),
                draft_key,
                account_keys[k % ACCOUNTS],
                SIDES[k % 2],
                money,
                "USD",
            )
            for k in range(bulk_rows)
        ]
        row_marks = "(" + ", ".join(["%s"] * len(entry_loader.columns)) + ")"
        with transaction.atomic(), connection.cursor() as cursor:
            for first in range(0, len(rows), BATCH):
                batch = rows[first : first + BATCH]
                cursor.execute(
                    f"INSERT INTO {entry_loader.table} ({', '.join(entry_loader.columns)}) VALUES "
                    + ", ".join([row_marks] * len(batch)),
                    [value for row in batch for value in row],
                )

    operations = {
        "two": (lambda: [two() for _ in range(pairs)], 2 * pairs),
        "twenty": (lambda: [twenty() for _ in range(wide)], 20 * wide),
        "batched": (two_in_one_atomic, 2 * pairs),
        "many": (two_in_one_call, 2 * imported),
        "raw": (lambda: [raw_two() for _ in range(pairs)], 2 * pairs),
        "many_sql": (raw_many, 2 * imported),
        "bulk": (bulk, bulk_rows),
        "many_uuid7": (with_uuid7_keys(two_in_one_call), 2 * imported),
        "bulk_uuid7": (with_uuid7_keys(bulk), bulk_rows),
    }
    if hordak_pairs:
        operations["hordak"] = (lambda: [hordak_two() for _ in range(pairs)], 2 * pairs)
    before = posted_count(connection)
    statements = {
        "two": count_queries(two),
        "twenty": count_queries(twenty),
        "many": count_queries(two_in_one_call),
        "raw": count_queries(raw_two),
    }
    with transaction.atomic():
        statements["batched"] = count_queries(two)  # inside an outer atomic(): savepoints
    raw_many()
    if posted_count(connection) != before + 4 + 2 * imported:
        raise CorrectnessError("posting: the raw-SQL posting or a service did not post what it was given")
    samples = interleaved(
        {name: call for name, (call, _) in operations.items()}, rounds=rounds, before_each=sqlite_checkpoint
    )
    per_entry = {name: statistics.median(samples[name]) / size * 1e6 for name, (_, size) in operations.items()}
    limit = f"limit: bulk insert of entry rows ({BATCH} per `INSERT`, one transaction)"
    single = "posting a 2-entry transaction, one commit"
    extra_rows = [
        Row(
            area=AREA,
            name=f"{single} (µs per posting)",
            database=context.database,
            ours=per_entry["two"] * 2,
            other=per_entry["raw"] * 2,
            other_name="limit: the same posting in raw SQL (same rows, triggers and commit)",
            unit="µs",
            target=1.5,
            note=f"{statements['two']} statements per posting, raw SQL {statements['raw']}",
        )
    ]
    if "hordak" in per_entry:
        extra_rows.append(
            Row(
                area=AREA,
                name=f"{single} vs hordak `Account.transfer_to()`",
                database=context.database,
                ours=1e6 / (per_entry["two"] * 2),
                other=1e6 / (per_entry["hordak"] * 2),
                other_name="django-hordak",
                unit="postings/s",
                higher_is_better=True,
                target=1.0 if context.database == POSTGRES else None,
            )
        )
    return (
        extra_rows
        + [
            Row(
                area=AREA,
                name=name,
                database=context.database,
                ours=per_entry[key],
                other=per_entry["bulk"],
                other_name=limit,
                unit="µs/entry",
                # The bulk insert is the target of the batch service; a single posting's is the raw-SQL row.
                target=3.0 if key == "many" else None,
                extra=(
                    {"sql_us": per_entry["many_sql"]}
                    | {f"{phase}_us": statistics.median(times) for phase, times in sql_phases.items()}
                    if key == "many"
                    else {}
                ),
                note=(
                    f"{1e6 / per_entry[key]:,.0f} entries/s, {statements[key]} statements per"
                    f" {'call' if key == 'many' else 'posting'};"
                    f" the bulk insert {1e6 / per_entry['bulk']:,.0f} rows/s"
                    + (
                        f"; its SQL alone, through a raw cursor: {per_entry['many_sql']:.1f} µs/entry"
                        if key == "many"
                        else ""
                    )
                ),
            )
            for key, name in (
                ("two", "posting 2-entry transactions, one commit each"),
                ("twenty", "posting 20-entry transactions, one commit each"),
                ("batched", f"posting 2-entry transactions, {pairs} in one `atomic()`"),
                ("many", f"`post_transactions` of {imported} 2-entry transactions, one call"),
            )
        ]
        + [
            Row(
                area=AREA,
                name=f"`post_transactions` of {imported} 2-entry transactions, one call, with UUIDv7 keys",
                database=context.database,
                ours=per_entry["many_uuid7"],
                other=per_entry["bulk_uuid7"],
                other_name=f"{limit}, with UUIDv7 keys",
                unit="µs/entry",
                note=(
                    f"{1e6 / per_entry['many_uuid7']:,.0f} entries/s, against {1e6 / per_entry['many']:,.0f} with"
                    f" uuid4 keys; the bulk insert {1e6 / per_entry['bulk_uuid7']:,.0f} rows/s"
                ),
            )
        ]
    )


def with_uuid7_keys(operation: Callable[[], None]) -> Callable[[], None]:
    """``operation`` with new keys from ``django_basemodels.uuids.uuid7`` (``BASEMODELS_UUID_FACTORY``)."""

    def call() -> None:
        with override_settings(BASEMODELS_UUID_FACTORY=UUID7_FACTORY):
            operation()

    return call


def posted_count(connection: Any) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TRANSACTION} WHERE posted_at IS NOT NULL")
        return cursor.fetchone()[0]


# Why trial_balance() trails the raw GROUP BY, per database, from each one's plan of the query.
TRIAL_BALANCE_PLAN = {
    "SQLite": "SQLite scans the covering index in `account_id` order and sums as it goes (`SCAN e USING COVERING"
    " INDEX` in its plan, no temporary B-tree for the grouping), as the raw query does, over a wider index entry;"
    " per row it also looks up the account's latest closing (none here, still a probe per row) and filters posted"
    " entries. It sums `posted_units` and their absolute values, from which both sides follow exactly (no amount"
    " converted, no `entry_type` read). Then it builds 100 accounts and 200 `Money`.",
    "PostgreSQL": "PostgreSQL reads one range of the index per account (`LATERAL`, each range starting after the"
    " account's latest closing); its `CASE` per row reads `entry_type` from a wider index entry than the raw"
    " table's signed amounts, and the result builds 100 accounts and 200 `Money`.",
    "MariaDB": "MariaDB sums the entries per `account_id` from the covering index, as the raw query does, then"
    " joins the 100 accounts; per row it evaluates a `CASE` on `entry_type` over a wider index entry.",
}


def sql_share(row: Row) -> float:
    """The part of the gap between ours and the limit that ours' SQL alone accounts for."""
    gap = (row.ours or 0) - (row.other or 0)
    return ((row.extra.get("sql_ms", 0) - (row.other or 0)) / gap) if gap > 0 else 0.0


def posting_profile(row: Row) -> str:
    """Where the batch service's SQL spends its time per entry, phase by phase, timed beside ``row``."""
    phases = row.extra
    if not {"drafts_us", "entries_us", "posting_us", "commit_us"} <= phases.keys() or not row.other:
        return ""
    beyond = phases["drafts_us"] + phases["posting_us"] + phases["commit_us"]
    return (
        f". Its profile, per entry: the drafts' `INSERT` {phases['drafts_us']:.1f} µs; the entries' `INSERT`"
        f" {phases['entries_us']:.1f} µs (the bulk insert writes the same rows into the same table, its commit"
        f" included, at {row.other:.1f}); the posting `UPDATE` {phases['posting_us']:.1f} µs (per transaction the"
        " balance check, then each entry stamped: its second write, through the entry trigger); the commit"
        f" {phases['commit_us']:.1f} µs. "
        + (
            "So the entries cost what a bulk insert of them does; "
            if phases["entries_us"] <= 1.2 * row.other
            else f"The entries' own insert is {phases['entries_us'] / row.other:.1f}x the bulk insert; "
        )
        + f"the drafts, the posting and the commit ({beyond:.1f} µs per entry together) are what the batch pays"
        " beyond it"
        + (
            "; inserting entries already stamped would need the balance check deferred to the commit, which"
            " SQLite's triggers cannot do"
            if row.database == "SQLite"
            else ""
        )
    )


def balance_profile(row: Row) -> str:
    """Where ours' balance spends the time the limit does not, from the profile timed beside ``row``."""
    steps = row.extra
    if not {"sum_ms", "sql_ms"} <= steps.keys() or not row.ours or not row.other:
        return ""
    parts = [
        (
            "the bare `SUM(posted_units)` over ours' covering index, whose entries are wider than the limit's"
            " (six columns and the key, against three)",
            steps["sum_ms"] - row.other,
        ),
        ("the rest of ours' SQL (the sign of the normal side)", steps["sql_ms"] - steps["sum_ms"]),
        ("the Python around the one query (`Money`, parameters)", row.ours - steps["sql_ms"]),
    ]
    gap = row.ours - row.other
    return (
        f"  - Profile on {row.database}, timed in turns with the limit ({row.other:.3f} ms) in this run: "
        + "; ".join(f"{what} {ms:+.3f} ms ({ms / gap:.0%} of the gap)" for what, ms in parts)
        + "."
    )


def python_share(sql_us: float, ours_us: float) -> str:
    """What the service's Python adds to its statements, per entry (nothing to tell apart from noise: said so)."""
    if sql_us >= ours_us * 0.98:
        return (
            f"; its statements alone take as long as the call itself ({ours_us:.1f} µs per entry): the Python of"
            " the service (validation, rows, the returned transactions) is within the noise of this measure."
        )
    return (
        "; the Python of the service (validation, rows, the returned transactions) is the other"
        f" {1 - sql_us / ours_us:.0%} of its {ours_us:.1f} µs per entry."
    )


def explain(rows: list[Row]) -> str:
    entries = max((row.extra.get("entries", 0) for row in rows), default=0)
    on_target = max((row.extra.get("on_target", 0) for row in rows), default=0)
    batched = next((row.name for row in rows if "`atomic()`" in row.name), "")
    hordak = {row.database: row.extra.get("hordak", "") for row in rows}
    missed = [row for row in rows if row.verdict == "missed"]
    trial = [
        row
        for row in rows
        if row.name.startswith("`trial_balance") and (row.verdict == "missed" or (row.ratio or 0) > 3)
    ]
    text = [
        f"The ledger holds {entries:,} posted entries: 100 accounts in USD, two-entry transactions over two",
        f"years, about {on_target:,} entries on each account. They are bulk-loaded, not posted through the services:",
        "PostgreSQL `COPY`, SQLite `executemany`, MariaDB `LOAD DATA LOCAL INFILE` (foreign key and unique",
        "checks off), in one transaction, with the ledger's triggers switched off for the",
        "load only (PostgreSQL `ALTER TABLE … DISABLE TRIGGER USER`; SQLite: triggers and indexes dropped and",
        "re-created from their own SQL; MariaDB, which cannot disable a trigger either: triggers dropped and",
        "re-created from `SHOW CREATE TRIGGER`). Then `VACUUM ANALYZE` (PostgreSQL), `ANALYZE` (SQLite) or",
        "`ANALYZE TABLE` (MariaDB), as on a settled database, and one query checking what the triggers would",
        "have checked: every transaction posted with at least two entries balancing per currency, every entry",
        "stamped with its transaction's times and signed ten-thousandths. Before timing, `get_balance` is",
        "checked against the raw sums and the trial balance against zero.",
        "",
        "The limit is what performance-targets.md describes: the same entries, as signed amounts, in a table",
        "with the covering index `(account, effective_at) INCLUDE (amount)` (SQLite and MariaDB, which have no",
        "`INCLUDE`: `amount` as a third key column), read by a raw `SUM` from the same Python process. Ours",
        "runs one query over its own covering index `(account, effective_at, recorded_at, entry_type,",
        "amount, posted_units)`: the bare `SUM` of `posted_units`, each entry's amount in whole",
        "ten-thousandths, negative on the credit side, written by the posting (0 while a draft) and kept true",
        "by the database, so the sum is exact on SQLite too; then it builds a `Money`. PostgreSQL and MariaDB",
        "also filter posted entries (`recorded_at IS NOT NULL`, a condition on the index), which skips the",
        "draft versions the posting's stamp leaves in the index until vacuum, without reading their rows.",
        "The target (within 1.5x of the covering-index figure) is set for `get_balance`.",
        "",
        "Posting: `post_transaction` with 2 and with 20 entries, each call its own database transaction and",
        f"commit, and {batched.removeprefix('posting ') or 'batched postings'}, against a bulk insert of entry",
        "rows into the same table (its indexes and its insert trigger), 1,000 rows per multi-row `INSERT`, in one",
        "transaction. The unit is µs per entry. A posting inserts the transaction as a draft, its entries in",
        "one multi-row `INSERT` (each row through the insert trigger), then posts with one `UPDATE` whose",
        "triggers check the balance and stamp every entry (an `UPDATE` of each entry row, through the entry",
        "trigger again): each entry is written twice, through a trigger each time, and each call commits. The",
        "three statements are built as SQL strings (`django_ledger.services.writing`), not by the ORM; on",
        "PostgreSQL they go in one query string, one round trip. Inside an outer `atomic()` each posting's own",
        "`BEGIN`/`COMMIT` become `SAVEPOINT`/`RELEASE`: no commit, but as many round trips. These rows have no",
        "target of their own: a single posting's is the raw-SQL row below, a bulk insert's pace is the batch",
        "service's target.",
        "`post_transactions` posts many transactions in one call and one database transaction: one multi-row",
        "`INSERT` of the drafts, one of all their entries and one `UPDATE` posting them all (per 1,000 rows at",
        "most), the same triggers firing per row; it is timed per entry against the bulk insert (target 3x).",
        "The limit of a single posting (target 1.5x) is the same 2-entry posting written in raw SQL through a",
        "cursor: the same draft, entry rows and posting `UPDATE`, so the same triggers and constraints, in one",
        "`atomic()` with its commit (on PostgreSQL in one query string too, as ours). What separates ours from it",
        "is the Python of the service: validating the legs, the idempotency path, building the parameters and",
        "the returned `Transaction`. The peer row times django-hordak's `Account.transfer_to()` (a transaction",
        "and two legs, its deferred balance trigger, one commit) on the same database, in postings per second",
        "(target: at least as many as hordak on PostgreSQL).",
        "The limit here is the ledger's own entry table with its indexes and trigger, slower to fill than a bare",
        "table (the project's targets quote 36-39k rows/s for one): against a bare table the ratios would be",
        "larger still.",
        "Every row these postings and limits write takes its key from `BASEMODELS_UUID_FACTORY`, uuid4 by",
        "default: each insert lands on a random page of the entries' and transactions' primary keys and of the",
        "entries' transaction index, so a call of the batch service dirties about three pages per entry in a",
        "table of a million, where the bulk insert (one draft) dirties about one. The last row of the table",
        "times both with UUIDv7 keys, as django-basemodels recommends for large tables (its README, UUIDv7",
        "keys): new keys land at the right edge of each key index, and both go faster, the bulk insert most.",
        "On SQLite each sample starts with the write-ahead log copied back and emptied (untimed), so that no",
        "writer pays for the pages another left there.",
        "",
        "django-hordak 2.0 installs with Django 5.2. Its migrations are PostgreSQL/MySQL-only (stored",
        "functions, triggers), so it is measured on PostgreSQL and MariaDB, not on SQLite ("
        + "; ".join(f"{db}: {status}" for db, status in sorted(hordak.items()) if db)
        + ").",
        "The same transactions are copied into its tables (its triggers off during the copy, every",
        "transaction checked balanced after it). Its `Account.get_balance()` reads the account's subtree",
        "(django-mptt), then sums the legs through the ORM; with `as_of` (a date) it joins the transaction",
        "table. Its legs have no covering index for balances.",
    ]
    if missed or trial:
        text += ["", "**Where ours falls short:**", ""]
    balance_rows = [row for row in missed if row.name.startswith("`get_balance")]
    if balance_rows:
        text.append(
            "- "
            + "; ".join(f"{row.name} on {row.database}: {row.ratio:.2f}x" for row in balance_rows)
            + " the limit (target 1.5x). The note beside each row times ours' own SQL through a raw cursor, which"
            " splits the gap: "
            + "; ".join(
                f"{row.database} {'with' if 'as_of' in row.name else 'without'} `as_of`:"
                f" {sql_share(row):.0%} of it in the SQL"
                for row in balance_rows
            )
            + "."
        )
        for row in rows:
            if row.name.startswith("`get_balance(account)`") and row.database in {r.database for r in balance_rows}:
                text.append(balance_profile(row) or "  - (no profile was timed for this row)")
    posting = [row for row in missed if row.name.startswith(("posting", "`post_transactions`"))]
    if posting:
        text.append(
            "- Posting: "
            + "; ".join(f"{row.name} on {row.database} {row.ratio:.2f}x" for row in posting)
            + " (targets: 1.5x the raw-SQL posting, at least django-hordak's rate, 3x the bulk insert per entry for"
            " `post_transactions`). Each entry is written twice through a row trigger (inserted, then stamped by"
            " the posting's `UPDATE`, whose entry trigger runs its checks again), where the bulk insert writes"
            " each row once; the rest is Python per transaction (validating the legs, building the rows and the"
            " returned `Transaction`)."
        )
        for row in posting:
            if "sql_us" in row.extra and row.ours and row.other:
                sql_us = row.extra["sql_us"]
                text.append(
                    f"  - {row.name} on {row.database}: its statements alone, sent through a raw cursor, take"
                    f" {sql_us:.1f} µs per entry, {sql_us / row.other:.1f}x the bulk insert (the entries written"
                    f" twice through their trigger, the balance check per transaction)"
                    + posting_profile(row)
                    + python_share(sql_us, row.ours)
                )
    for database in sorted({row.database for row in trial}):
        slow = [row for row in trial if row.database == database]
        text.append(
            "- "
            + "; ".join(f"{row.name} on {database}: {row.ratio:.1f}x" for row in slow)
            + " the raw `GROUP BY` (target on SQLite: 2x). The query sums the posted entries per account and joins"
            " the accounts to those sums (`django_ledger.querysets.trial_balance_sql`): "
            + TRIAL_BALANCE_PLAN.get(database, "the database sums wider index entries than the raw table's.")
            + " Measured: "
            + "; ".join(
                f"{row.name}: ours {row.ours:.3g} ms, its SQL alone through a raw cursor {row.extra['sql_ms']:.3g} ms,"
                f" the limit {row.other:.3g} ms ({sql_share(row):.0%} of the gap in the SQL)"
                for row in slow
                if "sql_ms" in row.extra and row.ours and row.other
            )
            + "."
        )
    return "\n".join(text)
