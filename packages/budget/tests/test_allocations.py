import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from django_budget import BucketArchived, CurrencyMismatch, FloatAmount, InvalidAmount, InvalidMonth, services
from django_budget.models import MonthlyAllocation
from django_budget.selectors import month_snapshot
from django_money import Money


def limit_of(bucket, month):
    [row] = [row for row in month_snapshot(budget=bucket.budget, month=month) if row.bucket == bucket]
    return row.limit, row.limit_is_allocation


@pytest.mark.django_db
def test_an_allocation_replaces_the_monthly_limit_for_its_month_only(fun):
    services.set_allocation(bucket=fun, month="2026-02", amount=Money("150", "EUR"))
    assert limit_of(fun, "2026-02") == (Money("150", "EUR"), True)
    assert limit_of(fun, "2026-01") == (Money("200", "EUR"), False)
    assert limit_of(fun, "2026-03") == (Money("200", "EUR"), False)


@pytest.mark.django_db
def test_any_day_of_the_month_names_the_month(fun):
    allocation = services.set_allocation(bucket=fun, month=dt.date(2026, 2, 17), amount=Decimal("150"))
    assert allocation.month == dt.date(2026, 2, 1)


@pytest.mark.django_db
def test_setting_an_allocation_again_overwrites_it_in_place(fun):
    first = services.set_allocation(bucket=fun, month="2026-02", amount=Decimal("150"))
    second = services.set_allocation(bucket=fun, month="2026-02", amount=Decimal("120"))
    assert first.pk == second.pk
    assert MonthlyAllocation.objects.get().money == Money("120", "EUR")


@pytest.mark.django_db
def test_a_zero_allocation_is_a_limit_of_zero(fun):
    services.set_allocation(bucket=fun, month="2026-02", amount=0)
    assert limit_of(fun, "2026-02") == (Money("0", "EUR"), True)


@pytest.mark.django_db
def test_clearing_an_allocation_brings_back_the_monthly_limit(fun):
    services.set_allocation(bucket=fun, month="2026-02", amount=Decimal("150"))
    assert services.clear_allocation(bucket=fun, month="2026-02") is True
    assert limit_of(fun, "2026-02") == (Money("200", "EUR"), False)


@pytest.mark.django_db
def test_clearing_a_missing_allocation_says_so(fun):
    assert services.clear_allocation(bucket=fun, month="2026-02") is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (Decimal("-5"), InvalidAmount),
        (150.0, FloatAmount),
        (Money("150", "GBP"), CurrencyMismatch),
        (True, InvalidAmount),
    ],
)
def test_a_negative_float_foreign_or_boolean_allocation_is_refused(fun, amount, error, row_counts):
    before = row_counts()
    with pytest.raises(error):
        services.set_allocation(bucket=fun, month="2026-02", amount=amount)
    assert row_counts() == before


@pytest.mark.django_db
def test_an_allocation_before_the_bucket_starts_is_refused(fun):
    with pytest.raises(InvalidMonth, match="first month"):
        services.set_allocation(bucket=fun, month="2025-12", amount=Decimal("1"))
    assert not MonthlyAllocation.objects.exists()


@pytest.mark.django_db
def test_an_archived_bucket_takes_no_allocation(fun):
    services.archive_bucket(bucket=fun)
    with pytest.raises(BucketArchived):
        services.set_allocation(bucket=fun, month="2026-02", amount=Decimal("1"))


@pytest.mark.django_db
def test_an_allocation_in_another_currency_is_refused_by_the_database(fun):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyAllocation.objects.create(bucket=fun, month=dt.date(2026, 2, 1), money=Money("1", "USD"))


@pytest.mark.django_db
def test_string_form_of_an_allocation_names_bucket_month_and_amount(fun):
    allocation = services.set_allocation(bucket=fun, month="2026-02", amount=Decimal("150"))
    assert str(allocation) == "Fun 2026-02: 150.0000 EUR"


@pytest.mark.django_db
def test_an_allocation_on_a_stale_instance_of_an_archived_bucket_is_refused(fun):
    stale = type(fun).objects.get(pk=fun.pk)
    services.archive_bucket(bucket=fun)
    with pytest.raises(BucketArchived):
        services.set_allocation(bucket=stale, month="2026-02", amount=Decimal("1"))
    assert not MonthlyAllocation.objects.exists()
