"""Exactly-once under real concurrency: threads with their own PostgreSQL connections."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection

from django_decisioning import IdempotencyInProgress, idempotent
from django_decisioning.models import IdempotencyKey
from tests.testapp.models import Account, Payment

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


def run_in_threads(target, count: int) -> tuple[list, list[threading.Thread]]:
    outcomes: list = [None] * count
    barrier = threading.Barrier(count)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            outcomes[index] = target()
        except Exception as exc:  # collected and asserted on by the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    return outcomes, threads


def test_eight_concurrent_calls_with_one_key_make_exactly_one_effect():
    account = Account.objects.create(name="main")
    entered, release = threading.Event(), threading.Event()
    runs = []

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        runs.append(threading.get_ident())
        payment = Payment.objects.create(account=account, amount=Decimal("10.00"))
        entered.set()
        release.wait(PATIENCE)
        return payment

    outcomes, threads = run_in_threads(pay, WORKERS)
    assert entered.wait(PATIENCE)
    waiting = wait_for_waiters(WORKERS - 1)
    release.set()
    for thread in threads:
        thread.join()

    assert waiting >= WORKERS - 1, f"only {waiting} duplicates were blocked while the first call ran"
    assert len(runs) == 1
    payment = Payment.objects.get()
    assert all(outcome == payment for outcome in outcomes), outcomes
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.SUCCEEDED


def test_concurrent_duplicates_of_a_failing_first_call_run_it_once_more_and_share_that_result():
    account = Account.objects.create(name="main")
    entered, release = threading.Event(), threading.Event()
    runs = []

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        runs.append(threading.get_ident())
        payment = Payment.objects.create(account=account, amount=Decimal("10.00"))
        if len(runs) == 1:
            entered.set()
            release.wait(PATIENCE)
            raise RuntimeError("first attempt failed")
        return payment

    outcomes, threads = run_in_threads(pay, WORKERS)
    assert entered.wait(PATIENCE)
    waiting = wait_for_waiters(WORKERS - 1)
    release.set()
    for thread in threads:
        thread.join()

    assert waiting >= WORKERS - 1, f"only {waiting} duplicates were blocked while the first call ran"
    assert len(runs) == 2
    payment = Payment.objects.get()
    failures = [o for o in outcomes if isinstance(o, RuntimeError)]
    results = [o for o in outcomes if not isinstance(o, RuntimeError)]
    assert len(failures) == 1
    assert results == [payment] * (WORKERS - 1), outcomes
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.SUCCEEDED


def test_duplicate_waiting_longer_than_the_lock_timeout_gets_in_progress(settings):
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(milliseconds=50)
    entered, release = threading.Event(), threading.Event()
    runs = []

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        runs.append(1)
        payment = Payment.objects.create(amount=Decimal("10.00"))
        entered.set()
        release.wait(PATIENCE)
        return payment

    first, first_threads = run_in_threads(pay, 1)
    assert entered.wait(PATIENCE)
    duplicate, duplicate_threads = run_in_threads(pay, 1)
    duplicate_threads[0].join()
    release.set()
    first_threads[0].join()

    assert isinstance(duplicate[0], IdempotencyInProgress), duplicate
    assert (duplicate[0].scope, duplicate[0].key) == ("pay", "same-request")
    assert first == [Payment.objects.get()]
    assert pay() == first[0]
    assert len(runs) == 1


def test_lock_timeout_applies_to_the_key_only_not_to_the_work_of_the_call(settings):
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(milliseconds=50)
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        outside = cursor.fetchone()[0]

    @idempotent(scope="probe", key_from=lambda: "k")
    def probe():
        with connection.cursor() as cursor:
            cursor.execute("SHOW lock_timeout")
            return cursor.fetchone()[0]

    assert probe() == outside


def test_concurrent_calls_with_different_keys_each_run():
    counter = iter(range(WORKERS))
    lock = threading.Lock()

    def next_key():
        with lock:
            return f"request-{next(counter)}"

    @idempotent(scope="pay", key_from=lambda key: key)
    def pay(key):
        return Payment.objects.create(amount=Decimal("1.00"))

    outcomes, threads = run_in_threads(lambda: pay(next_key()), WORKERS)
    for thread in threads:
        thread.join()
    assert all(isinstance(outcome, Payment) for outcome in outcomes), outcomes
    assert Payment.objects.count() == WORKERS
