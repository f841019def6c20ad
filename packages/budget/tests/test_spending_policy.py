import datetime as dt
from decimal import Decimal

import pytest

from django_budget import (
    ObligationsHookFailed,
    SpendingPolicyMisconfigured,
    SpendingRefused,
    services,
)
from django_budget.services import SplitPart
from django_money import Money

from . import policies

DAY = dt.date(2026, 1, 15)
BLOCKING = "django_budget.policies.block_discretionary_until_obligations_covered"


@pytest.fixture(autouse=True)
def reset_policies():
    policies.calls.clear()
    policies.obligations.update(covered=True, calls=[])


@pytest.fixture
def blocking(settings):
    settings.BUDGET_SPENDING_POLICY = BLOCKING
    settings.BUDGET_OBLIGATIONS_COVERED = "tests.policies.covered"
    return settings


def spend(budget, bucket, priority=None):
    return services.post_expense(budget=budget, bucket=bucket, amount=Decimal("20"), date=DAY, priority=priority)


@pytest.mark.django_db
def test_the_default_policy_allows_every_expense(budget, fun):
    assert spend(budget, fun, priority="D").pk is not None


@pytest.mark.django_db
def test_the_policy_is_called_with_the_expense_before_it_is_written(budget, fun, settings, django_user_model):
    settings.BUDGET_SPENDING_POLICY = "tests.policies.record_and_allow"
    user = django_user_model.objects.create_user(username="ann")
    services.post_expense(budget=budget, bucket=fun, amount=Decimal("20"), date=DAY, description="Cinema", by=user)
    assert policies.calls == [
        {
            "budget": budget,
            "bucket": fun,
            "amount": Money("20", "EUR"),
            "priority": "C",
            "date": DAY,
            "description": "Cinema",
            "by": user,
        }
    ]


@pytest.mark.django_db
def test_a_refusal_is_a_typed_error_naming_the_rule_and_writes_nothing(budget, fun, settings, row_counts):
    settings.BUDGET_SPENDING_POLICY = "tests.policies.refuse_everything"
    before = row_counts()
    with pytest.raises(SpendingRefused) as caught:
        spend(budget, fun)
    assert caught.value.rule == "spending_freeze"
    assert str(caught.value) == "[spending_freeze] No spending this month."
    assert row_counts() == before


@pytest.mark.django_db
def test_income_is_not_gated(budget, settings):
    settings.BUDGET_SPENDING_POLICY = "tests.policies.refuse_everything"
    assert services.post_income(budget=budget, amount=Decimal("1"), date=DAY).pk is not None


@pytest.mark.django_db
def test_a_policy_runs_on_every_part_of_a_split(budget, groceries, fun, settings):
    settings.BUDGET_SPENDING_POLICY = "tests.policies.record_and_allow"
    services.post_split_expense(
        budget=budget,
        total=Decimal("3"),
        parts=[SplitPart(bucket=groceries, amount=Decimal("1")), SplitPart(bucket=fun, amount=Decimal("2"))],
        date=DAY,
    )
    assert [(call["bucket"], call["amount"]) for call in policies.calls] == [
        (groceries, Money("1", "EUR")),
        (fun, Money("2", "EUR")),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["tests.policies.missing", "no_such_module.policy", "nodots", "tests.policies.NOT_CALLABLE", "", None, 42],
)
def test_a_policy_setting_that_cannot_give_a_callable_refuses_every_expense(budget, fun, settings, path, row_counts):
    settings.BUDGET_SPENDING_POLICY = path
    before = row_counts()
    with pytest.raises(SpendingPolicyMisconfigured):
        spend(budget, fun)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_policy_returning_a_value_instead_of_raising_refuses_the_expense(budget, fun, settings, row_counts):
    settings.BUDGET_SPENDING_POLICY = "tests.policies.answer_false"
    before = row_counts()
    with pytest.raises(SpendingPolicyMisconfigured, match="returned False"):
        spend(budget, fun)
    assert row_counts() == before


@pytest.mark.django_db
def test_an_error_inside_the_policy_propagates_and_writes_nothing(budget, fun, settings, row_counts):
    settings.BUDGET_SPENDING_POLICY = "tests.policies.explode"
    before = row_counts()
    with pytest.raises(RuntimeError, match="policy bug"):
        spend(budget, fun)
    assert row_counts() == before


@pytest.mark.django_db
def test_discretionary_spending_is_allowed_while_obligations_are_covered(budget, fun, blocking):
    assert spend(budget, fun, priority="D").pk is not None
    assert policies.obligations["calls"] == [(budget, DAY)]


@pytest.mark.django_db
@pytest.mark.parametrize("priority", ["C", "D"])
def test_discretionary_spending_is_refused_while_obligations_are_not_covered(
    budget, fun, blocking, priority, row_counts
):
    policies.obligations["covered"] = False
    before = row_counts()
    with pytest.raises(SpendingRefused) as caught:
        spend(budget, fun, priority=priority)
    assert caught.value.rule == "obligations_not_covered"
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("priority", ["A", "B"])
def test_priority_a_and_b_spending_passes_while_obligations_are_not_covered(budget, fun, blocking, priority):
    policies.obligations["covered"] = False
    assert spend(budget, fun, priority=priority).pk is not None
    assert policies.obligations["calls"] == []


@pytest.mark.django_db
def test_essentials_pass_whatever_their_priority_while_obligations_are_not_covered(budget, groceries, blocking):
    policies.obligations["covered"] = False
    assert spend(budget, groceries, priority="D").pk is not None


@pytest.mark.django_db
@pytest.mark.parametrize("priority", ["A", "D"])
def test_a_missing_obligations_hook_refuses_even_expenses_it_would_not_consult(budget, fun, blocking, priority):
    blocking.BUDGET_OBLIGATIONS_COVERED = None
    with pytest.raises(SpendingPolicyMisconfigured, match="BUDGET_OBLIGATIONS_COVERED is not set"):
        spend(budget, fun, priority=priority)


@pytest.mark.django_db
def test_an_unimportable_obligations_hook_refuses_the_expense(budget, fun, blocking):
    blocking.BUDGET_OBLIGATIONS_COVERED = "obligations.not_installed"
    with pytest.raises(SpendingPolicyMisconfigured, match="cannot be imported"):
        spend(budget, fun)


@pytest.mark.django_db
def test_a_failing_obligations_hook_refuses_the_expense_and_keeps_the_cause(budget, fun, blocking, row_counts):
    blocking.BUDGET_OBLIGATIONS_COVERED = "tests.policies.covered_fails"
    before = row_counts()
    with pytest.raises(ObligationsHookFailed) as caught:
        spend(budget, fun)
    assert isinstance(caught.value.__cause__, ConnectionError)
    assert row_counts() == before


@pytest.mark.django_db
def test_an_obligations_hook_answering_something_else_than_a_bool_refuses_the_expense(budget, fun, blocking):
    blocking.BUDGET_OBLIGATIONS_COVERED = "tests.policies.covered_says_maybe"
    with pytest.raises(SpendingPolicyMisconfigured, match="'maybe'"):
        spend(budget, fun)
