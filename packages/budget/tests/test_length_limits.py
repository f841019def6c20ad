"""Caps on the text callers write: a void's reason (``BUDGET_MAX_TEXT_LENGTH``) and the bounded columns.

Transactions and voids are append-only facts, so an oversized value is refused with the package's
typed error before anything is written. A description, a budget name and a bucket name are held
to their columns' ``max_length`` the same way on every database (PostgreSQL would fail the insert,
SQLite would store the whole text).
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from django_budget import InvalidBucket, InvalidBudget, InvalidTransaction, services
from django_budget.checks import check_settings
from django_budget.models import BudgetTransaction
from django_budget.services import SplitPart

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 15)
TEXT_LIMIT = 10_000
DESCRIPTION_COLUMN = 255


@pytest.fixture
def manager(django_user_model):
    user = django_user_model.objects.create_user(username="manager")
    user.user_permissions.add(Permission.objects.get(codename="void_budgettransaction"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def expense(budget, groceries):
    return services.post_expense(budget=budget, bucket=groceries, amount=Decimal("120"), date=DAY, description="Market")


# --- the reason of a void ------------------------------------------------------------------------


def test_a_reason_at_the_limit_is_recorded(expense, manager):
    reversal = services.void_transaction(transaction=expense, reason="r" * TEXT_LIMIT, by=manager)
    reversal.refresh_from_db()
    assert reversal.reason == "r" * TEXT_LIMIT
    assert reversal.decision.evidence["reason"] == "r" * TEXT_LIMIT


def test_a_reason_over_the_limit_is_refused_and_writes_nothing(expense, manager, row_counts):
    before = row_counts()
    with pytest.raises(InvalidTransaction, match="reason has 10,001 characters; at most 10,000"):
        services.void_transaction(
            transaction=expense, reason="r" * (TEXT_LIMIT + 1), by=manager, idempotency_key="void-1"
        )
    assert row_counts() == before


def test_the_reason_limit_follows_the_setting(expense, manager, row_counts):
    with override_settings(BUDGET_MAX_TEXT_LENGTH=20):
        before = row_counts()
        with pytest.raises(InvalidTransaction):
            services.void_transaction(transaction=expense, reason="r" * 21, by=manager)
        assert row_counts() == before
        assert services.void_transaction(transaction=expense, reason="r" * 20, by=manager).reason == "r" * 20


def test_the_reason_is_measured_without_surrounding_spaces(expense, manager):
    with override_settings(BUDGET_MAX_TEXT_LENGTH=20):
        assert services.void_transaction(transaction=expense, reason=f"  {'r' * 20}  ", by=manager).reason == "r" * 20


# --- descriptions: their 255-character column ----------------------------------------------------


def post_income(budget, groceries, description):
    return [services.post_income(budget=budget, amount=Decimal("10"), date=DAY, description=description)]


def post_expense(budget, groceries, description):
    return [
        services.post_expense(budget=budget, bucket=groceries, amount=Decimal("10"), date=DAY, description=description)
    ]


def post_split(budget, groceries, description):
    parts = [SplitPart(bucket=groceries, amount=Decimal("6")), SplitPart(bucket=groceries, amount=Decimal("4"))]
    return services.post_split_expense(
        budget=budget, total=Decimal("10"), parts=parts, date=DAY, description=description
    )


def post_split_part(budget, groceries, description):
    parts = [
        SplitPart(bucket=groceries, amount=Decimal("6"), description=description),
        SplitPart(bucket=groceries, amount=Decimal("4")),
    ]
    return services.post_split_expense(budget=budget, total=Decimal("10"), parts=parts, date=DAY)[:1]


POSTINGS = [post_income, post_expense, post_split, post_split_part]


@pytest.mark.parametrize("post", POSTINGS)
@pytest.mark.parametrize("letter", ["x", "é", "💶"], ids=["ascii", "accented", "astral"])
def test_a_description_filling_its_column_is_stored_whole(budget, groceries, post, letter):
    for posted in post(budget, groceries, letter * DESCRIPTION_COLUMN):
        assert BudgetTransaction.objects.get(pk=posted.pk).description == letter * DESCRIPTION_COLUMN


@pytest.mark.parametrize("post", POSTINGS)
def test_a_description_longer_than_its_column_is_refused_and_writes_nothing(budget, groceries, post, row_counts):
    before = row_counts()
    with pytest.raises(InvalidTransaction, match="description has 256 characters; at most 255"):
        post(budget, groceries, "x" * (DESCRIPTION_COLUMN + 1))
    assert row_counts() == before


def test_a_split_part_names_the_part_whose_description_is_too_long(budget, groceries):
    with pytest.raises(InvalidTransaction, match=r"parts\[0\]\.description has 256 characters"):
        post_split_part(budget, groceries, "x" * (DESCRIPTION_COLUMN + 1))


def test_the_description_follows_its_column_not_the_text_setting(budget, groceries):
    with override_settings(BUDGET_MAX_TEXT_LENGTH=20):
        [posted] = post_income(budget, groceries, "x" * DESCRIPTION_COLUMN)
    assert len(posted.description) == DESCRIPTION_COLUMN


# --- budget and bucket names: their columns ------------------------------------------------------


def test_a_budget_name_filling_its_column_is_stored_whole(db):
    budget = services.create_budget(name="n" * 200, currency="EUR")
    budget.refresh_from_db()
    assert budget.name == "n" * 200


def test_a_budget_name_longer_than_its_column_is_refused(db, row_counts):
    with pytest.raises(InvalidBudget, match="name has 201 characters; at most 200"):
        services.create_budget(name="n" * 201, currency="EUR")
    assert row_counts()["Budget"] == 0


def test_a_bucket_name_filling_its_column_is_stored_whole(budget, groceries):
    created = services.create_bucket(budget=budget, name="n" * 100, kind="fun", monthly_limit=Decimal("1"))
    services.update_bucket(bucket=groceries, name="m" * 100)
    created.refresh_from_db()
    groceries.refresh_from_db()
    assert (created.name, groceries.name) == ("n" * 100, "m" * 100)


def test_a_bucket_name_longer_than_its_column_is_refused(budget, groceries, row_counts):
    before = row_counts()
    with pytest.raises(InvalidBucket, match="name has 101 characters; at most 100"):
        services.create_bucket(budget=budget, name="n" * 101, kind="fun", monthly_limit=Decimal("1"))
    with pytest.raises(InvalidBucket, match="name has 101 characters; at most 100"):
        services.update_bucket(bucket=groceries, name="n" * 101)
    assert row_counts() == before
    groceries.refresh_from_db()
    assert groceries.name == "Groceries"


# --- the setting's check -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1, "10000", 1.5, True, None])
def test_a_limit_that_is_not_a_positive_int_is_an_error(settings, value):
    settings.BUDGET_MAX_TEXT_LENGTH = value
    assert [message.id for message in check_settings()] == ["django_budget.E006"]


def test_a_positive_limit_passes_the_checks(settings):
    settings.BUDGET_MAX_TEXT_LENGTH = 1
    assert check_settings() == []
