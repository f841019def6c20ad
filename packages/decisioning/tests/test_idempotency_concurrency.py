"""Exactly-once under real concurrency: threads with their own connections to PostgreSQL or MariaDB/MySQL."""

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, connections, transaction

from django_basemodels.testing import (
    PATIENCE,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_decisioning import IdempotencyInProgress, idempotent
from django_decisioning.models import IdempotencyKey
from tests.testapp.models import Account, Payment, Receipt

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

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


def lock_wait_setting():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW lock_timeout")
        else:
            cursor.execute("SELECT @@SESSION.innodb_lock_wait_timeout")
        return cursor.fetchone()[0]


def test_a_duplicate_queued_behind_another_gets_in_progress_when_the_lock_timeout_runs_out(settings):
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(milliseconds=50)
    entered, release = threading.Event(), threading.Event()

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        entered.set()
        release.wait(PATIENCE)
        return Payment.objects.create(amount=Decimal("1.00"))

    first, first_threads = start_concurrently([pay])
    assert entered.wait(PATIENCE)
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(seconds=30)
    second, second_threads = start_concurrently([pay])
    try:
        assert wait_for_lock_waiters(1) >= 1
        settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(milliseconds=50)
        started = time.monotonic()
        with pytest.raises(IdempotencyInProgress):
            pay()
        assert time.monotonic() - started < 5
    finally:
        release.set()
        join_threads(first_threads + second_threads)
    assert first == second == [Payment.objects.get()]


def test_lock_timeout_applies_to_the_key_only_not_to_the_work_of_the_call(settings):
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(milliseconds=50)
    outside = lock_wait_setting()

    @idempotent(scope="probe", key_from=lambda: "k")
    def probe():
        return lock_wait_setting()

    assert probe() == outside
    assert lock_wait_setting() == outside


def test_lock_timeout_is_restored_after_a_wait_that_ran_out(settings):
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(milliseconds=50)
    outside = lock_wait_setting()
    entered, release = threading.Event(), threading.Event()

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        entered.set()
        release.wait(PATIENCE)
        return Payment.objects.create(amount=Decimal("1.00"))

    first, first_threads = start_concurrently([pay])
    assert entered.wait(PATIENCE)
    try:
        with pytest.raises(IdempotencyInProgress):
            pay()
        assert lock_wait_setting() == outside
    finally:
        release.set()
        join_threads(first_threads)
    assert isinstance(first[0], Payment)


def test_a_reentrant_call_while_a_duplicate_waits_is_refused_at_once():
    """The owner of a key calling itself again gets ``IdempotencyInProgress`` while a duplicate is
    queued for the key: it does not wait for that duplicate, which waits for the owner."""
    entered, release, reentered = threading.Event(), threading.Event(), []

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        if entered.is_set():
            return Payment.objects.create(amount=Decimal("2.00"))
        entered.set()
        release.wait(PATIENCE)
        try:
            pay()
        except IdempotencyInProgress as exc:
            reentered.append(exc)
        return Payment.objects.create(amount=Decimal("1.00"))

    first, first_threads = start_concurrently([pay])
    assert entered.wait(PATIENCE)
    duplicate, duplicate_threads = start_concurrently([pay])
    waiting = wait_for_lock_waiters(1)
    release.set()
    join_threads(first_threads, timeout=10)
    join_threads(duplicate_threads)

    assert waiting >= 1
    assert len(reentered) == 1
    assert first == duplicate == [Payment.objects.get()]
    assert Payment.objects.get().amount == Decimal("1.00")


def test_keys_differing_only_in_case_are_two_keys_under_concurrency():
    @idempotent(scope="pay", key_from=lambda key: key)
    def pay(key):
        return Payment.objects.create(amount=Decimal("1.00"))

    outcomes = run_concurrently([lambda: pay("Request-1"), lambda: pay("request-1"), lambda: pay("REQUEST-1")])
    assert all(isinstance(outcome, Payment) for outcome in outcomes), outcomes
    assert len({outcome.pk for outcome in outcomes}) == 3
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["REQUEST-1", "Request-1", "request-1"]


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


def test_duplicates_inside_their_callers_transactions_of_a_failing_first_call_do_not_deadlock():
    """Inside a caller's transaction a deadlock could not be retried: the duplicates queue for the key
    (on MariaDB/MySQL, a named lock), so none of them is chosen as a deadlock victim."""
    entered, release = threading.Event(), threading.Event()
    runs = []

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        runs.append(threading.get_ident())
        payment = Payment.objects.create(amount=Decimal("10.00"))
        if len(runs) == 1:
            entered.set()
            release.wait(PATIENCE)
            raise RuntimeError("first attempt failed")
        return payment

    def pay_in_own_transaction():
        with transaction.atomic():
            return pay()

    outcomes, threads = start_concurrently(pay_in_own_transaction, workers=WORKERS)
    assert entered.wait(PATIENCE)
    waiting = wait_for_lock_waiters(WORKERS - 1)
    release.set()
    join_threads(threads)

    assert waiting >= WORKERS - 1
    payment = Payment.objects.get()
    assert [o for o in outcomes if not isinstance(o, RuntimeError)] == [payment] * (WORKERS - 1), outcomes
    assert len(runs) == 2


def test_a_claim_chosen_as_deadlock_victim_is_taken_again(monkeypatch):
    """On MariaDB/MySQL, a transaction that holds a shared lock on a failed key and then updates it
    deadlocks with the claim taking the key back; the claim, which owns its transaction and ran nothing yet, is retried
    (or, where InnoDB aborts the other transaction instead, simply goes on)."""
    if connection.vendor != "mysql":
        pytest.skip("InnoDB's deadlock: PostgreSQL lets the holder of a share lock update the row while another waits")
    from django_decisioning import services as idempotency_services

    key = IdempotencyKey.objects.create(
        scope="pay", key="same-request", state=IdempotencyKey.State.FAILED, error="RuntimeError: earlier"
    )
    claims = []
    claim = idempotency_services._claim

    def counted_claim(*args, **kwargs):
        claims.append(1)
        return claim(*args, **kwargs)

    monkeypatch.setattr(idempotency_services, "_claim", counted_claim)
    shared, conflict, release = threading.Event(), threading.Event(), threading.Event()
    holder_outcome = []

    def holder():
        try:
            with transaction.atomic():
                # Many written rows make this transaction the heavier one, which InnoDB keeps.
                Receipt.objects.bulk_create([Receipt(number=f"r{n}") for n in range(50)])
                list(
                    IdempotencyKey.objects.raw(
                        f"SELECT * FROM {IdempotencyKey._meta.db_table} WHERE id = %s LOCK IN SHARE MODE",
                        [IdempotencyKey._meta.pk.get_db_prep_value(key.pk, connection)],
                    )
                )
                shared.set()
                conflict.wait(PATIENCE)
                IdempotencyKey.objects.filter(pk=key.pk).update(error="RuntimeError: rewritten")
                release.wait(PATIENCE)
            holder_outcome.append("committed")
        except Exception as exc:  # handed to the assertions below
            holder_outcome.append(exc)
        finally:
            shared.set()
            connections.close_all()

    @idempotent(scope="pay", key_from=lambda: "same-request")
    def pay():
        return Payment.objects.create(amount=Decimal("10.00"))

    holder_thread = threading.Thread(target=holder)
    holder_thread.start()
    assert shared.wait(PATIENCE)
    outcome, threads = start_concurrently([pay])
    waiting = wait_for_lock_waiters(1)
    conflict.set()
    # The deadlock is broken either way: the claim retried, or the holder's transaction aborted.
    deadline = time.monotonic() + PATIENCE
    while len(claims) < 2 and not holder_outcome and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    join_threads([holder_thread, *threads])

    assert waiting >= 1
    assert outcome == [Payment.objects.get()]
    deadlocked_holder = bool(holder_outcome) and isinstance(holder_outcome[0], DatabaseError)
    assert len(claims) == 2 or deadlocked_holder, (claims, holder_outcome)
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.SUCCEEDED
