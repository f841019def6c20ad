"""Read replicas on PostgreSQL: what a read costs on a hot standby beside the primary, and how long a
commit takes to become visible there.

The standby is the one ``tests/replicas/`` uses: a second cluster on this machine streamed from the
primary with ``pg_basebackup`` (``python -m tests.replicas.standby start``, started here if it is not
running and stopped again after). The benchmark database streams to it like any other. Both servers
share this machine's two cores, so a standby cannot add capacity here: the rows show that a read there
costs what it costs on the primary, and how stale it can be, which is what a site trades for the
capacity of a second server.
"""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

from benchmarks.harness import POSTGRES, Context, CorrectnessError, Row, interleaved, median_ms, progress

AREA = "Read replicas"
PER_DATABASE = True
APPS = ["contenttypes", "auth", "django_decisioning", "django_ledger"]
TARGET = 1.10  # a read on the standby costs what it costs on the primary, within noise


def _standby_alias() -> str:
    from django.db import connections

    from tests.replicas import standby

    connections.settings["replica"] = {**connections["default"].settings_dict, "PORT": standby.STANDBY_PORT}
    return "replica"


def _on(alias: str, sql: str, params: list) -> object:
    from django.db import connections

    def query() -> list[tuple]:
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return query


def run(context: Context) -> list[Row]:
    if context.database != POSTGRES:
        return []
    from tests.replicas import standby

    # Stopped after, when started here: a standby replaying the later benchmarks' writes would weigh on them.
    with standby.running():
        return _measure(context)


def _measure(context: Context) -> list[Row]:
    from django.db import connections
    from django.utils import timezone

    from django_basemodels.replication import wait_for_replica
    from django_ledger import open_account, post_transaction
    from django_ledger.models import Account, Entry
    from django_ledger.querysets import balance_parameters, balance_sql
    from django_money import Money

    replica = _standby_alias()
    accounts = context.scale(20, 4)
    postings = context.scale(2000, 40)
    progress(f"replicas: {postings} postings over {accounts} accounts, then reads on both servers")
    cash = open_account(code="1010", name="Cash", account_type="asset", currency="EUR")
    income = [
        open_account(code=f"4{n:03}", name=f"Sales {n}", account_type="revenue", currency="EUR")
        for n in range(accounts)
    ]
    for n in range(postings):
        amount = Money(Decimal(n % 97 + 1), "EUR")
        post_transaction(
            entries=[
                {"account": cash, "amount": amount, "entry_type": "debit"},
                {"account": income[n % accounts], "amount": amount, "entry_type": "credit"},
            ],
            description="sale",
        )
    wait_for_replica(replica, timeout=120)
    primary = connections["default"]
    as_of = timezone.now()
    balance = balance_sql("postgresql", primary.ops.quote_name, as_of=True, known_at=False, from_closing=False)
    params = balance_parameters(
        normal_side=cash.normal_side.value, account=cash.pk, as_of=as_of, beginning=None, from_closing=False
    )
    trial = (
        f"SELECT account_id, entry_type, SUM(amount) FROM {Entry._meta.db_table} e "
        f"JOIN {Account._meta.db_table} a ON a.id = e.account_id WHERE a.org_key = %s GROUP BY account_id, entry_type"
    )
    rows: list[Row] = []
    rounds = context.scale(300, 5)
    for name, sql, query_params in (
        ("as-of balance of one account (`get_balance` SQL)", balance, params),
        ("trial balance of one organization (GROUP BY)", trial, [""]),
    ):
        on_standby, on_primary = _on(replica, sql, query_params), _on("default", sql, query_params)
        if on_standby() != on_primary():
            raise CorrectnessError(f"replicas: {name} differs on the standby once it caught up")
        samples = interleaved({"standby": on_standby, "primary": on_primary}, rounds=rounds, repeat=5)
        rows.append(
            Row(
                area=AREA,
                name=name,
                database=context.database,
                ours=median_ms(samples["standby"]),
                other=median_ms(samples["primary"]),
                other_name="the same read on the primary",
                target=TARGET,
                note=f"{postings * 2:,} entries",
            )
        )
    lags = []
    for n in range(context.scale(50, 3)):
        posted = post_transaction(
            entries=[
                {"account": cash, "amount": Money("1", "EUR"), "entry_type": "debit"},
                {"account": income[0], "amount": Money("1", "EUR"), "entry_type": "credit"},
            ],
            description=f"lag {n}",
        )
        committed = time.perf_counter()
        while not _on(replica, f"SELECT 1 FROM {posted._meta.db_table} WHERE id = %s", [posted.pk])():
            if time.perf_counter() - committed > 30:
                raise CorrectnessError("replicas: a posting never reached the standby")
            time.sleep(0.0002)
        lags.append(time.perf_counter() - committed)
    rows.append(
        Row(
            area=AREA,
            name="a posting's commit until the standby shows it",
            database=context.database,
            ours=statistics.median(lags) * 1000.0,
            note=f"median of {len(lags)}; the slowest {max(lags) * 1000.0:.1f} ms",
        )
    )
    return rows


def explain(rows: list[Row]) -> str:
    return "\n".join(
        [
            "The same reads, timed in turns on the hot standby and on the primary, once the standby has replayed",
            "everything (the results are compared: a difference stops the run); then the time from a posting's",
            "commit on the primary until a read on the standby finds it (polled every 0.2 ms). Both servers",
            "share this machine's two cores: the rows show what a read on a replica costs and how stale it can",
            "be, not the capacity a replica on its own machine adds. `PrimaryReplicaRouter` sends a read inside",
            "a transaction, a locking read and every write to the primary (docs/scaling.md).",
        ]
    )
