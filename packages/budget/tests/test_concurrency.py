"""Exactly-once under real concurrency: threads with their own connections to PostgreSQL or MariaDB."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connections, transaction

from django_basemodels.testing import (
    PATIENCE,
    join_threads,
    run_concurrently,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_budget import AlreadyVoided, BucketNameTaken, services
from django_budget.models import Bucket, BudgetTransaction
from django_budget.services import SplitPart
from django_decisioning.models import Decision

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

WORKERS = 8
DAY = dt.date(2026, 1, 15)


@pytest.fixture
def setup():
    budget = services.create_budget(name="Home", currency="EUR")
    groceries = services.create_bucket(
        budget=budget, name="Groceries", kind="essentials", monthly_limit=Decimal("900"), start_month="2026-01"
    )
    fun = services.create_bucket(
        budget=budget, name="Fun", kind="fun", monthly_limit=Decimal("200"), start_month="2026-01"
    )
    return budget, groceries, fun


def test_eight_threads_posting_with_one_idempotency_key_record_one_transaction(setup):
    budget, groceries, _ = setup
    # All claim the key at once: one posts, the seven others wait on its key row and replay its row.

    def post():
        return services.post_expense(
            budget=budget, bucket=groceries, amount=Decimal("42"), date=DAY, idempotency_key="receipt-1"
        )

    outcomes = run_concurrently(post, workers=WORKERS)
    expense = BudgetTransaction.objects.get()
    assert outcomes == [expense] * WORKERS


def test_eight_threads_posting_one_split_with_one_key_record_it_once(setup):
    budget, groceries, fun = setup

    def post():
        return services.post_split_expense(
            budget=budget,
            total=Decimal("10"),
            parts=[SplitPart(bucket=groceries, amount=Decimal("7")), SplitPart(bucket=fun, amount=Decimal("3"))],
            date=DAY,
            idempotency_key="receipt-2",
        )

    outcomes = run_concurrently(post, workers=WORKERS)
    parts = list(BudgetTransaction.objects.order_by("split_index"))
    assert len(parts) == 2
    assert outcomes == [parts] * WORKERS


def test_eight_threads_voiding_one_transaction_record_one_void(setup):
    budget, groceries, _ = setup
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("42"), date=DAY)

    outcomes = run_concurrently(
        lambda: services.void_transaction(transaction=expense, reason="Refund", by=None), workers=WORKERS
    )
    reversal = BudgetTransaction.objects.reversals().get()
    assert [outcome for outcome in outcomes if isinstance(outcome, BudgetTransaction)] == [reversal]
    refused = [outcome for outcome in outcomes if isinstance(outcome, AlreadyVoided)]
    assert len(refused) == WORKERS - 1
    assert all(error.reversal == reversal for error in refused)
    assert Decision.objects.count() == 1


def test_eight_threads_creating_a_bucket_with_one_name_create_one(setup):
    budget, _, _ = setup

    outcomes = run_concurrently(
        lambda: services.create_bucket(budget=budget, name="Books", kind="fun", monthly_limit=Decimal("10")),
        workers=WORKERS,
    )
    created = Bucket.objects.get(name="Books")
    assert [outcome for outcome in outcomes if isinstance(outcome, Bucket)] == [created]
    assert sum(isinstance(outcome, BucketNameTaken) for outcome in outcomes) == WORKERS - 1


def hold_then_roll_back(action):
    """Run ``action()`` in a thread's transaction, kept open until the returned event is set, then rolled back."""
    done, release = threading.Event(), threading.Event()
    failures = []

    class RolledBack(Exception):
        pass

    def holder():
        try:
            with transaction.atomic():
                action()
                done.set()
                release.wait(PATIENCE)
                raise RolledBack
        except RolledBack:
            pass
        except Exception as exc:  # handed to the test, which fails on it
            failures.append(exc)
        finally:
            done.set()
            connections.close_all()

    thread = threading.Thread(target=holder)
    thread.start()
    assert done.wait(PATIENCE) and not failures, failures
    return release, thread


def test_two_requests_waiting_on_a_key_whose_first_request_rolls_back_post_it_once(setup):
    # On MariaDB both waiting inserts hold a shared lock on the key once the first request rolls
    # back, and both want it exclusive: a deadlock. Its victim is run again and replays the survivor.
    budget, groceries, _ = setup

    def post():
        return services.post_expense(
            budget=budget, bucket=groceries, amount=Decimal("42"), date=DAY, idempotency_key="receipt-3"
        )

    release, holder = hold_then_roll_back(post)
    outcomes, threads = start_concurrently([post, post])
    waiting = wait_for_lock_waiters(2)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= 2, f"only {waiting} requests waited on the first one"
    expense = BudgetTransaction.objects.get()
    assert outcomes == [expense, expense]


def test_two_requests_waiting_on_a_name_whose_first_request_rolls_back_create_one_bucket(setup):
    # The same deadlock on the unique index of live bucket names: the victim runs again and finds the name taken.
    budget, _, _ = setup

    def create():
        return services.create_bucket(budget=budget, name="Books", kind="fun", monthly_limit=Decimal("10"))

    release, holder = hold_then_roll_back(create)
    outcomes, threads = start_concurrently([create, create])
    waiting = wait_for_lock_waiters(2)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= 2, f"only {waiting} requests waited on the first one"
    created = Bucket.objects.get(name="Books")
    assert [outcome for outcome in outcomes if isinstance(outcome, Bucket)] == [created]
    assert [type(outcome) for outcome in outcomes if not isinstance(outcome, Bucket)] == [BucketNameTaken]


def test_two_renames_waiting_on_a_name_whose_first_request_rolls_back_rename_one_bucket(setup):
    budget, groceries, fun = setup
    books = services.create_bucket(budget=budget, name="Books", kind="fun", monthly_limit=Decimal("10"))

    def rename(bucket):
        return lambda: services.update_bucket(bucket=bucket, name="Leisure")

    release, holder = hold_then_roll_back(rename(books))
    outcomes, threads = start_concurrently([rename(groceries), rename(fun)])
    waiting = wait_for_lock_waiters(2)
    release.set()
    join_threads([holder, *threads])

    assert waiting >= 2, f"only {waiting} requests waited on the first one"
    renamed = Bucket.objects.get(name="Leisure")
    assert [outcome.pk for outcome in outcomes if isinstance(outcome, Bucket)] == [renamed.pk]
    assert [type(outcome) for outcome in outcomes if not isinstance(outcome, Bucket)] == [BucketNameTaken]
