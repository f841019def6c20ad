import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from django_budget import InvalidMonth, services
from django_budget.models import Bucket
from django_budget.selectors import month_snapshot, month_totals
from django_money import Money

JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def eur(amount):
    return Money(amount, "EUR")


def row_of(bucket, month):
    [row] = [row for row in month_snapshot(budget=bucket.budget, month=month) if row.bucket == bucket]
    return row


def spend(bucket, amount, day):
    return services.post_expense(budget=bucket.budget, bucket=bucket, amount=Decimal(amount), date=day)


@pytest.fixture
def savings(budget):
    return services.create_bucket(
        budget=budget, name="Car", kind="sinking", monthly_limit=Decimal("100"), rollover=True, start_month=JAN
    )


@pytest.mark.django_db
def test_a_bucket_month_has_limit_spent_remaining_and_available(groceries):
    spend(groceries, "120", dt.date(2026, 1, 2))
    spend(groceries, "30.25", dt.date(2026, 1, 31))
    row = row_of(groceries, "2026-01")
    assert (row.month, row.limit, row.spent, row.remaining, row.carry_over, row.available) == (
        JAN,
        eur("900"),
        eur("150.25"),
        eur("749.75"),
        eur("0"),
        eur("749.75"),
    )


@pytest.mark.django_db
def test_spent_counts_only_the_expenses_dated_in_the_month(groceries):
    spend(groceries, "10", dt.date(2026, 1, 31))
    spend(groceries, "20", dt.date(2026, 2, 1))
    spend(groceries, "40", dt.date(2026, 3, 1))
    assert row_of(groceries, "2026-02").spent == eur("20")


@pytest.mark.django_db
def test_spent_is_per_bucket_and_ignores_income_and_other_budgets(groceries, fun):
    spend(groceries, "10", JAN)
    spend(fun, "5", JAN)
    services.post_income(budget=groceries.budget, amount=Decimal("3000"), date=JAN)
    other = services.create_budget(name="Office", currency="EUR")
    supplies = services.create_bucket(budget=other, name="Supplies", kind="variable", monthly_limit=1, start_month=JAN)
    spend(supplies, "999", JAN)
    assert {row.bucket.name: row.spent for row in month_snapshot(budget=groceries.budget, month=JAN)} == {
        "Groceries": eur("10"),
        "Fun": eur("5"),
    }


@pytest.mark.django_db
def test_remaining_is_negative_when_the_bucket_is_overspent(fun):
    spend(fun, "250", JAN)
    assert row_of(fun, JAN).remaining == eur("-50")


@pytest.mark.django_db
def test_a_bucket_without_rollover_carries_nothing_over(fun):
    spend(fun, "50", JAN)
    assert row_of(fun, FEB).carry_over == eur("0")
    assert row_of(fun, FEB).available == eur("200")


@pytest.mark.django_db
def test_a_rollover_bucket_carries_over_what_previous_months_left(savings):
    spend(savings, "30", dt.date(2026, 1, 10))
    row = row_of(savings, MAR)
    # January left 70, February 100.
    assert (row.carry_over, row.available) == (eur("170"), eur("270"))


@pytest.mark.django_db
def test_carry_over_uses_the_allocation_of_each_past_month(savings):
    services.set_allocation(bucket=savings, month=JAN, amount=Decimal("40"))
    services.set_allocation(bucket=savings, month=MAR, amount=Decimal("0"))
    spend(savings, "10", JAN)
    # January 40 - 10, February 100: the March allocation does not count before March.
    assert row_of(savings, MAR).carry_over == eur("130")
    assert row_of(savings, MAR).limit == eur("0")


@pytest.mark.django_db
def test_an_overspent_rollover_bucket_carries_a_negative_balance(savings):
    spend(savings, "250", JAN)
    assert row_of(savings, FEB).carry_over == eur("-150")
    assert row_of(savings, FEB).available == eur("-50")


@pytest.mark.django_db
def test_carry_over_starts_at_the_first_month_of_the_bucket(budget):
    late = services.create_bucket(
        budget=budget, name="Trip", kind="sinking", monthly_limit=Decimal("50"), rollover=True, start_month=FEB
    )
    assert row_of(late, FEB).carry_over == eur("0")
    assert row_of(late, MAR).carry_over == eur("50")


@pytest.mark.django_db
def test_a_voided_expense_of_a_past_month_restores_the_carry_over(savings):
    expense = spend(savings, "60", JAN)
    services.void_transaction(transaction=expense, reason="Refund", by=None)
    assert row_of(savings, FEB).carry_over == eur("100")


@pytest.mark.django_db
def test_a_bucket_is_left_out_of_the_months_before_it_starts(budget, groceries):
    services.create_bucket(budget=budget, name="Trip", kind="sinking", monthly_limit=Decimal("50"), start_month=FEB)
    assert [row.bucket.name for row in month_snapshot(budget=budget, month=JAN)] == ["Groceries"]
    assert [row.bucket.name for row in month_snapshot(budget=budget, month=FEB)] == ["Groceries", "Trip"]


@pytest.mark.django_db
def test_an_archived_bucket_stays_in_its_archive_month_and_leaves_the_next(budget, groceries, fun):
    services.archive_bucket(bucket=fun)
    this_month = timezone.localdate().replace(day=1)
    following = (this_month + dt.timedelta(days=32)).replace(day=1)
    assert "Fun" in [row.bucket.name for row in month_snapshot(budget=budget, month=this_month)]
    assert [row.bucket.name for row in month_snapshot(budget=budget, month=following)] == ["Groceries"]


@pytest.mark.django_db
def test_rows_come_in_priority_then_name_order(budget, groceries, fun):
    services.create_bucket(
        budget=budget, name="Bills", kind="essentials", monthly_limit=1, priority="A", start_month=JAN
    )
    assert [row.bucket.name for row in month_snapshot(budget=budget, month=JAN)] == ["Bills", "Groceries", "Fun"]


@pytest.mark.django_db
def test_known_at_shows_the_month_before_a_later_void_was_recorded(groceries):
    expense = spend(groceries, "120", JAN)
    services.void_transaction(transaction=expense, reason="Refund", by=None)
    assert row_of(groceries, JAN).spent == eur("0")
    before_void = month_snapshot(budget=groceries.budget, month=JAN, known_at=expense.recorded_at)
    assert before_void[0].spent == eur("120")


@pytest.mark.django_db
def test_known_at_leaves_out_a_backdated_expense_recorded_later(groceries):
    first = spend(groceries, "10", JAN)
    spend(groceries, "5", dt.date(2026, 1, 2))
    assert month_snapshot(budget=groceries.budget, month=JAN, known_at=first.recorded_at)[0].spent == eur("10")


@pytest.mark.django_db
def test_a_naive_known_at_is_refused(groceries):
    with pytest.raises(ValueError, match="timezone-aware"):
        month_snapshot(budget=groceries.budget, month=JAN, known_at=dt.datetime(2026, 1, 1))


@pytest.mark.django_db
@pytest.mark.parametrize("month", ["January", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), None])
def test_a_month_that_is_no_month_is_refused(groceries, month):
    with pytest.raises(InvalidMonth):
        month_snapshot(budget=groceries.budget, month=month)


@pytest.mark.django_db
def test_month_totals_sum_income_and_expenses_of_the_month(groceries, fun):
    budget = groceries.budget
    services.post_income(budget=budget, amount=Decimal("3000"), date=dt.date(2026, 1, 25))
    services.post_income(budget=budget, amount=Decimal("50"), date=dt.date(2026, 2, 1))
    spend(groceries, "120", JAN)
    spend(fun, "30", JAN)
    totals = month_totals(budget=budget, month="2026-01")
    assert (totals.month, totals.income, totals.spent, totals.net) == (JAN, eur("3000"), eur("150"), eur("2850"))


@pytest.mark.django_db
def test_month_totals_known_at_leaves_out_what_was_recorded_later(budget):
    first = services.post_income(budget=budget, amount=Decimal("10"), date=JAN)
    services.post_income(budget=budget, amount=Decimal("5"), date=JAN)
    assert month_totals(budget=budget, month=JAN, known_at=first.recorded_at).income == eur("10")


def populate(budget, buckets, transactions_per_bucket):
    for index in range(buckets):
        bucket = services.create_bucket(
            budget=budget,
            name=f"Bucket {index}",
            kind="variable",
            monthly_limit=Decimal("100"),
            rollover=index % 2 == 0,
            start_month=JAN,
        )
        services.set_allocation(bucket=bucket, month=JAN, amount=Decimal("80"))
        services.set_allocation(bucket=bucket, month=MAR, amount=Decimal("90"))
        for day in range(1, transactions_per_bucket + 1):
            expense = spend(bucket, "1.5", dt.date(2026, 1 + day % 3, day))
            if day % 4 == 0:
                services.void_transaction(transaction=expense, reason="Refund", by=None)


def queries_of_snapshot(budget):
    with CaptureQueriesContext(connection) as captured:
        rows = month_snapshot(budget=budget, month=MAR)
        # reading every field must not query either
        read = [(row.bucket.name, row.limit, row.spent, row.carry_over, row.available) for row in rows]
    assert len(read) == len(rows)
    return len(captured), rows


@pytest.mark.django_db
def test_a_snapshot_takes_three_queries_whatever_the_number_of_buckets_and_transactions(budget):
    small = budget
    large = services.create_budget(name="Large", currency="EUR")
    populate(small, buckets=1, transactions_per_bucket=2)
    populate(large, buckets=25, transactions_per_bucket=12)
    small_queries, small_rows = queries_of_snapshot(small)
    large_queries, large_rows = queries_of_snapshot(large)
    assert (len(small_rows), len(large_rows)) == (1, 25)
    assert small_queries == large_queries == 3


@pytest.mark.django_db
def test_a_snapshot_of_an_empty_budget_takes_the_same_three_queries(budget):
    assert queries_of_snapshot(budget) == (3, [])


@pytest.mark.django_db
def test_month_totals_take_one_query(budget):
    populate(budget, buckets=3, transactions_per_bucket=4)
    with CaptureQueriesContext(connection) as captured:
        month_totals(budget=budget, month=MAR)
    assert len(captured) == 1


@pytest.mark.django_db
def test_the_snapshot_reflects_the_limit_as_it_is_now_for_months_without_allocation(savings):
    services.update_bucket(bucket=savings, monthly_limit=Decimal("150"))
    assert row_of(savings, MAR).carry_over == eur("300")
    assert Bucket.objects.get(pk=savings.pk).monthly_limit == eur("150")
