"""The key is stored on the rows a posting or a void wrote: a retry after the key row is purged replays them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_budget import (
    IdempotencyKeyReusedError,
    SplitPart,
    post_expense,
    post_income,
    post_split_expense,
    void_transaction,
)
from django_budget.models import BudgetTransaction
from django_budget.services import (
    POST_EXPENSE_SCOPE,
    POST_INCOME_SCOPE,
    POST_SPLIT_EXPENSE_SCOPE,
    VOID_ACTION,
    VOID_SCOPE,
)
from django_decisioning.canonical import request_fingerprint
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.services import record_decision

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 15)


def expire_and_purge_keys() -> None:
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", verbosity=0)
    assert not IdempotencyKey.objects.exists()


def test_the_services_claim_their_own_scope(budget, groceries):
    post_income(budget=budget, amount=Decimal("3000"), date=DAY, idempotency_key="salary")
    post_expense(budget=budget, bucket=groceries, amount=Decimal("9"), date=DAY, idempotency_key="receipt")
    post_split_expense(
        budget=budget, total=Decimal("1"), parts=[SplitPart(groceries, Decimal("1"))], date=DAY, idempotency_key="split"
    )
    assert set(IdempotencyKey.objects.values_list("scope", "key")) == {
        (POST_INCOME_SCOPE, "salary"),
        (POST_EXPENSE_SCOPE, "receipt"),
        (POST_SPLIT_EXPENSE_SCOPE, "split"),
    }
    assert VOID_SCOPE == VOID_ACTION == "django_budget.void_transaction"


def test_an_income_retried_after_its_key_expired_returns_the_original(budget):
    def post():
        return post_income(budget=budget, amount=Decimal("3000"), date=DAY, idempotency_key="salary-2026-01")

    first = post()
    expire_and_purge_keys()
    assert post() == first
    assert BudgetTransaction.objects.get().idempotency_key == "salary-2026-01"


def test_an_expense_retried_after_its_key_expired_returns_the_original(budget, fun, settings):
    def post():
        return post_expense(budget=budget, bucket=fun, amount=Decimal("9"), date=DAY, idempotency_key="receipt-1")

    first = post()
    expire_and_purge_keys()
    # A replay does not run the policy again, after the purge neither.
    settings.BUDGET_SPENDING_POLICY = "tests.policies.refuse_everything"
    assert post() == first
    assert BudgetTransaction.objects.count() == 1


def test_a_split_retried_after_its_key_expired_returns_every_part(budget, groceries, fun):
    def post():
        return post_split_expense(
            budget=budget,
            total=Decimal("10"),
            parts=[SplitPart(groceries, Decimal("6")), SplitPart(fun, Decimal("4"))],
            date=DAY,
            idempotency_key="receipt-9",
        )

    first = post()
    expire_and_purge_keys()
    assert post() == first
    assert list(BudgetTransaction.objects.order_by("split_index").values_list("split_index", "idempotency_key")) == [
        (0, "receipt-9"),
        (1, "receipt-9"),
    ]


def test_a_void_retried_after_its_key_expired_returns_the_original(budget, groceries):
    expense = post_expense(budget=budget, bucket=groceries, amount=Decimal("9"), date=DAY)

    def void():
        return void_transaction(expense, reason="Charged twice", by=None, idempotency_key="void-1")

    first = void()
    expire_and_purge_keys()
    assert void() == first
    assert BudgetTransaction.objects.reversals().get().idempotency_key == "void-1"
    assert Decision.objects.count() == 1


def test_another_request_with_a_purged_key_is_still_refused(budget, groceries):
    post_expense(budget=budget, bucket=groceries, amount=Decimal("9"), date=DAY, idempotency_key="receipt-1")
    expire_and_purge_keys()
    with pytest.raises(IdempotencyKeyReusedError) as refusal:
        post_expense(budget=budget, bucket=groceries, amount=Decimal("10"), date=DAY, idempotency_key="receipt-1")
    assert (refusal.value.scope, refusal.value.key) == (POST_EXPENSE_SCOPE, "receipt-1")
    assert BudgetTransaction.objects.count() == 1


def test_a_void_may_reuse_the_key_of_a_posting(budget, groceries):
    expense = post_expense(budget=budget, bucket=groceries, amount=Decimal("9"), date=DAY, idempotency_key="k")
    reversal = void_transaction(expense, reason="Charged twice", by=None, idempotency_key="k")
    assert (expense.idempotency_key, reversal.idempotency_key) == ("k", "k")


def test_the_database_refuses_a_second_posting_with_a_key(budget, groceries):
    first = post_expense(budget=budget, bucket=groceries, amount=Decimal("9"), date=DAY, idempotency_key="receipt-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetTransaction.objects.create(
            budget=budget,
            kind=first.kind,
            money=first.money,
            date=DAY,
            effective_at=first.effective_at,
            bucket=groceries,
            priority=first.priority,
            idempotency_key="receipt-1",
        )
    assert BudgetTransaction.objects.count() == 1


def test_the_database_refuses_a_second_void_with_a_key(budget, groceries):
    expense, other = (post_expense(budget=budget, bucket=groceries, amount=Decimal(n), date=DAY) for n in (9, 5))
    void_transaction(expense, reason="Charged twice", by=None, idempotency_key="void-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetTransaction.objects.create(
            budget=budget,
            kind=other.kind,
            money=other.money,
            date=DAY,
            effective_at=other.effective_at,
            bucket=groceries,
            priority=other.priority,
            reverses=other,
            reason="Sneaky",
            idempotency_key="void-1",
        )
    assert BudgetTransaction.objects.reversals().count() == 1


def written_before_voids_stored_their_key(expense, *, reason, key):
    """A void as the former release wrote it: the key in its decision's evidence, none on the row."""
    fingerprint = request_fingerprint(
        {"operation": "void", "transaction": str(expense.pk), "reason": reason, "by": None, "on_behalf_of": None}
    )
    decision = record_decision(
        action=VOID_ACTION, by=None, target=expense, outcome="voided", evidence={"idempotency_key": key}
    )
    return BudgetTransaction.objects.create(
        budget=expense.budget,
        kind=expense.kind,
        money=expense.money,
        date=expense.date,
        effective_at=expense.effective_at,
        bucket=expense.bucket,
        priority=expense.priority,
        reverses=expense,
        reason=reason,
        request_fingerprint=fingerprint,
        decision=decision,
    )


def test_a_void_written_before_voids_stored_their_key_is_replayed(budget, groceries):
    expense = post_expense(budget=budget, bucket=groceries, amount=Decimal("9"), date=DAY)
    earlier = written_before_voids_stored_their_key(expense, reason="Charged twice", key="void-1")
    assert void_transaction(expense, reason="Charged twice", by=None, idempotency_key="void-1") == earlier
    with pytest.raises(IdempotencyKeyReusedError):
        void_transaction(expense, reason="Refund", by=None, idempotency_key="void-1")
    assert BudgetTransaction.objects.reversals().count() == 1
