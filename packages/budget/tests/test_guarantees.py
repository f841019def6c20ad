"""The database guarantees of ``Meta.guarantees``: every raw write path they close is refused, allowed writes pass."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from django_basemodels.guarantees import AppendOnly, FrozenColumns, RowTrigger, guarantee_problems, guarantees_of
from django_basemodels.testing import assert_write_paths_refused
from django_budget import services
from django_budget.models import Bucket, Budget, BudgetTransaction, MonthlyAllocation

DAY = dt.date(2026, 1, 15)
APPEND_ONLY = "django_budget_budgettransaction is append-only"
LOCKED = r"django_budget_budget\.currency cannot change"
MISMATCH = "django_budget: an amount must be in the currency of its budget"


def stored_key(instance):
    """The primary key as raw SQL binds it (SQLite and MariaDB keep a UUID as 32 hex digits)."""
    return type(instance)._meta.pk.get_db_prep_value(instance.pk, connection)


def raw(sql, params=None):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def declared(model):
    return [(type(guarantee), guarantee.name) for guarantee in guarantees_of(model)]


@pytest.fixture
def usd_budget(db):
    return services.create_budget(name="Travel", currency="USD")


@pytest.fixture
def expense(budget, groceries):
    return services.post_expense(budget=budget, bucket=groceries, amount=Decimal("120"), date=DAY)


@pytest.fixture
def allocation(groceries):
    return services.set_allocation(bucket=groceries, month="2026-02", amount=Decimal("500"))


def test_the_declared_guarantees_of_every_model():
    assert declared(BudgetTransaction) == [(AppendOnly, "append_only"), (RowTrigger, "currency_of_budget")]
    assert declared(Budget) == [(FrozenColumns, "currency_locked")]
    assert declared(Bucket) == [(RowTrigger, "currency_of_budget")]
    assert declared(MonthlyAllocation) == [(RowTrigger, "currency_of_budget")]


@pytest.mark.django_db
def test_every_declared_guarantee_is_installed_after_migrations():
    assert guarantee_problems() == []


@pytest.mark.django_db
def test_every_raw_write_path_of_a_transaction_is_refused(expense):
    refused = assert_write_paths_refused(expense, changes={"amount": Decimal("1")}, match=APPEND_ONLY)

    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)


@pytest.mark.django_db
def test_every_raw_write_path_of_a_void_is_refused(expense):
    void = services.void_transaction(transaction=expense, reason="duplicate", by=None)
    assert_write_paths_refused(void, changes={"reason": "rewritten"}, match=APPEND_ONLY)


@pytest.mark.django_db
def test_an_insert_reusing_the_idempotency_key_of_a_posting_is_refused(budget, groceries):
    posted = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=DAY, idempotency_key="k")
    copy_of_posted = BudgetTransaction(
        budget=budget, kind="expense", amount=Decimal("5"), currency="EUR", date=DAY, bucket=groceries, priority="A"
    )
    copy_of_posted.idempotency_key, copy_of_posted.split_index = posted.idempotency_key, posted.split_index
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_of_posted.save()
    assert BudgetTransaction.objects.count() == 1


@pytest.mark.django_db
def test_posting_and_voiding_still_insert_facts(expense):
    services.void_transaction(transaction=expense, reason="duplicate", by=None)
    assert BudgetTransaction.objects.count() == 2


@pytest.mark.django_db
def test_every_raw_write_path_changing_the_currency_of_a_budget_is_refused(budget):
    refused = assert_write_paths_refused(budget, changes={"currency": "USD"}, delete=False, match=LOCKED)
    assert "UPDATE" in {write.path for write in refused}
    assert Budget.objects.get().currency == "EUR"


@pytest.mark.django_db
def test_a_budget_keeps_its_other_columns_editable_and_deletable(budget):
    raw("UPDATE django_budget_budget SET name = 'Flat', currency = 'EUR'")
    assert Budget.objects.get().name == "Flat"
    raw("DELETE FROM django_budget_budget")
    assert not Budget.objects.exists()


@pytest.mark.django_db
def test_every_raw_write_path_putting_a_bucket_in_another_currency_is_refused(groceries):
    assert_write_paths_refused(groceries, changes={"monthly_limit_currency": "USD"}, delete=False, match=MISMATCH)
    assert Bucket.objects.get().monthly_limit_currency == "EUR"


@pytest.mark.django_db
def test_moving_a_bucket_to_a_budget_in_another_currency_is_refused(groceries, usd_budget):
    with pytest.raises(IntegrityError, match=MISMATCH):
        raw("UPDATE django_budget_bucket SET budget_id = %s", [stored_key(usd_budget)])
    assert Bucket.objects.get().budget_id == groceries.budget_id


@pytest.mark.django_db
def test_a_bucket_in_its_budgets_currency_is_created_updated_archived_and_deleted(groceries):
    services.update_bucket(bucket=groceries, name="Food", monthly_limit=Decimal("800"))
    services.archive_bucket(bucket=groceries)
    raw("UPDATE django_budget_bucket SET monthly_limit_currency = 'EUR', rollover = %s", [True])
    assert Bucket.objects.get().name == "Food"
    raw("DELETE FROM django_budget_bucket")
    assert not Bucket.objects.exists()


@pytest.mark.django_db
def test_every_raw_write_path_putting_an_allocation_in_another_currency_is_refused(allocation):
    assert_write_paths_refused(allocation, changes={"currency": "USD"}, delete=False, match=MISMATCH)
    assert MonthlyAllocation.objects.get().currency == "EUR"


@pytest.mark.django_db
def test_moving_an_allocation_to_a_bucket_of_a_budget_in_another_currency_is_refused(allocation, usd_budget):
    travel = services.create_bucket(
        budget=usd_budget, name="Trips", kind="fun", monthly_limit=Decimal("100"), start_month=dt.date(2026, 1, 1)
    )
    with pytest.raises(IntegrityError, match=MISMATCH):
        raw("UPDATE django_budget_monthlyallocation SET bucket_id = %s", [stored_key(travel)])


@pytest.mark.django_db
def test_an_allocation_is_set_again_in_place_and_cleared(allocation, groceries):
    services.set_allocation(bucket=groceries, month="2026-02", amount=Decimal("300"))
    assert MonthlyAllocation.objects.get().amount == Decimal("300")
    assert services.clear_allocation(bucket=groceries, month="2026-02")
    assert not MonthlyAllocation.objects.exists()


@pytest.mark.django_db
def test_a_transaction_in_another_currency_is_refused_by_the_database(budget):
    with pytest.raises(IntegrityError, match=MISMATCH), transaction.atomic():
        BudgetTransaction.objects.create(budget=budget, kind="income", amount=Decimal("5"), currency="USD", date=DAY)
    assert not BudgetTransaction.objects.exists()


@pytest.mark.django_db
def test_a_currency_that_differs_only_in_case_is_another_currency(budget, groceries, allocation):
    with pytest.raises(IntegrityError, match=MISMATCH), transaction.atomic():
        BudgetTransaction.objects.create(budget=budget, kind="income", amount=Decimal("5"), currency="eur", date=DAY)
    with pytest.raises(IntegrityError, match=MISMATCH):
        raw("UPDATE django_budget_bucket SET monthly_limit_currency = 'eur'")
    with pytest.raises(IntegrityError, match=MISMATCH):
        raw("UPDATE django_budget_monthlyallocation SET currency = 'eur'")
    with pytest.raises(IntegrityError, match=LOCKED):
        raw("UPDATE django_budget_budget SET currency = 'eur'")
