import datetime as dt

import pytest

from django_budget import InvalidMonth
from django_budget.models import BudgetTransaction
from django_budget.months import months_between, next_month, to_month
from django_budget.selectors import month_snapshot, month_totals


@pytest.mark.parametrize(
    ("value", "month"),
    [(dt.date(2026, 2, 17), dt.date(2026, 2, 1)), ("2026-02", dt.date(2026, 2, 1)), ("0001-12", dt.date(1, 12, 1))],
)
def test_a_date_or_year_month_string_names_its_first_day(value, month):
    assert to_month(value) == month


@pytest.mark.parametrize(
    "value", ["2026-13", "2026-00", "2026-1", "26-01", "0000-01", "2026-01-01", dt.datetime(2026, 1, 1), 202601, None]
)
def test_anything_else_is_not_a_month(value):
    with pytest.raises(InvalidMonth):
        to_month(value)


def test_the_month_after_december_is_january_of_the_next_year():
    assert next_month(dt.date(2025, 12, 1)) == dt.date(2026, 1, 1)
    assert next_month(dt.date(2026, 1, 1)) == dt.date(2026, 2, 1)


def test_months_between_counts_whole_months_and_never_goes_negative():
    assert months_between(dt.date(2025, 11, 1), dt.date(2026, 2, 1)) == 3
    assert months_between(dt.date(2026, 2, 1), dt.date(2026, 2, 1)) == 0
    assert months_between(dt.date(2026, 3, 1), dt.date(2026, 2, 1)) == 0


def test_the_last_month_a_date_holds_has_no_next_month():
    assert next_month(dt.date(9999, 11, 1)) == dt.date(9999, 12, 1)
    with pytest.raises(InvalidMonth, match="9999-12 is the last month"):
        next_month(dt.date(9999, 12, 1))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "read",
    [
        lambda budget, month: month_snapshot(budget=budget, month=month),
        lambda budget, month: month_totals(budget=budget, month=month),
        lambda budget, month: list(BudgetTransaction.objects.filter(budget=budget).in_month(month)),
    ],
    ids=["month_snapshot", "month_totals", "in_month"],
)
def test_reading_the_last_month_is_refused_as_an_invalid_month(budget, groceries, read):
    read(budget, "9998-12")
    with pytest.raises(InvalidMonth):
        read(budget, "9999-12")
    with pytest.raises(InvalidMonth):
        read(budget, dt.date(9999, 12, 31))
