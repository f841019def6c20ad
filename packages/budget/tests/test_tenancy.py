"""Many organizations: two households hold budgets and buckets of the same names; neither reaches the other's rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import checks
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from django_basemodels import ANY_ORG, org_key
from django_basemodels.tenancy import per_database_natural_keys
from django_budget import (
    IdempotencyKeyReusedError,
    InvalidBudgetError,
    InvalidTransactionError,
    SplitPart,
    budgets,
    create_bucket,
    create_budget,
    month_snapshot,
    month_totals,
    post_expense,
    post_income,
    post_split_expense,
    void_transaction,
)
from django_budget.models import Bucket, Budget, BudgetTransaction

pytestmark = pytest.mark.django_db

JAN = dt.date(2026, 1, 1)
DAY = dt.date(2026, 1, 15)


@pytest.fixture
def smiths(db):
    return Group.objects.create(name="The Smiths")


@pytest.fixture
def joneses(db):
    return Group.objects.create(name="The Joneses")


def household(org, spent):
    """A budget "Home" of ``org`` with a bucket "Groceries", an income and an expense of ``spent``."""
    home = create_budget(name="Home", currency="EUR", org=org)
    groceries = create_bucket(
        budget=home, name="Groceries", kind="essentials", monthly_limit=Decimal("900"), start_month=JAN
    )
    post_income(budget=home, amount=Decimal("3000"), date=DAY)
    post_expense(budget=home, bucket=groceries, amount=spent, date=DAY)
    return home, groceries


@pytest.fixture
def smith_home(smiths):
    return household(smiths, Decimal("100"))


@pytest.fixture
def jones_home(joneses):
    return household(joneses, Decimal("250"))


@pytest.fixture
def no_org_home(db):
    return household(None, Decimal("40"))


def test_two_organizations_hold_budgets_and_buckets_of_the_same_names(smiths, joneses, smith_home, jones_home):
    (smith_budget, smith_groceries), (jones_budget, jones_groceries) = smith_home, jones_home
    assert (smith_budget.org, jones_budget.org) == (smiths, joneses)
    assert Budget.objects.get(pk=smith_budget.pk).org_key == f"auth.group:{smiths.pk}"
    assert Budget.objects.get(pk=jones_budget.pk).org == joneses
    assert smith_groceries.name == jones_groceries.name == "Groceries"
    assert smith_groceries.pk != jones_groceries.pk


def test_budgets_lists_the_budgets_of_one_organization_in_one_query(smiths, smith_home, jones_home, no_org_home):
    with CaptureQueriesContext(connection) as captured:
        listed = list(budgets(org=smiths))
    assert listed == [smith_home[0]]
    assert len(captured.captured_queries) == 1
    assert list(budgets(org=None)) == [no_org_home[0]]
    assert {budget.pk for budget in budgets()} == {smith_home[0].pk, jones_home[0].pk, no_org_home[0].pk}
    assert budgets(org=ANY_ORG).count() == 3


def test_an_organization_with_no_budget_lists_none(smith_home):
    assert list(budgets(org="org-without-budgets")) == []


def test_a_string_key_is_an_organization_too():
    home = create_budget(name="Home", currency="EUR", org="household-42")
    create_budget(name="Home", currency="EUR", org="household-43")
    assert home.org == "household-42"
    assert list(budgets(org="household-42")) == [home]


def test_budgets_are_listed_by_name_within_an_organization(smiths):
    travel = create_budget(name="Travel", currency="EUR", org=smiths)
    car = create_budget(name="Car", currency="EUR", org=smiths)
    assert list(budgets(org=smiths)) == [car, travel]


def test_two_budgets_of_one_organization_may_share_a_name(smiths):
    # A budget has no natural key: the name is a label, as before organizations.
    first = create_budget(name="Home", currency="EUR", org=smiths)
    second = create_budget(name="Home", currency="EUR", org=smiths)
    assert set(budgets(org=smiths)) == {first, second}


def test_buckets_and_transactions_belong_to_the_organization_of_their_budget(
    smiths, joneses, smith_home, jones_home, no_org_home
):
    assert list(Bucket.objects.for_org(smiths)) == [smith_home[1]]
    assert list(Bucket.objects.for_org(None)) == [no_org_home[1]]
    assert set(BudgetTransaction.objects.for_org(joneses).values_list("budget", flat=True)) == {jones_home[0].pk}
    assert BudgetTransaction.objects.for_org(smiths).expenses().get().amount == Decimal("100")
    assert BudgetTransaction.objects.for_org(ANY_ORG).count() == 6


def test_the_snapshot_and_totals_of_a_budget_count_its_own_facts_only(smith_home, jones_home):
    smith_budget, _ = smith_home
    with CaptureQueriesContext(connection) as captured:
        [row] = month_snapshot(budget=smith_budget, month=JAN)
    assert len(captured.captured_queries) == 3
    assert (row.bucket, str(row.spent), str(row.remaining)) == (smith_home[1], "100.0000 EUR", "800.0000 EUR")
    totals = month_totals(budget=jones_home[0], month=JAN)
    assert (str(totals.income), str(totals.spent)) == ("3000.0000 EUR", "250.0000 EUR")


def test_an_expense_in_a_bucket_of_another_organization_is_refused_and_writes_nothing(
    smith_home, jones_home, row_counts
):
    before = row_counts()
    with pytest.raises(InvalidTransactionError, match="belongs to another budget"):
        post_expense(budget=smith_home[0], bucket=jones_home[1], amount=Decimal("5"), date=DAY)
    with pytest.raises(InvalidTransactionError, match="belongs to another budget"):
        post_split_expense(
            budget=smith_home[0],
            total=Decimal("10"),
            parts=[SplitPart(smith_home[1], Decimal("5")), SplitPart(jones_home[1], Decimal("5"))],
            date=DAY,
        )
    assert row_counts() == before


def test_without_organizations_budgets_work_as_before(no_org_home):
    home, _ = no_org_home
    assert (home.org_key, home.org) == ("", None)
    assert [str(row.spent) for row in month_snapshot(budget=home, month=JAN)] == ["40.0000 EUR"]
    assert list(budgets()) == [home]


@pytest.mark.parametrize("org", ["", 7, Group(name="unsaved"), "x" * 256])
def test_an_org_that_names_no_organization_is_refused_and_writes_nothing(db, org, row_counts):
    before = row_counts()
    with pytest.raises(InvalidBudgetError, match=r"^org: "):
        create_budget(name="Home", currency="EUR", org=org)
    assert row_counts() == before


def test_budgets_refuses_an_org_that_names_no_organization(db):
    with pytest.raises(ValueError, match="empty string"):
        budgets(org="")


def test_a_posting_key_names_one_request_whatever_the_organization(smith_home, jones_home, row_counts):
    # Request keys are the clients' random tokens, run once per database (django-decisioning's run_once).
    post_income(budget=smith_home[0], amount=Decimal("10"), date=DAY, idempotency_key="receipt-1")
    before = row_counts()
    with pytest.raises(IdempotencyKeyReusedError):
        post_income(budget=jones_home[0], amount=Decimal("10"), date=DAY, idempotency_key="receipt-1")
    assert row_counts() == before


def test_a_void_key_names_one_void_whatever_the_organization(smith_home, jones_home, row_counts):
    smith_expense = BudgetTransaction.objects.for_org(smith_home[0].org).expenses().get()
    jones_expense = BudgetTransaction.objects.for_org(jones_home[0].org).expenses().get()
    void_transaction(smith_expense, reason="Refund", by=None, idempotency_key="void-1")
    before = row_counts()
    with pytest.raises(IdempotencyKeyReusedError):
        void_transaction(jones_expense, reason="Refund", by=None, idempotency_key="void-1")
    assert row_counts() == before


def test_the_database_refuses_two_voids_of_one_key_in_two_organizations(smith_home, jones_home):
    originals = [BudgetTransaction.objects.for_org(home[0].org).expenses().get() for home in (smith_home, jones_home)]
    voids = [
        BudgetTransaction(
            budget_id=original.budget_id,
            kind=original.kind,
            amount=original.amount,
            currency=original.currency,
            date=original.date,
            effective_at=original.effective_at,
            bucket_id=original.bucket_id,
            priority=original.priority,
            reverses=original,
            reason="Refund",
            idempotency_key="void-1",
        )
        for original in originals
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetTransaction.objects.bulk_create(voids)
    assert not BudgetTransaction.objects.reversals().exists()


def test_bucket_names_stay_unique_per_budget_in_the_database(smiths, smith_home):
    _, groceries = smith_home
    other = create_budget(name="Travel", currency="EUR", org=smiths)
    twin = Bucket(
        budget=groceries.budget,
        name="Groceries",
        kind="essentials",
        monthly_limit_amount=Decimal("1"),
        monthly_limit_currency="EUR",
        start_month=JAN,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Bucket.objects.bulk_create([twin])
    twin.budget = other
    Bucket.objects.bulk_create([twin])
    assert Bucket.objects.for_org(smiths).filter(name="Groceries").count() == 2


def test_the_org_is_settable_in_the_constructor(smiths):
    budget = Budget(name="Home", currency="EUR", org=smiths)
    budget.save()
    assert Budget.objects.get(org_key=org_key(smiths)) == budget


def test_no_model_of_the_package_has_a_natural_key_unique_per_database():
    models = list(apps.get_app_config("django_budget").get_models())
    assert {model.__name__ for model in models} == {"Budget", "Bucket", "MonthlyAllocation", "BudgetTransaction"}
    assert {model.__name__: per_database_natural_keys(model) for model in models} == {
        model.__name__: [] for model in models
    }
    assert "django_basemodels.W020" not in natural_key_check_ids()


def natural_key_check_ids():
    return [message.id for message in checks.run_checks(app_configs=[apps.get_app_config("django_budget")])]


def test_the_void_key_is_unique_per_database_on_purpose(monkeypatch):
    assert set(BudgetTransaction.unique_per_database) == {("idempotency_key",)}
    monkeypatch.setattr(BudgetTransaction, "unique_per_database", {})
    assert per_database_natural_keys(BudgetTransaction) == [("idempotency_key",)]
    assert "django_basemodels.W020" in natural_key_check_ids()
