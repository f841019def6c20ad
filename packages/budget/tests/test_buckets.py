import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from django_budget import (
    BucketArchived,
    BucketNameTaken,
    CurrencyMismatch,
    FloatAmount,
    InvalidAmount,
    InvalidBucket,
    InvalidMonth,
    services,
)
from django_budget.models import Bucket
from django_budget.services import buckets
from django_money import Money

from .conftest import JAN


@pytest.mark.django_db
def test_a_bucket_stores_its_monthly_limit_as_money_in_the_budget_currency(budget):
    bucket = services.create_bucket(
        budget=budget, name="Rent", kind="essentials", monthly_limit=Money("1200", "EUR"), start_month="2026-01"
    )
    stored = Bucket.objects.get(pk=bucket.pk)
    assert (stored.monthly_limit, stored.kind, stored.priority, stored.rollover) == (
        Money("1200", "EUR"),
        "essentials",
        "B",
        False,
    )
    assert stored.start_month == JAN


@pytest.mark.django_db
def test_the_start_month_defaults_to_the_current_month(budget):
    bucket = services.create_bucket(budget=budget, name="Rent", kind="essentials", monthly_limit=Decimal("1"))
    assert bucket.start_month == timezone.localdate().replace(day=1)


@pytest.mark.django_db
def test_a_zero_limit_is_allowed_for_an_informational_bucket(budget):
    bucket = services.create_bucket(budget=budget, name="Misc", kind="other", monthly_limit=0)
    assert bucket.monthly_limit == Money("0", "EUR")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("limit", "error"),
    [
        (Decimal("-1"), InvalidAmount),
        (200.0, FloatAmount),
        (Money("200", "USD"), CurrencyMismatch),
        ("200", InvalidAmount),
        (Decimal("0.00001"), InvalidAmount),
    ],
)
def test_a_negative_float_foreign_or_unstorable_limit_is_refused(budget, limit, error, row_counts):
    before = row_counts()
    with pytest.raises(error):
        services.create_bucket(budget=budget, name="Fun", kind="fun", monthly_limit=limit)
    assert row_counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "arguments",
    [
        {"kind": "luxury"},
        {"priority": "E"},
        {"rollover": "yes"},
        {"name": ""},
        {"name": "x" * 101},
    ],
)
def test_an_unknown_kind_priority_rollover_or_bad_name_is_refused(budget, arguments, row_counts):
    before = row_counts()
    with pytest.raises(InvalidBucket):
        services.create_bucket(**{"budget": budget, "name": "Fun", "kind": "fun", "monthly_limit": 1, **arguments})
    assert row_counts() == before


@pytest.mark.django_db
def test_a_bucket_of_an_unsaved_budget_is_refused():
    from django_budget.models import Budget

    with pytest.raises(InvalidBucket, match="saved Budget"):
        services.create_bucket(budget=Budget(name="x", currency="EUR"), name="Fun", kind="fun", monthly_limit=1)


@pytest.mark.django_db
def test_a_start_month_that_is_no_month_is_refused(budget):
    with pytest.raises(InvalidMonth):
        services.create_bucket(budget=budget, name="Fun", kind="fun", monthly_limit=1, start_month="2026-13")


@pytest.mark.django_db
def test_two_live_buckets_of_a_budget_cannot_share_a_name(groceries, row_counts):
    before = row_counts()
    with pytest.raises(BucketNameTaken):
        services.create_bucket(budget=groceries.budget, name="Groceries", kind="variable", monthly_limit=1)
    assert row_counts() == before


@pytest.mark.django_db
def test_the_database_refuses_a_duplicate_name_that_slipped_past_the_check(groceries, monkeypatch, row_counts):
    # A concurrent request taking the name between the check and the insert, simulated.
    real_check = buckets._refuse_taken_name
    checks = iter([lambda *args, **kwargs: None])
    monkeypatch.setattr(buckets, "_refuse_taken_name", lambda *a, **k: next(checks, real_check)(*a, **k))
    before = row_counts()
    with pytest.raises(BucketNameTaken):
        services.create_bucket(budget=groceries.budget, name="Groceries", kind="variable", monthly_limit=1)
    assert row_counts() == before


@pytest.mark.django_db
def test_names_that_differ_only_in_case_are_two_buckets(groceries):
    shouting = services.create_bucket(budget=groceries.budget, name="GROCERIES", kind="variable", monthly_limit=1)
    assert shouting.pk != groceries.pk
    assert sorted(Bucket.objects.values_list("name", flat=True)) == ["GROCERIES", "Groceries"]


@pytest.mark.django_db
def test_an_archived_bucket_frees_its_name(groceries):
    services.archive_bucket(bucket=groceries)
    again = services.create_bucket(budget=groceries.budget, name="Groceries", kind="essentials", monthly_limit=1)
    assert again.pk != groceries.pk


@pytest.mark.django_db
def test_the_same_name_is_allowed_in_another_budget(groceries):
    other = services.create_budget(name="Office", currency="EUR")
    assert (
        services.create_bucket(budget=other, name="Groceries", kind="essentials", monthly_limit=1).name == "Groceries"
    )


@pytest.mark.django_db
def test_update_changes_only_the_settings_given(groceries):
    services.update_bucket(bucket=groceries, monthly_limit=Money("950", "EUR"), rollover=True)
    stored = Bucket.objects.get(pk=groceries.pk)
    assert (stored.monthly_limit, stored.rollover, stored.name, stored.kind, stored.priority) == (
        Money("950", "EUR"),
        True,
        "Groceries",
        "essentials",
        "A",
    )


@pytest.mark.django_db
def test_update_refreshes_the_instance_it_was_given(groceries):
    services.update_bucket(bucket=groceries, name="Food", kind="variable", priority="B")
    assert (groceries.name, groceries.kind, groceries.priority) == ("Food", "variable", "B")


@pytest.mark.django_db
def test_update_to_a_name_taken_by_another_live_bucket_is_refused(groceries, fun):
    with pytest.raises(BucketNameTaken):
        services.update_bucket(bucket=fun, name="Groceries")
    assert Bucket.objects.get(pk=fun.pk).name == "Fun"


@pytest.mark.django_db
def test_update_keeping_its_own_name_is_allowed(groceries):
    services.update_bucket(bucket=groceries, name="Groceries", priority="B")
    assert Bucket.objects.get(pk=groceries.pk).priority == "B"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"monthly_limit": 9.5}, FloatAmount),
        ({"monthly_limit": Money("1", "USD")}, CurrencyMismatch),
        ({"kind": "yacht"}, InvalidBucket),
        ({"priority": "Z"}, InvalidBucket),
        ({"rollover": 1}, InvalidBucket),
        ({"name": " "}, InvalidBucket),
    ],
)
def test_update_with_a_bad_value_changes_nothing(groceries, arguments, error):
    before = Bucket.objects.filter(pk=groceries.pk).values().get()
    with pytest.raises(error):
        services.update_bucket(bucket=groceries, **arguments)
    assert Bucket.objects.filter(pk=groceries.pk).values().get() == before


@pytest.mark.django_db
def test_an_archived_bucket_cannot_be_updated(groceries):
    services.archive_bucket(bucket=groceries)
    with pytest.raises(BucketArchived):
        services.update_bucket(bucket=groceries, rollover=True)


@pytest.mark.django_db
def test_archiving_twice_keeps_the_first_archive_time(groceries):
    first = services.archive_bucket(bucket=groceries).archived_at
    services.archive_bucket(bucket=groceries)
    assert Bucket.objects.get(pk=groceries.pk).archived_at == first
    assert Bucket.objects.get(pk=groceries.pk).is_archived


@pytest.mark.django_db
def test_a_monthly_limit_in_another_currency_is_refused_by_the_database(budget):
    with pytest.raises(IntegrityError), transaction.atomic():
        Bucket.objects.create(
            budget=budget, name="Raw", kind="fun", monthly_limit=Money("1", "USD"), start_month=dt.date(2026, 1, 1)
        )


@pytest.mark.django_db
def test_changing_a_monthly_limit_currency_by_raw_sql_is_refused(groceries):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_budget_bucket SET monthly_limit_currency = 'USD'")


@pytest.mark.django_db
def test_string_form_of_a_bucket_is_its_name(groceries):
    assert str(groceries) == "Groceries"


@pytest.mark.django_db
def test_a_stale_budget_instance_in_another_currency_cannot_get_a_bucket(budget, row_counts):
    stale = type(budget).objects.get(pk=budget.pk)
    stale.currency = "USD"  # in memory only: the row says EUR
    before = row_counts()
    with pytest.raises(IntegrityError, match="currency of its budget"):
        services.create_bucket(budget=stale, name="Fun", kind="fun", monthly_limit=Money("1", "USD"))
    assert row_counts() == before
