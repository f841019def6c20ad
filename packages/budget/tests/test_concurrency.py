"""Exactly-once under real concurrency: threads with their own PostgreSQL connections."""

import datetime as dt
import threading
from decimal import Decimal

import pytest

from django_basemodels.testing import run_concurrently
from django_budget import AlreadyVoided, BucketNameTaken, services
from django_budget.models import Bucket, BudgetTransaction
from django_budget.services import SplitPart
from django_decisioning.models import Decision

from . import policies

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

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


def test_eight_threads_posting_with_one_idempotency_key_record_one_transaction(setup, settings):
    budget, groceries, _ = setup
    # Every thread passes the "key already posted?" lookup before any inserts: the unique index
    # alone decides, and the seven losers must replay the winner's row.
    settings.BUDGET_SPENDING_POLICY = "tests.policies.wait_for_every_thread"
    policies.rendezvous["barrier"] = threading.Barrier(WORKERS)

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
