"""Real concurrent connections on PostgreSQL and MariaDB/MySQL: one effect per idempotency key, one
reversal, one account per code, no late entries, and rules that see what other transactions committed
since the writer's snapshot."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone

from django_basemodels.testing import (
    hold_in_transaction,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_basemodels.transactions import is_deadlock
from django_ledger import (
    AlreadyReversedError,
    EntrySpec,
    ImmutableTransactionError,
    InvalidAccountError,
    UnbalancedTransactionError,
)
from django_ledger.models import Account, Entry, Transaction
from django_ledger.selectors import get_balance
from django_ledger.services import open_account, post_transaction, reverse_transaction
from django_money import Money
from tests.conftest import ISOLATION_LEVELS, at_isolation_level, isolation_level_id

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

WORKERS = 8


@pytest.fixture(autouse=True, params=ISOLATION_LEVELS, ids=isolation_level_id)
def isolation_level(request):
    """Django's connections, the threads' included, at the isolation level of the parameter."""
    with at_isolation_level(request.param) as level:
        yield level


@pytest.fixture
def accounts():
    return (
        open_account(code="1000", name="Cash", account_type="asset", currency="USD"),
        open_account(code="4000", name="Sales", account_type="revenue", currency="USD"),
    )


def test_eight_concurrent_postings_with_one_key_make_one_transaction(accounts, isolation_level):
    cash, sales = accounts
    outcomes = run_concurrently(
        lambda: post_transaction(
            entries=[EntrySpec.debit(cash, Decimal("10")), EntrySpec.credit(sales, Decimal("10"))],
            description="Sale",
            idempotency_key="checkout-42",
        ),
        workers=WORKERS,
    )
    assert Transaction.objects.count() == 1
    if isolation_level == "repeatable read":
        pytest.skip(
            "one transaction is posted, but at REPEATABLE READ a duplicate call re-fetches it in its own older "
            "snapshot and django_decisioning.run_idempotent raises StoredResultUnavailable instead of returning "
            "it; at READ COMMITTED, Django's default, every caller gets it"
        )
    assert {outcome.pk for outcome in outcomes} == {Transaction.objects.get().pk}


def test_eight_concurrent_postings_to_the_same_accounts_all_post(accounts):
    """Each posting share-locks the entries it sums and the accounts its entries point at: no caller
    meets a deadlock or a lock timeout, and every amount lands."""
    cash, sales = accounts
    outcomes = run_concurrently(
        lambda: post_transaction(
            entries=[EntrySpec.debit(cash, Decimal("10")), EntrySpec.credit(sales, Decimal("10"))],
            description="Sale",
        ),
        workers=WORKERS,
    )
    assert all(isinstance(outcome, Transaction) for outcome in outcomes), outcomes
    assert get_balance(cash) == Money(10 * WORKERS, "USD")
    assert get_balance(sales) == Money(10 * WORKERS, "USD")


def test_eight_concurrent_openings_of_one_code_make_one_account(db):
    outcomes = run_concurrently(
        lambda: open_account(code="1000", name="Cash", account_type="asset", currency="USD"), workers=WORKERS
    )
    assert Account.objects.count() == 1
    assert sum(isinstance(outcome, Account) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, InvalidAccountError) for outcome in outcomes) == WORKERS - 1, outcomes


def test_eight_concurrent_reversals_of_one_transaction_make_one_reversal(accounts):
    cash, sales = accounts
    sale = post_transaction(entries=[EntrySpec.debit(cash, 10), EntrySpec.credit(sales, 10)], description="Sale")
    outcomes = run_concurrently(lambda: reverse_transaction(sale, reason="Returned"), workers=WORKERS)
    assert Transaction.objects.filter(reverses=sale).count() == 1
    assert sum(isinstance(outcome, AlreadyReversedError) for outcome in outcomes) == WORKERS - 1


@pytest.fixture
def balanced_draft(accounts):
    cash, sales = accounts
    draft = Transaction.objects.create(description="Draft")
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("5"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=sales, amount=Decimal("5"), entry_type="credit")
    return draft


def db_id(value):
    return Entry._meta.pk.get_db_prep_value(value, connection)


def post(draft_pk):
    draft = Transaction.objects.get(pk=draft_pk)
    draft.posted_at = timezone.now()
    draft.save()
    return draft


def late_entry(draft_pk, account):
    return Entry.objects.create(transaction_id=draft_pk, account=account, amount=Decimal("1"), entry_type="debit")


def test_a_posting_waits_for_a_concurrent_late_entry_and_then_refuses_the_imbalance(balanced_draft, accounts):
    cash, _ = accounts
    adding, release, adder = hold_in_transaction(lambda: late_entry(balanced_draft.pk, cash))
    posting, poster = start_concurrently([lambda: post(balanced_draft.pk)])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([adder, *poster])
    assert waiting >= 1, "the posting did not wait for the transaction adding an entry"
    assert isinstance(adding[0], Entry)
    assert isinstance(posting[0], UnbalancedTransactionError)
    assert Transaction.objects.get(pk=balanced_draft.pk).posted_at is None


def test_a_late_entry_waits_for_a_concurrent_posting_and_is_then_refused(balanced_draft, accounts):
    cash, _ = accounts
    posting, release, poster = hold_in_transaction(lambda: post(balanced_draft.pk))
    adding, adder = start_concurrently([lambda: late_entry(balanced_draft.pk, cash)])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([poster, *adder])
    assert waiting >= 1
    assert isinstance(posting[0], Transaction)
    assert isinstance(adding[0], ImmutableTransactionError)
    assert Entry.objects.filter(transaction_id=balanced_draft.pk).count() == 2


def test_a_raw_late_insert_waits_for_a_concurrent_posting_and_is_then_refused_by_the_trigger(balanced_draft, accounts):
    cash, _ = accounts

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_ledger_entry (id, transaction_id, account_id, entry_type, amount, currency, "
                "source_id) VALUES (%s, %s, %s, 'debit', 1, 'USD', '')",
                [db_id(uuid.uuid4()), db_id(balanced_draft.pk), db_id(cash.pk)],
            )

    posting, release, poster = hold_in_transaction(lambda: post(balanced_draft.pk))
    adding, adder = start_concurrently([raw_insert])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([poster, *adder])
    assert waiting >= 1
    assert isinstance(posting[0], Transaction)
    assert isinstance(adding[0], IntegrityError)
    assert Entry.objects.filter(transaction_id=balanced_draft.pk).count() == 2


def raw_update_of_the_debit(draft_pk, amount):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE django_ledger_entry SET amount = %s WHERE transaction_id = %s AND entry_type = 'debit'",
            [amount, db_id(draft_pk)],
        )


def test_a_posting_waits_for_a_concurrent_raw_update_of_an_entry_and_then_refuses_the_imbalance(balanced_draft):
    """The raw update's trigger share-locks the transaction row, which the posting locks first."""
    updating, release, updater = hold_in_transaction(lambda: raw_update_of_the_debit(balanced_draft.pk, 6))
    posting, poster = start_concurrently([lambda: post(balanced_draft.pk)])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads([updater, *poster])
    assert waiting >= 1
    assert updating == [None]
    assert isinstance(posting[0], UnbalancedTransactionError)
    assert Transaction.objects.get(pk=balanced_draft.pk).posted_at is None


def test_a_raw_update_of_an_entry_racing_a_raw_posting_leaves_a_consistent_ledger(balanced_draft):
    """Raw SQL that updates an entry locks the entry, then (its trigger) the transaction row: the
    order opposite to a posting's, so a posting that holds the transaction row meanwhile deadlocks
    with it. The database rolls one of the two back; the other commits, and never an unbalanced
    posting. The services and models lock the transaction row first, so they never meet this."""
    now = db_time(timezone.now())
    with another_transaction() as poster:
        lock = "SELECT posted_at FROM django_ledger_transaction WHERE id = %s FOR UPDATE"
        execute(poster, lock, [db_id(balanced_draft.pk)])
        updating, updater = start_concurrently([lambda: raw_update_of_the_debit(balanced_draft.pk, 6)])
        waiting = wait_for_lock_waiters(1)
        try:
            execute(
                poster,
                "UPDATE django_ledger_transaction SET posted_at = %s, effective_at = %s WHERE id = %s",
                [now, now, db_id(balanced_draft.pk)],
            )
            poster.commit()
            posting = None
        except DatabaseError as exc:
            posting = exc
            poster.rollback()
        join_threads(updater)
    assert waiting >= 1
    outcomes = [posting, updating[0]]
    assert sum(outcome is None for outcome in outcomes) == 1, outcomes  # one commits,
    assert sum(is_deadlock(outcome) for outcome in outcomes if outcome is not None) == 1, outcomes  # one is the victim
    stored = Transaction.objects.get(pk=balanced_draft.pk)
    amounts = sorted(Entry.objects.filter(transaction=stored).values_list("amount", flat=True))
    if posting is None:
        assert stored.posted_at is not None and amounts == [Decimal("5"), Decimal("5")]
    else:
        assert stored.posted_at is None and amounts == [Decimal("5"), Decimal("6")]


# -- A write sees what other transactions committed since it began ------------------------------------
# Each test reads first on a second connection, commits a change on the test's connection, then writes
# on the second: the database must judge the write on the change. On MariaDB/MySQL the second
# connection runs at REPEATABLE READ, the server's default (Django's own connections ask for READ
# COMMITTED): its reads keep the snapshot of its first read, so the rules must read under lock, which
# sees the latest committed rows. PostgreSQL runs at READ COMMITTED, a snapshot per statement.


@contextmanager
def another_transaction() -> Iterator:
    """A second connection to the test database, in a transaction rolled back at the end."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    if other.vendor == "mysql":
        other.settings_dict = {**other.settings_dict, "OPTIONS": {"isolation_level": "repeatable read"}}
    other.set_autocommit(False)
    try:
        yield other
    finally:
        other.rollback()
        other.close()


def execute(on, sql, params=()):
    with on.cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall()) if cursor.description else cursor.rowcount


def db_time(value):
    return connection.ops.adapt_datetimefield_value(value)


def test_the_second_connection_keeps_its_snapshot_where_the_server_does(balanced_draft, accounts):
    """What the tests below rely on: the write on the second connection comes after a read whose
    snapshot misses the committed change (on MariaDB/MySQL), or not (on PostgreSQL)."""
    cash, _ = accounts
    entries_of_draft = "SELECT count(*) FROM django_ledger_entry WHERE transaction_id = %s"
    with another_transaction() as other:
        assert execute(other, entries_of_draft, [db_id(balanced_draft.pk)])[0][0] == 2
        late_entry(balanced_draft.pk, cash)
        seen = execute(other, entries_of_draft, [db_id(balanced_draft.pk)])[0][0]
    assert seen == (2 if connection.vendor == "mysql" else 3)


def test_a_raw_posting_counts_an_entry_committed_after_its_snapshot(balanced_draft, accounts):
    cash, _ = accounts
    entries_of_draft = "SELECT count(*) FROM django_ledger_entry WHERE transaction_id = %s"
    now = db_time(timezone.now())
    with another_transaction() as other:
        assert execute(other, entries_of_draft, [db_id(balanced_draft.pk)])[0][0] == 2
        late_entry(balanced_draft.pk, cash)  # committed: the draft no longer balances
        with pytest.raises(IntegrityError, match="does not balance"):
            execute(
                other,
                "UPDATE django_ledger_transaction SET posted_at = %s, effective_at = %s WHERE id = %s",
                [now, now, db_id(balanced_draft.pk)],
            )
    assert Transaction.objects.get(pk=balanced_draft.pk).posted_at is None


ENTRY_WRITES = {
    "insert": (
        "INSERT INTO django_ledger_entry (id, transaction_id, account_id, entry_type, amount, currency, source_id) "
        "SELECT %s, transaction_id, account_id, 'debit', 1, currency, '' FROM django_ledger_entry "
        "WHERE transaction_id = %s AND entry_type = 'debit'",
        "is posted: no entry can be added",
    ),
    "update": (
        "UPDATE django_ledger_entry SET amount = 1 WHERE transaction_id = %s",
        "belongs to (a )?posted transaction",
    ),
    "delete": ("DELETE FROM django_ledger_entry WHERE transaction_id = %s", "belongs to (a )?posted transaction"),
}


@pytest.mark.parametrize("write", list(ENTRY_WRITES))
def test_a_raw_entry_write_sees_a_posting_committed_after_its_snapshot(write, balanced_draft):
    sql, refusal = ENTRY_WRITES[write]
    params = [db_id(uuid.uuid4())] if write == "insert" else []
    with another_transaction() as other:
        posted_at = "SELECT posted_at FROM django_ledger_transaction WHERE id = %s"
        assert execute(other, posted_at, [db_id(balanced_draft.pk)]) == [(None,)]
        post(balanced_draft.pk)  # committed
        with pytest.raises(IntegrityError, match=refusal):
            execute(other, sql, [*params, db_id(balanced_draft.pk)])
    assert sorted(Entry.objects.filter(transaction_id=balanced_draft.pk).values_list("amount", flat=True)) == [
        Decimal("5"),
        Decimal("5"),
    ]


def test_a_raw_change_of_an_account_type_sees_an_entry_committed_after_its_snapshot(balanced_draft):
    spare = open_account(code="1900", name="Spare", account_type="asset", currency="USD")
    entries_of_spare = "SELECT count(*) FROM django_ledger_entry WHERE account_id = %s"
    with another_transaction() as other:
        assert execute(other, entries_of_spare, [db_id(spare.pk)])[0][0] == 0
        late_entry(balanced_draft.pk, spare)  # committed: the account has an entry
        with pytest.raises(IntegrityError, match="has entries: its type is fixed"):
            execute(other, "UPDATE django_ledger_account SET account_type = 'expense' WHERE id = %s", [db_id(spare.pk)])
    assert Account.objects.get(pk=spare.pk).account_type == "asset"


# -- A deadlock victim runs again -------------------------------------------------------------------
# A second connection locks the account a reversal's entries point at, then the transaction being
# reversed, which the reversal locked first: a deadlock. It has updated more rows than the reversal,
# so MariaDB/MySQL rolls the reversal back (the victim is the transaction with the least to undo);
# PostgreSQL rolls back the first to wait, the reversal too. The service runs again when it owns the
# transaction (waiting then for the second connection to commit), and lets the error through inside
# a caller's transaction, which the deadlock rolled back.


def deadlock_a_reversal(reverse, cash, sale):
    for index in range(20):
        open_account(code=f"19{index:02}", name="Spare", account_type="asset", currency="USD")
    with another_transaction() as other:
        execute(other, "UPDATE django_ledger_account SET name = 'Busy' WHERE id <> %s", [db_id(cash.pk)])
        execute(other, "SELECT id FROM django_ledger_account WHERE id = %s FOR UPDATE", [db_id(cash.pk)])
        reversing, reverser = start_concurrently([reverse])
        waiting = wait_for_lock_waiters(1)  # the reversal holds the sale and waits for the account
        locked = execute(other, "SELECT id FROM django_ledger_transaction WHERE id = %s FOR UPDATE", [db_id(sale.pk)])
        other.commit()
        join_threads(reverser)
    assert waiting >= 1
    assert len(locked) == 1  # the second connection was not the victim: the reversal was
    return reversing[0]


@pytest.mark.parametrize("key", [None, "refund-1"], ids=["without-key", "with-key"])
def test_a_reversal_chosen_as_a_deadlock_victim_runs_again(key, accounts):
    cash, sales = accounts
    sale = post_transaction(entries=[EntrySpec.debit(cash, 10), EntrySpec.credit(sales, 10)], description="Sale")
    outcome = deadlock_a_reversal(lambda: reverse_transaction(sale, reason="Returned", idempotency_key=key), cash, sale)
    assert isinstance(outcome, Transaction), outcome
    assert Transaction.objects.get(reverses=sale) == outcome
    assert get_balance(cash) == Money(0, "USD")


@pytest.mark.parametrize("key", [None, "refund-1"], ids=["without-key", "with-key"])
def test_inside_a_callers_transaction_the_deadlock_reaches_the_caller(key, accounts):
    cash, sales = accounts
    sale = post_transaction(entries=[EntrySpec.debit(cash, 10), EntrySpec.credit(sales, 10)], description="Sale")

    def reverse_in_a_transaction():
        with transaction.atomic():
            return reverse_transaction(sale, reason="Returned", idempotency_key=key)

    outcome = deadlock_a_reversal(reverse_in_a_transaction, cash, sale)
    assert isinstance(outcome, DatabaseError) and is_deadlock(outcome), outcome
    assert not Transaction.objects.filter(reverses=sale).exists()
