import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction

from django_budget import AlreadyVoided, InvalidTransaction, VoidNotPermitted, services
from django_budget.models import BudgetTransaction
from django_budget.selectors import month_snapshot, month_totals
from django_budget.services import SplitPart, voids
from django_decisioning.models import Decision
from django_decisioning.testing import (
    assert_delegation_captured,
    assert_reversal_preserves_original,
    assert_snapshot_independent,
)
from django_money import Money

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user(username="manager")
    user.user_permissions.add(Permission.objects.get(codename="void_budgettransaction"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user(username="clerk")


@pytest.fixture
def expense(budget, groceries):
    return services.post_expense(budget=budget, bucket=groceries, amount=Decimal("120"), date=DAY, description="Market")


@pytest.mark.django_db
def test_voiding_writes_a_reversal_fact_mirroring_the_original(expense, manager):
    reversal = services.void_transaction(transaction=expense, reason="Double charge", by=manager)
    stored = BudgetTransaction.objects.get(pk=reversal.pk)
    mirrored = [
        "budget_id",
        "kind",
        "amount",
        "currency",
        "date",
        "effective_at",
        "bucket_id",
        "priority",
        "description",
    ]
    assert [getattr(stored, name) for name in mirrored] == [getattr(expense, name) for name in mirrored]
    assert (stored.reverses, stored.reason, stored.created_by, stored.is_reversal) == (
        expense,
        "Double charge",
        manager,
        True,
    )
    assert stored.recorded_at > expense.recorded_at


@pytest.mark.django_db
def test_voiding_needs_authority_and_leaves_the_original_untouched(expense, manager, clerk):
    assert_reversal_preserves_original(
        expense,
        lambda: services.void_transaction(transaction=expense, reason="Refund", by=manager),
        unauthorized=lambda: services.void_transaction(transaction=expense, reason="Refund", by=clerk),
        refusal=VoidNotPermitted,
    )


@pytest.mark.django_db
def test_the_void_permission_setting_none_lets_any_user_void(expense, clerk, settings):
    settings.BUDGET_VOID_PERMISSION = None
    assert services.void_transaction(transaction=expense, reason="Refund", by=clerk).created_by == clerk


@pytest.mark.django_db
def test_the_system_may_void_without_a_user(expense):
    reversal = services.void_transaction(transaction=expense, reason="Bank reversal", by=None)
    assert reversal.created_by is None
    assert reversal.decision.actor is None


@pytest.mark.django_db
def test_voiding_twice_is_refused_and_names_the_existing_reversal(expense, manager, row_counts):
    reversal = services.void_transaction(transaction=expense, reason="Refund", by=manager)
    before = row_counts()
    with pytest.raises(AlreadyVoided) as caught:
        services.void_transaction(transaction=expense, reason="Again", by=manager)
    assert caught.value.reversal == reversal
    assert row_counts() == before


@pytest.mark.django_db
def test_the_database_refuses_a_second_void_that_slipped_past_the_check(expense, manager, monkeypatch, row_counts):
    services.void_transaction(transaction=expense, reason="Refund", by=manager)
    # A concurrent void committed between the check and the insert, simulated: the unique
    # reverses column refuses the second reversal and the service reports it as AlreadyVoided.
    real_check = voids._refuse_voided
    checks = iter([lambda original: None])
    monkeypatch.setattr(voids, "_refuse_voided", lambda original: next(checks, real_check)(original))
    before = row_counts()
    with pytest.raises(AlreadyVoided):
        services.void_transaction(transaction=expense, reason="Again", by=manager)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_second_reversal_row_is_refused_by_the_unique_column(expense):
    services.void_transaction(transaction=expense, reason="Refund", by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetTransaction.objects.create(
            budget=expense.budget,
            kind=expense.kind,
            money=expense.money,
            date=expense.date,
            bucket=expense.bucket,
            priority=expense.priority,
            reverses=expense,
            reason="Sneaky",
        )


@pytest.mark.django_db
def test_a_void_cannot_be_voided(expense, manager):
    reversal = services.void_transaction(transaction=expense, reason="Refund", by=manager)
    with pytest.raises(InvalidTransaction, match="a void cannot be voided"):
        services.void_transaction(transaction=reversal, reason="Undo", by=manager)


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_void_without_a_reason_is_refused(expense, manager, reason, row_counts):
    before = row_counts()
    with pytest.raises(InvalidTransaction):
        services.void_transaction(transaction=expense, reason=reason, by=manager)
    assert row_counts() == before


@pytest.mark.django_db
def test_an_unsaved_transaction_or_principal_is_refused(expense, manager, budget):
    with pytest.raises(InvalidTransaction):
        services.void_transaction(transaction=BudgetTransaction(budget=budget), reason="x", by=manager)
    with pytest.raises(InvalidTransaction, match="on_behalf_of"):
        services.void_transaction(transaction=expense, reason="x", by=manager, on_behalf_of=type(budget)(name="x"))


@pytest.mark.django_db
def test_voiding_records_who_decided_for_whom_about_what(expense, manager, budget):
    reversal = services.void_transaction(transaction=expense, reason="Refund", by=manager, on_behalf_of=budget)
    decision = Decision.objects.get()
    assert reversal.decision == decision
    assert (decision.action, decision.outcome, decision.target) == ("django_budget.void_transaction", "voided", expense)
    assert_delegation_captured(decision, actor=manager, on_behalf_of=budget)


@pytest.mark.django_db
def test_the_decision_evidence_does_not_follow_later_changes_of_the_bucket(expense, manager, groceries):
    reversal = services.void_transaction(transaction=expense, reason="Refund", by=manager)
    evidence = assert_snapshot_independent(
        reversal.decision, mutate=lambda: services.update_bucket(bucket=groceries, name="Food", priority="C")
    )
    assert (evidence["bucket_name"], evidence["priority"], evidence["amount"], evidence["reason"]) == (
        "Groceries",
        "A",
        "120.0000",
        "Refund",
    )


@pytest.mark.django_db
def test_a_voided_expense_no_longer_counts_in_its_month(expense, manager, budget, groceries):
    services.post_expense(budget=budget, bucket=groceries, amount=Decimal("30"), date=DAY)
    services.void_transaction(transaction=expense, reason="Refund", by=manager)
    [row] = month_snapshot(budget=budget, month=DAY)
    assert row.spent == Money("30", "EUR")


@pytest.mark.django_db
def test_a_voided_income_no_longer_counts_in_the_month_totals(budget):
    income = services.post_income(budget=budget, amount=Decimal("3000"), date=DAY)
    services.void_transaction(transaction=income, reason="Bounced", by=None)
    assert month_totals(budget=budget, month=DAY).income == Money("0", "EUR")


@pytest.mark.django_db
def test_a_part_of_a_split_is_voided_on_its_own(budget, groceries, fun):
    _food, toy = services.post_split_expense(
        budget=budget,
        total=Decimal("100"),
        parts=[SplitPart(bucket=groceries, amount=Decimal("70")), SplitPart(bucket=fun, amount=Decimal("30"))],
        date=DAY,
    )
    reversal = services.void_transaction(transaction=toy, reason="Returned the toy", by=None)
    assert (reversal.split_group, reversal.split_index) == (toy.split_group, 1)
    spent = {row.bucket.name: row.spent for row in month_snapshot(budget=budget, month=DAY)}
    assert spent == {"Groceries": Money("70", "EUR"), "Fun": Money("0", "EUR")}


@pytest.mark.django_db
def test_a_transaction_in_an_archived_bucket_can_still_be_voided(expense, groceries):
    services.archive_bucket(bucket=groceries)
    assert services.void_transaction(transaction=expense, reason="Refund", by=None).bucket == groceries


@pytest.mark.django_db
def test_queryset_filters_tell_voided_from_counting_transactions(expense, budget, groceries):
    kept = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("1"), date=DAY)
    reversal = services.void_transaction(transaction=expense, reason="Refund", by=None)
    transactions = BudgetTransaction.objects
    assert list(transactions.voided()) == [expense]
    assert list(transactions.not_voided()) == [kept]
    assert list(transactions.reversals()) == [reversal]
    assert str(reversal) == "void of expense 120.0000 EUR on 2026-01-15"


@pytest.mark.django_db
def test_queryset_filters_tell_income_from_expenses(expense, budget):
    income = services.post_income(budget=budget, amount=Decimal("1"), date=DAY)
    assert (list(BudgetTransaction.objects.income()), list(BudgetTransaction.objects.expenses())) == (
        [income],
        [expense],
    )


@pytest.mark.django_db
def test_queryset_in_month_selects_the_transactions_dated_in_it(expense, budget, groceries):
    services.post_expense(budget=budget, bucket=groceries, amount=Decimal("1"), date=dt.date(2026, 2, 1))
    assert list(BudgetTransaction.objects.in_month("2026-01")) == [expense]
