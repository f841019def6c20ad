import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.db import IntegrityError

from django_budget import (
    BucketArchived,
    CurrencyMismatch,
    FloatAmount,
    InvalidAmount,
    InvalidTransaction,
    UnbalancedSplit,
    services,
)
from django_budget.models import BudgetTransaction
from django_budget.services import SplitPart
from django_money import Money

DAY = dt.date(2026, 1, 15)


@pytest.mark.django_db
def test_an_expense_is_recorded_with_its_bucket_priority_and_date(budget, groceries, django_user_model):
    user = django_user_model.objects.create_user(username="ann")
    expense = services.post_expense(
        budget=budget, bucket=groceries, amount=Money("120.50", "EUR"), date=DAY, description=" Market ", by=user
    )
    stored = BudgetTransaction.objects.get(pk=expense.pk)
    assert (stored.kind, stored.money, stored.bucket, stored.priority, stored.date, stored.description) == (
        "expense",
        Money("120.50", "EUR"),
        groceries,
        "A",
        DAY,
        "Market",
    )
    assert stored.created_by == user
    assert not stored.is_reversal


@pytest.mark.django_db
def test_an_expense_takes_the_priority_it_is_given_over_the_buckets(budget, groceries):
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=DAY, priority="D")
    assert expense.priority == "D"


@pytest.mark.django_db
def test_an_income_has_no_bucket_and_no_priority(budget):
    income = services.post_income(budget=budget, amount=Decimal("3000"), date=DAY, description="Salary")
    stored = BudgetTransaction.objects.get(pk=income.pk)
    assert (stored.kind, stored.bucket, stored.priority, stored.money) == ("income", None, "", Money("3000", "EUR"))


@pytest.mark.django_db
def test_effective_at_is_the_start_of_the_day_in_the_current_time_zone(budget, groceries):
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=DAY)
    stored = BudgetTransaction.objects.get(pk=expense.pk)
    assert stored.effective_at == dt.datetime(2026, 1, 15, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
    assert stored.recorded_at > stored.effective_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (Decimal("0"), InvalidAmount),
        (Money("0", "EUR"), InvalidAmount),
        (Decimal("-10"), InvalidAmount),
        (Money("-10", "EUR"), InvalidAmount),
        (-3, InvalidAmount),
        (10.0, FloatAmount),
        (0.1, FloatAmount),
        (Money("10", "USD"), CurrencyMismatch),
        ("10", InvalidAmount),
        (True, InvalidAmount),
        (None, InvalidAmount),
        (Decimal("NaN"), InvalidAmount),
        (Decimal("Infinity"), InvalidAmount),
        (Decimal("1.00001"), InvalidAmount),
        (Decimal("1e15"), InvalidAmount),
    ],
)
def test_an_expense_with_a_zero_negative_float_foreign_or_unstorable_amount_is_refused_and_writes_nothing(
    budget, groceries, amount, error, row_counts
):
    before = row_counts()
    with pytest.raises(error):
        services.post_expense(budget=budget, bucket=groceries, amount=amount, date=DAY)
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (Decimal("0"), InvalidAmount),
        (Decimal("-1"), InvalidAmount),
        (1.5, FloatAmount),
        (Money("1", "JPY"), CurrencyMismatch),
    ],
)
def test_an_income_with_a_zero_negative_float_or_foreign_amount_is_refused_and_writes_nothing(
    budget, amount, error, row_counts
):
    before = row_counts()
    with pytest.raises(error):
        services.post_income(budget=budget, amount=amount, date=DAY)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_currency_mismatch_says_both_currencies(budget, groceries):
    with pytest.raises(CurrencyMismatch) as caught:
        services.post_expense(budget=budget, bucket=groceries, amount=Money("10", "USD"), date=DAY)
    assert (caught.value.expected, caught.value.got) == ("EUR", "USD")


@pytest.mark.django_db
def test_a_money_with_more_places_than_stored_but_trailing_zeros_is_accepted(budget, groceries):
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Money("1.500000", "EUR"), date=DAY)
    assert expense.amount == Decimal("1.5")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [
        {"date": dt.datetime(2026, 1, 15, 12, 0)},
        {"date": "2026-01-15"},
        {"description": 5},
        {"description": "x" * 256},
        {"priority": "E"},
        {"idempotency_key": ""},
        {"idempotency_key": "k" * 256},
        {"idempotency_key": 7},
        {"by": "ann"},
    ],
)
def test_an_expense_with_a_bad_argument_is_refused_and_writes_nothing(budget, groceries, arguments, row_counts):
    before = row_counts()
    with pytest.raises(InvalidTransaction):
        services.post_expense(
            **{"budget": budget, "bucket": groceries, "amount": Decimal("1"), "date": DAY, **arguments}
        )
    assert row_counts() == before


@pytest.mark.django_db
def test_an_unsaved_user_is_refused(budget, django_user_model, row_counts):
    before = row_counts()
    with pytest.raises(InvalidTransaction, match="by must be a saved"):
        services.post_income(budget=budget, amount=Decimal("1"), date=DAY, by=django_user_model(username="ghost"))
    assert row_counts() == before


@pytest.mark.django_db
def test_an_expense_in_a_bucket_of_another_budget_is_refused(budget, groceries, row_counts):
    other = services.create_budget(name="Office", currency="EUR")
    before = row_counts()
    with pytest.raises(InvalidTransaction, match="another budget"):
        services.post_expense(budget=other, bucket=groceries, amount=Decimal("1"), date=DAY)
    assert row_counts() == before


@pytest.mark.django_db
def test_an_expense_without_a_saved_bucket_is_refused(budget):
    with pytest.raises(InvalidTransaction, match="saved Bucket"):
        services.post_expense(budget=budget, bucket=None, amount=Decimal("1"), date=DAY)


@pytest.mark.django_db
def test_an_expense_dated_before_the_bucket_starts_is_refused(budget, groceries, row_counts):
    before = row_counts()
    with pytest.raises(InvalidTransaction, match="first month"):
        services.post_expense(budget=budget, bucket=groceries, amount=Decimal("1"), date=dt.date(2025, 12, 31))
    assert row_counts() == before


@pytest.mark.django_db
def test_an_archived_bucket_takes_no_expense(budget, groceries, row_counts):
    services.archive_bucket(bucket=groceries)
    before = row_counts()
    with pytest.raises(BucketArchived):
        services.post_expense(budget=budget, bucket=groceries, amount=Decimal("1"), date=DAY)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_stale_budget_instance_in_another_currency_is_refused_by_the_database(budget, groceries, row_counts):
    stale = type(budget).objects.get(pk=budget.pk)
    stale.currency = "USD"  # in memory only: the row says EUR
    before = row_counts()
    with pytest.raises(IntegrityError):
        services.post_income(budget=stale, amount=Money("1", "USD"), date=DAY)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_split_expense_writes_one_expense_per_part_sharing_a_group(budget, groceries, fun):
    parts = services.post_split_expense(
        budget=budget,
        total=Money("100", "EUR"),
        parts=[
            SplitPart(bucket=groceries, amount=Decimal("70")),
            SplitPart(bucket=fun, amount=Money("30", "EUR"), priority="D", description="Toy"),
        ],
        date=DAY,
        description="Supermarket",
    )
    assert [(p.bucket, p.amount, p.priority, p.description, p.split_index) for p in parts] == [
        (groceries, Decimal("70"), "A", "Supermarket", 0),
        (fun, Decimal("30"), "D", "Toy", 1),
    ]
    assert parts[0].split_group is not None
    assert parts[0].split_group == parts[1].split_group


@pytest.mark.django_db
def test_the_parts_of_a_split_are_recorded_at_one_instant(budget, groceries, fun):
    parts = services.post_split_expense(
        budget=budget,
        total=Money("100", "EUR"),
        parts=[SplitPart(bucket=groceries, amount=Decimal("70")), SplitPart(bucket=fun, amount=Decimal("30"))],
        date=DAY,
    )
    stored = BudgetTransaction.objects.filter(split_group=parts[0].split_group)
    assert {row.recorded_at for row in stored} == {parts[0].recorded_at}
    # So whoever reads the budget as known at any instant sees the whole split or none of it.
    known_at = parts[0].recorded_at
    assert BudgetTransaction.objects.known_at(known_at).filter(split_group=parts[0].split_group).count() == 2


@pytest.mark.django_db
def test_an_unbalanced_split_is_refused_and_writes_nothing(budget, groceries, fun, row_counts):
    before = row_counts()
    with pytest.raises(UnbalancedSplit, match="not to the total 100"):
        services.post_split_expense(
            budget=budget,
            total=Decimal("100"),
            parts=[SplitPart(bucket=groceries, amount=Decimal("70")), SplitPart(bucket=fun, amount=Decimal("29.99"))],
            date=DAY,
        )
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("total", "part", "error"),
    [
        (Decimal("10"), Decimal("0"), InvalidAmount),
        (Decimal("10"), 10.0, FloatAmount),
        (Decimal("10"), Money("10", "USD"), CurrencyMismatch),
        (10.0, Decimal("10"), FloatAmount),
        (Money("10", "USD"), Decimal("10"), CurrencyMismatch),
        (Decimal("0"), Decimal("10"), InvalidAmount),
    ],
)
def test_a_split_with_a_zero_float_or_foreign_amount_is_refused_and_writes_nothing(
    budget, groceries, total, part, error, row_counts
):
    before = row_counts()
    with pytest.raises(error):
        services.post_split_expense(
            budget=budget, total=total, parts=[SplitPart(bucket=groceries, amount=part)], date=DAY
        )
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("parts", [[], "abc", None, ["not a part"]])
def test_a_split_without_parts_is_refused(budget, parts):
    with pytest.raises(InvalidTransaction):
        services.post_split_expense(budget=budget, total=Decimal("1"), parts=parts, date=DAY)


@pytest.mark.django_db
def test_a_split_with_too_many_parts_is_refused(budget, groceries):
    parts = [SplitPart(bucket=groceries, amount=Decimal("1"))] * (services.MAX_SPLIT_PARTS + 1)
    with pytest.raises(InvalidTransaction, match="at most"):
        services.post_split_expense(budget=budget, total=Decimal(len(parts)), parts=parts, date=DAY)


@pytest.mark.django_db
def test_a_split_where_one_bucket_is_archived_writes_no_part(budget, groceries, fun, row_counts):
    services.archive_bucket(bucket=fun)
    before = row_counts()
    with pytest.raises(BucketArchived):
        services.post_split_expense(
            budget=budget,
            total=Decimal("2"),
            parts=[SplitPart(bucket=groceries, amount=Decimal("1")), SplitPart(bucket=fun, amount=Decimal("1"))],
            date=DAY,
        )
    assert row_counts() == before


@pytest.mark.django_db
def test_string_form_of_a_transaction_says_kind_amount_and_date(budget, groceries):
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=DAY)
    assert str(expense) == "expense 5.0000 EUR on 2026-01-15"
