"""The framework torture tests (docs: roadmap Phase 4) on the budget's decision surfaces."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from django_budget import VoidNotPermitted, services
from django_budget.models import BudgetTransaction
from django_decisioning.testing import (
    assert_backdate_coherent,
    assert_delegation_captured,
    assert_idempotent,
    assert_reversal_preserves_original,
    assert_snapshot_independent,
)


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user(username="manager")
    user.user_permissions.add(Permission.objects.get(codename="void_budgettransaction"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_retry_posting_an_expense_three_times_has_one_effect(budget, groceries):
    def post():
        return services.post_expense(
            budget=budget, bucket=groceries, amount=Decimal("9.99"), date=dt.date(2026, 1, 3), idempotency_key="r-1"
        )

    assert_idempotent(post, count=BudgetTransaction.objects.count, times=3)


@pytest.mark.django_db
def test_backdate_an_expense_dated_yesterday_is_coherent_in_as_of(budget, groceries):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.update_bucket(bucket=groceries, name="Groceries")
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=yesterday)
    assert_backdate_coherent(expense)


@pytest.mark.django_db
def test_reversal_needs_authority_and_adds_a_new_fact(budget, groceries, manager, django_user_model):
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=dt.date(2026, 1, 3))
    clerk = django_user_model.objects.create_user(username="clerk")
    assert_reversal_preserves_original(
        expense,
        lambda: services.void_transaction(transaction=expense, reason="Refund", by=manager),
        unauthorized=lambda: services.void_transaction(transaction=expense, reason="Refund", by=clerk),
        refusal=VoidNotPermitted,
    )


@pytest.mark.django_db
def test_delegation_a_void_for_the_household_records_actor_and_principal(budget, groceries, manager, django_user_model):
    household = django_user_model.objects.create_user(username="household")
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=dt.date(2026, 1, 3))
    reversal = services.void_transaction(transaction=expense, reason="Refund", by=manager, on_behalf_of=household)
    assert_delegation_captured(reversal.decision, actor=manager, on_behalf_of=household)


@pytest.mark.django_db
def test_snapshot_the_void_decision_keeps_the_amount_when_the_bucket_changes(budget, groceries, manager):
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=dt.date(2026, 1, 3))
    reversal = services.void_transaction(transaction=expense, reason="Refund", by=manager)
    assert_snapshot_independent(
        reversal.decision, mutate=lambda: services.update_bucket(bucket=groceries, name="Food", monthly_limit=1)
    )
