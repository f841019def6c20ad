"""Exactly-once under real concurrency: threads with their own PostgreSQL connections."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from django_basemodels.testing import (
    PATIENCE,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_decisioning import IdempotencyInProgress, idempotent
from django_decisioning.models import IdempotencyKey
from tests.testapp.models import Account, Payment

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 8


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

    outcomes, threads = start_concurrently(pay, workers=WORKERS)
    assert entered.wait(PATIENCE)
    waiting = wait_for_lock_waiters(WORKERS - 1)
    release.set()
    join_threads(threads)

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

    outcomes, threads = start_concurrently(pay, workers=WORKERS)
    assert entered.wait(PATIENCE)
    waiting = wait_for_lock_waiters(WORKERS - 1)
    release.set()
    join_threads(threads)

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

    first, first_threads = start_concurrently([pay])
    assert entered.wait(PATIENCE)
    duplicate, duplicate_threads = start_concurrently([pay])
    join_threads(duplicate_threads)
    release.set()
    join_threads(first_threads)

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

    outcomes = run_concurrently(lambda: pay(next_key()), workers=WORKERS)
    assert all(isinstance(outcome, Payment) for outcome in outcomes), outcomes
    assert Payment.objects.count() == WORKERS
