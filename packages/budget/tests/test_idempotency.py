import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from django_budget import IdempotencyKeyReused, services
from django_budget.models import BudgetTransaction
from django_budget.services import SplitPart, postings
from django_decisioning import IdempotencyConflict
from django_decisioning.models import IdempotencyKey
from django_decisioning.testing import assert_idempotent
from django_money import Money

DAY = dt.date(2026, 1, 15)


def expense(budget, bucket, key="receipt-1", amount=Decimal("12.50"), **extra):
    return services.post_expense(budget=budget, bucket=bucket, amount=amount, date=DAY, idempotency_key=key, **extra)


@pytest.mark.django_db
def test_posting_the_same_request_three_times_records_one_expense(budget, groceries):
    results = assert_idempotent(lambda: expense(budget, groceries), count=BudgetTransaction.objects.count, times=3)
    assert BudgetTransaction.objects.get() == results[0]


@pytest.mark.django_db
def test_a_decimal_and_the_equal_money_are_the_same_request(budget, groceries):
    first = expense(budget, groceries, amount=Decimal("12.5"))
    assert expense(budget, groceries, amount=Money("12.50", "EUR")) == first


@pytest.mark.django_db
def test_the_same_key_with_another_amount_is_refused(budget, groceries):
    expense(budget, groceries)
    with pytest.raises(IdempotencyKeyReused) as caught:
        expense(budget, groceries, amount=Decimal("99"))
    assert isinstance(caught.value, IdempotencyConflict)
    assert caught.value.key == "receipt-1"
    assert BudgetTransaction.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_for_an_income_after_an_expense_is_refused(budget, groceries):
    expense(budget, groceries)
    with pytest.raises(IdempotencyKeyReused):
        services.post_income(budget=budget, amount=Decimal("12.50"), date=DAY, idempotency_key="receipt-1")


@pytest.mark.django_db
def test_the_same_key_by_another_user_is_refused(budget, groceries, django_user_model):
    expense(budget, groceries, by=django_user_model.objects.create_user(username="ann"))
    with pytest.raises(IdempotencyKeyReused):
        expense(budget, groceries, by=django_user_model.objects.create_user(username="bob"))


@pytest.mark.django_db
def test_a_key_used_in_one_budget_is_refused_in_another(budget, groceries, row_counts):
    other = services.create_budget(name="Office", currency="EUR")
    supplies = services.create_bucket(
        budget=other, name="Supplies", kind="variable", monthly_limit=1, start_month="2026-01"
    )
    expense(budget, groceries)
    before = row_counts()
    with pytest.raises(IdempotencyKeyReused):
        expense(other, supplies)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_key_used_in_one_budget_is_refused_in_another_after_its_key_row_was_purged(budget, groceries):
    other = services.create_budget(name="Office", currency="EUR")
    expense(budget, groceries)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", verbosity=0)
    with pytest.raises(IdempotencyKeyReused):
        services.post_income(budget=other, amount=Decimal("12.50"), date=DAY, idempotency_key="receipt-1")
    assert BudgetTransaction.objects.count() == 1


@pytest.mark.django_db
def test_an_income_replay_returns_the_first_income(budget):
    def post():
        return services.post_income(budget=budget, amount=Decimal("3000"), date=DAY, idempotency_key="salary-2026-01")

    assert_idempotent(post, count=BudgetTransaction.objects.count)


@pytest.mark.django_db
def test_a_replay_returns_what_was_posted_even_after_the_bucket_was_archived(budget, groceries):
    first = expense(budget, groceries)
    services.archive_bucket(bucket=groceries)
    assert expense(budget, groceries) == first


@pytest.mark.django_db
def test_a_replay_does_not_run_the_spending_policy_again(budget, fun, settings):
    first = expense(budget, fun)
    settings.BUDGET_SPENDING_POLICY = "tests.policies.refuse_everything"
    assert expense(budget, fun) == first


@pytest.mark.django_db
def test_a_split_replay_returns_every_part_in_order(budget, groceries, fun):
    def post():
        return services.post_split_expense(
            budget=budget,
            total=Decimal("10"),
            parts=[SplitPart(bucket=groceries, amount=Decimal("6")), SplitPart(bucket=fun, amount=Decimal("4"))],
            date=DAY,
            idempotency_key="receipt-9",
        )

    results = assert_idempotent(post, count=lambda: BudgetTransaction.objects.count() // 2)
    assert [part.split_index for part in results[0]] == [0, 1]


def purge_keys():
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys", verbosity=0)


@pytest.mark.django_db
def test_a_key_that_lost_the_race_to_a_committed_request_returns_its_rows(budget, groceries, monkeypatch):
    first = expense(budget, groceries)
    purge_keys()
    # The same request committed after this one looked for the key (its key row gone), simulated by
    # a first lookup that finds nothing: the unique index refuses the insert, the rows are replayed.
    real_lookup = postings._stored_rows
    lookups = iter([lambda *args: None])
    monkeypatch.setattr(postings, "_stored_rows", lambda *args: next(lookups, real_lookup)(*args))
    assert expense(budget, groceries) == first
    assert BudgetTransaction.objects.count() == 1


@pytest.mark.django_db
def test_a_key_that_lost_the_race_to_another_request_is_refused(budget, groceries, monkeypatch):
    expense(budget, groceries)
    # An income with the key of the expense (another service, so another key row) that raced it.
    real_lookup = postings._stored_rows
    lookups = iter([lambda *args: None])
    monkeypatch.setattr(postings, "_stored_rows", lambda *args: next(lookups, real_lookup)(*args))
    with pytest.raises(IdempotencyKeyReused):
        services.post_income(budget=budget, amount=Decimal("12.50"), date=DAY, idempotency_key="receipt-1")
    assert BudgetTransaction.objects.count() == 1


@pytest.mark.django_db
def test_keys_that_differ_only_in_case_are_two_keys(budget, groceries):
    lower = expense(budget, groceries, key="receipt-a")
    upper = expense(budget, groceries, key="RECEIPT-A", amount=Decimal("99"))
    assert lower != upper
    assert expense(budget, groceries, key="receipt-a") == lower
    assert set(BudgetTransaction.objects.values_list("idempotency_key", flat=True)) == {"receipt-a", "RECEIPT-A"}
