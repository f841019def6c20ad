"""Concurrent writers on a database server (PostgreSQL, MariaDB): real threads, each with its own connection."""

import itertools
import threading

import pytest
from django.db import connection, transaction

from django_audit_log import log_event, verify_chain
from django_audit_log.models import AuditLog, ChainLock
from django_basemodels.testing import hold_in_transaction, start_concurrently, wait_for_lock_waiters
from tests.testapp.models import Customer

pytestmark = [pytest.mark.server, pytest.mark.usefixtures("autocommit_db")]

THREADS = 8
WRITES_PER_THREAD = 25


def _run_in_threads(work):
    barrier = threading.Barrier(THREADS)
    errors = []

    def runner(number):
        try:
            barrier.wait()
            for step in range(WRITES_PER_THREAD):
                work(number, step)
        except Exception as error:  # reported by the test below, never swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_never_fork_the_chain(settings):
    settings.AUDIT_LOG_HASH_CHAIN = True
    # The first appends also race to write MariaDB's lock row, which the flush before this test removed.
    assert not ChainLock.objects.exists()

    def work(number, step):
        if number % 2:
            log_event("tick", metadata={"thread": number, "step": step})
        else:
            Customer.objects.create(name=f"{number}-{step}")

    assert _run_in_threads(work) == []
    total = THREADS * WRITES_PER_THREAD
    sequences = list(AuditLog.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert AuditLog.objects.values("prev_hash").distinct().count() == total
    report = verify_chain()
    assert (report.ok, report.checked) == (True, total)


def test_an_append_waits_for_the_transaction_holding_the_head_of_the_chain(settings):
    settings.AUDIT_LOG_HASH_CHAIN = True
    held = hold_in_transaction(lambda: log_event("first"))
    try:
        started = start_concurrently([lambda: log_event("second")])
        # The second append blocks on the chain's lock (advisory on PostgreSQL, ChainLock's row on MariaDB).
        assert wait_for_lock_waiters(1) >= 1
        assert started.outcomes == [None]
    finally:
        held.release.set()
        held.thread.join()
    [second] = started.join()
    assert second.sequence == 2
    assert second.prev_hash == held.outcome[0].entry_hash
    assert verify_chain().ok


@pytest.mark.skipif(
    "connection.vendor != 'mysql'",
    reason="REPEATABLE READ of MariaDB/MySQL (PostgreSQL appends under READ COMMITTED, SQLite has one writer)",
)
def test_under_repeatable_read_an_append_chains_after_the_newest_head(settings):
    """Django runs MariaDB sessions under READ COMMITTED; a project may choose REPEATABLE READ, where a
    transaction reads from the snapshot its first read took. The head is then read with a locking read,
    or this append would take the sequence of the entry committed since its snapshot."""
    settings.AUDIT_LOG_HASH_CHAIN = True
    log_event("first")
    snapshot_taken, other_committed = threading.Event(), threading.Event()

    def append_after_a_read():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")  # the next transaction only
        with transaction.atomic():
            assert AuditLog.objects.count() == 1  # a plain read: the snapshot starts here
            snapshot_taken.set()
            other_committed.wait(30)
            return log_event("third")

    started = start_concurrently([append_after_a_read])
    assert snapshot_taken.wait(30)
    second = log_event("second")
    other_committed.set()
    [third] = started.join()

    assert isinstance(third, AuditLog), third
    assert (second.sequence, third.sequence) == (2, 3)
    assert third.prev_hash == second.entry_hash
    assert verify_chain().ok


def test_concurrent_queryset_updates_record_every_change_once():
    customers = [Customer.objects.create(name="c", visits=0) for _ in range(4)]

    def work(number, step):
        Customer.objects.filter(pk=customers[number % 4].pk).update(name=f"{number}-{step}")

    assert _run_in_threads(work) == []
    updates = AuditLog.objects.filter(action="update", metadata__write="queryset.update")
    assert updates.count() <= THREADS * WRITES_PER_THREAD
    for customer in customers:
        names = [
            (entry.changes["name"]["old"], entry.changes["name"]["new"])
            for entry in updates.filter(object_id=customer.pk.hex).order_by("recorded_at", "id")
        ]
        # Each recorded old value is the new value of the update before it: no lost or doubled change.
        assert all(previous[1] == current[0] for previous, current in itertools.pairwise(names))
        assert names[-1][1] == Customer.objects.get(pk=customer.pk).name
