"""Real concurrent connections on PostgreSQL: one effect per idempotency key, one reversal, no late entries."""

from __future__ import annotations

import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_ledger import AlreadyReversed, EntrySpec, ImmutableTransaction, UnbalancedTransaction
from django_ledger.models import Entry, Transaction
from django_ledger.services import open_account, post_transaction, reverse_transaction

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8
# Upper bound on waiting for threads to reach a state; never asserted on, only keeps a broken run from hanging.
PATIENCE = 60


def backends_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_for_waiters(count: int) -> int:
    deadline = time.monotonic() + PATIENCE
    waiting = backends_waiting_on_a_lock()
    while waiting < count and time.monotonic() < deadline:
        time.sleep(0.005)
        waiting = backends_waiting_on_a_lock()
    return waiting


def start(target, *, count: int = 1, barrier: bool = False) -> tuple[list, list[threading.Thread]]:
    """Run ``target`` in ``count`` threads, each with its own connection; outcomes hold results or exceptions."""
    outcomes: list = [None] * count
    gate = threading.Barrier(count) if barrier else None

    def worker(index: int) -> None:
        try:
            if gate is not None:
                gate.wait()
            outcomes[index] = target()
        except Exception as exc:  # collected and asserted on by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return outcomes, threads


def join(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(PATIENCE)


@pytest.fixture
def accounts():
    return (
        open_account(code="1000", name="Cash", account_type="asset", currency="USD"),
        open_account(code="4000", name="Sales", account_type="revenue", currency="USD"),
    )


def test_eight_concurrent_postings_with_one_key_make_one_transaction(accounts):
    cash, sales = accounts
    outcomes, threads = start(
        lambda: post_transaction(
            entries=[EntrySpec.debit(cash, Decimal("10")), EntrySpec.credit(sales, Decimal("10"))],
            description="Sale",
            idempotency_key="checkout-42",
        ),
        count=WORKERS,
        barrier=True,
    )
    join(threads)
    assert Transaction.objects.count() == 1
    assert {outcome.pk for outcome in outcomes} == {Transaction.objects.get().pk}


def test_eight_concurrent_reversals_of_one_transaction_make_one_reversal(accounts):
    cash, sales = accounts
    sale = post_transaction(entries=[EntrySpec.debit(cash, 10), EntrySpec.credit(sales, 10)], description="Sale")
    outcomes, threads = start(lambda: reverse_transaction(sale, reason="Returned"), count=WORKERS, barrier=True)
    join(threads)
    assert Transaction.objects.filter(reverses=sale).count() == 1
    assert sum(isinstance(outcome, AlreadyReversed) for outcome in outcomes) == WORKERS - 1


@pytest.fixture
def balanced_draft(accounts):
    cash, sales = accounts
    draft = Transaction.objects.create(description="Draft")
    Entry.objects.create(transaction=draft, account=cash, amount=Decimal("5"), entry_type="debit")
    Entry.objects.create(transaction=draft, account=sales, amount=Decimal("5"), entry_type="credit")
    return draft


def post(draft_pk):
    draft = Transaction.objects.get(pk=draft_pk)
    draft.posted_at = timezone.now()
    draft.save()
    return draft


def test_a_posting_waits_for_a_concurrent_late_entry_and_then_refuses_the_imbalance(balanced_draft, accounts):
    cash, _ = accounts
    entered, release = threading.Event(), threading.Event()

    def add_late_entry():
        with transaction.atomic():
            Entry.objects.create(
                transaction_id=balanced_draft.pk, account=cash, amount=Decimal("1"), entry_type="debit"
            )
            entered.set()
            release.wait(PATIENCE)

    adding, adder = start(add_late_entry)
    assert entered.wait(PATIENCE)
    posting, poster = start(lambda: post(balanced_draft.pk))
    waiting = wait_for_waiters(1)
    release.set()
    join(adder + poster)
    assert waiting >= 1, "the posting did not wait for the transaction adding an entry"
    assert adding == [None]
    assert isinstance(posting[0], UnbalancedTransaction)
    assert Transaction.objects.get(pk=balanced_draft.pk).posted_at is None


def test_a_late_entry_waits_for_a_concurrent_posting_and_is_then_refused(balanced_draft, accounts):
    cash, _ = accounts
    entered, release = threading.Event(), threading.Event()

    def post_and_hold():
        with transaction.atomic():
            post(balanced_draft.pk)
            entered.set()
            release.wait(PATIENCE)

    posting, poster = start(post_and_hold)
    assert entered.wait(PATIENCE)
    adding, adder = start(
        lambda: Entry.objects.create(
            transaction_id=balanced_draft.pk, account=cash, amount=Decimal("1"), entry_type="debit"
        )
    )
    waiting = wait_for_waiters(1)
    release.set()
    join(poster + adder)
    assert waiting >= 1
    assert posting == [None]
    assert isinstance(adding[0], ImmutableTransaction)
    assert Entry.objects.filter(transaction_id=balanced_draft.pk).count() == 2


def test_a_raw_late_insert_waits_for_a_concurrent_posting_and_is_then_refused_by_the_trigger(balanced_draft, accounts):
    cash, _ = accounts
    entered, release = threading.Event(), threading.Event()

    def post_and_hold():
        with transaction.atomic():
            post(balanced_draft.pk)
            entered.set()
            release.wait(PATIENCE)

    def raw_insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_ledger_entry (id, transaction_id, account_id, entry_type, amount, currency, "
                "source_id) VALUES (%s, %s, %s, 'debit', 1, 'USD', '')",
                [uuid.uuid4(), balanced_draft.pk, cash.pk],
            )

    posting, poster = start(post_and_hold)
    assert entered.wait(PATIENCE)
    adding, adder = start(raw_insert)
    waiting = wait_for_waiters(1)
    release.set()
    join(poster + adder)
    assert waiting >= 1
    assert posting == [None]
    assert isinstance(adding[0], IntegrityError)
    assert Entry.objects.filter(transaction_id=balanced_draft.pk).count() == 2
