"""Concurrent callers on PostgreSQL and MariaDB, each thread with its own connection."""

import contextlib
import threading

import pytest
from django.db import connection, transaction

from django_sequence import GapPolicy, define_sequence, last_value, next_value
from tests.threads import Caller, run_all, wait_until_one_waits_for_a_lock

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

THREADS = 8
VALUES_PER_THREAD = 250


class Rollback(Exception):
    pass


def take_values(index, scope, start, rollback_every):
    """Take VALUES_PER_THREAD committed values, each in its own transaction; roll some transactions back."""
    start.wait()
    committed, rolled_back = [], []
    attempt = 0
    while len(committed) < VALUES_PER_THREAD:
        attempt += 1
        try:
            with transaction.atomic():
                value = next_value(scope)
                if (attempt + index) % rollback_every == 0:
                    rolled_back.append(value)
                    raise Rollback
        except Rollback:
            continue
        committed.append(value)
    return committed, rolled_back


def test_eight_gapless_threads_with_rollbacks_take_exactly_one_to_two_thousand():
    define_sequence(scope="invoice", gap_policy=GapPolicy.GAPLESS)
    start = threading.Barrier(THREADS)
    results = run_all(take_values, THREADS, "invoice", start, 9)
    committed = [value for taken, _ in results for value in taken]
    rolled_back = [value for _, given_back in results for value in given_back]
    assert sorted(committed) == list(range(1, THREADS * VALUES_PER_THREAD + 1))
    assert len(rolled_back) > THREADS  # rollbacks happened, and their numbers were taken again
    assert last_value("invoice") == THREADS * VALUES_PER_THREAD


def test_eight_allow_gaps_threads_with_rollbacks_hand_out_every_value_once():
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    start = threading.Barrier(THREADS)
    results = run_all(take_values, THREADS, "order", start, 9)
    committed = [value for taken, _ in results for value in taken]
    rolled_back = [value for _, given_back in results for value in given_back]
    handed_out = committed + rolled_back
    assert len(committed) == THREADS * VALUES_PER_THREAD
    assert sorted(handed_out) == list(range(1, len(handed_out) + 1))  # no duplicate, nothing given back
    assert rolled_back
    assert last_value("order") == len(handed_out)


def test_eight_threads_creating_one_new_counter_each_per_org_do_not_collide():
    def take(index, start):
        start.wait()
        return [next_value("order", f"org-{value % 2}") for value in range(50)]

    start = threading.Barrier(THREADS)
    taken = [value for values in run_all(take, THREADS, start) for value in values]
    assert sorted(taken) == sorted(list(range(1, 201)) * 2)


def test_eight_threads_creating_counters_without_an_upsert_returning_do_not_collide(monkeypatch):
    # MySQL's way (the upsert, then a read) on MariaDB, the UPDATE-then-INSERT of older SQLite on
    # PostgreSQL. On InnoDB an UPDATE, then an INSERT deadlocks here: every loser of the INSERT holds a
    # shared lock on the new row (its duplicate-key check) and then waits to update it.
    monkeypatch.setattr("django_sequence.services.upsert_returning_supported", lambda connection: False)

    def take(index, start):
        start.wait()
        return [next_value("order", f"org-{value % 2}") for value in range(50)]

    start = threading.Barrier(THREADS)
    taken = [value for values in run_all(take, THREADS, start) for value in values]
    assert sorted(taken) == sorted(list(range(1, 201)) * 2)


def hold_a_number(scope, took, release):
    with transaction.atomic():
        value = next_value(scope)
        took.set()
        release.wait()
    return value


def test_gapless_caller_waits_until_the_transaction_holding_the_counter_commits():
    define_sequence(scope="invoice", gap_policy=GapPolicy.GAPLESS)
    took, release = threading.Event(), threading.Event()
    holder = Caller(hold_a_number, "invoice", took, release)
    holder.start()
    try:
        took.wait()
        waiter = Caller(next_value, "invoice")
        waiter.start()
        waiter.connected.wait()
        wait_until_one_waits_for_a_lock()
        assert waiter.is_alive()
    finally:
        release.set()
    assert (holder.outcome(), waiter.outcome()) == (1, 2)


def test_allow_gaps_caller_does_not_wait_for_an_open_transaction_that_took_a_number():
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    took, release = threading.Event(), threading.Event()
    holder = Caller(hold_a_number, "order", took, release)
    holder.start()
    try:
        took.wait()
        # turns a wrongly held row lock into an error instead of a hang
        with lock_timeout(20):
            inside = _in_own_transaction(next_value, "order")
            outside = next_value("order")
        assert holder.is_alive()
    finally:
        release.set()
    assert (holder.outcome(), inside, outside) == (1, 2, 3)


@contextlib.contextmanager
def lock_timeout(seconds):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SET lock_timeout = '{seconds}s'")
        else:
            cursor.execute("SELECT @@SESSION.innodb_lock_wait_timeout")
            [(former,)] = cursor.fetchall()
            cursor.execute(f"SET SESSION innodb_lock_wait_timeout = {seconds}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("RESET lock_timeout")
            else:
                cursor.execute(f"SET SESSION innodb_lock_wait_timeout = {former}")


def _in_own_transaction(function, *args):
    with transaction.atomic():
        return function(*args)


def test_allow_gaps_number_of_a_rolled_back_transaction_is_not_given_back():
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    with pytest.raises(Rollback), transaction.atomic():
        assert next_value("order") == 1
        raise Rollback
    assert next_value("order") == 2


def test_allow_gaps_number_is_committed_before_the_caller_commits():
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    with transaction.atomic():
        next_value("order")
        seen_by_another_connection = Caller(last_value, "order")
        seen_by_another_connection.start()
        assert seen_by_another_connection.outcome() == 1


def test_gapless_number_is_invisible_to_others_until_the_caller_commits():
    define_sequence(scope="invoice", gap_policy=GapPolicy.GAPLESS)
    with transaction.atomic():
        next_value("invoice")
        seen_by_another_connection = Caller(last_value, "invoice")
        seen_by_another_connection.start()
        assert seen_by_another_connection.outcome() is None


def test_gapless_number_of_a_rolled_back_transaction_is_given_back():
    with pytest.raises(Rollback), transaction.atomic():
        assert next_value("invoice") == 1
        raise Rollback
    assert next_value("invoice") == 1


def test_portable_path_gives_the_next_number_after_a_concurrent_caller_created_the_counter(monkeypatch):
    monkeypatch.setattr("django_sequence.services.upsert_returning_supported", lambda connection: False)
    took, release = threading.Event(), threading.Event()
    holder = Caller(hold_a_number, "invoice", took, release)
    holder.start()
    try:
        took.wait()
        waiter = Caller(next_value, "invoice")
        waiter.start()
        waiter.connected.wait()
        wait_until_one_waits_for_a_lock()  # its INSERT waits for the holder's uncommitted row
    finally:
        release.set()
    assert (holder.outcome(), waiter.outcome()) == (1, 2)


def test_portable_path_takes_allow_gaps_numbers_on_the_side_connection(monkeypatch):
    monkeypatch.setattr("django_sequence.services.upsert_returning_supported", lambda connection: False)
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    for _ in range(2):
        with pytest.raises(Rollback), transaction.atomic():
            next_value("order")
            raise Rollback
    assert next_value("order") == 3
