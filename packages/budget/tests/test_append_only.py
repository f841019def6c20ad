"""Budget transactions are append-only: the model, the queryset and the database refuse edits."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from django_budget import TransactionImmutable, services
from django_budget.models import BudgetTransaction

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def expense(budget, groceries):
    return services.post_expense(budget=budget, bucket=groceries, amount=Decimal("120"), date=DAY)


def amounts():
    return list(BudgetTransaction.objects.values_list("amount", flat=True))


@pytest.mark.django_db
def test_saving_a_saved_transaction_is_refused(expense):
    expense.amount = Decimal("1")
    with pytest.raises(TransactionImmutable):
        expense.save()
    assert amounts() == [Decimal("120")]


@pytest.mark.django_db
def test_deleting_a_transaction_is_refused(expense):
    with pytest.raises(TransactionImmutable):
        expense.delete()
    assert amounts() == [Decimal("120")]


@pytest.mark.django_db
def test_queryset_update_is_refused(expense):
    with pytest.raises(TransactionImmutable):
        BudgetTransaction.objects.filter(pk=expense.pk).update(amount=Decimal("1"))
    assert amounts() == [Decimal("120")]


@pytest.mark.django_db
def test_queryset_delete_is_refused(expense):
    with pytest.raises(TransactionImmutable):
        BudgetTransaction.objects.all().delete()
    assert amounts() == [Decimal("120")]


@pytest.mark.django_db
def test_raw_sql_update_is_refused_by_the_database(expense):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_budget_budgettransaction SET amount = 1")
    assert amounts() == [Decimal("120")]


@pytest.mark.django_db
def test_raw_sql_update_that_changes_nothing_is_still_refused(expense):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_budget_budgettransaction SET description = description")


@pytest.mark.django_db
def test_raw_sql_delete_is_refused_by_the_database(expense):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_budget_budgettransaction")
    assert amounts() == [Decimal("120")]


@pytest.mark.django_db
def test_base_manager_update_is_refused_by_the_database(expense):
    # Django's base manager is a plain Manager: only the trigger stands in its way.
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetTransaction._base_manager.filter(pk=expense.pk).update(amount=Decimal("1"))
    assert amounts() == [Decimal("120")]


@pytest.mark.django_db
def test_an_insert_in_another_currency_than_the_budgets_is_refused_by_the_database(budget, groceries):
    with (
        pytest.raises(IntegrityError, match="currency of its budget"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO django_budget_budgettransaction (id, recorded_at, effective_at, budget_id, kind, amount,"
            " currency, date, bucket_id, priority, description, request_fingerprint, split_index, reason)"
            " SELECT %s, %s, %s, budget_id, 'expense', 5, 'USD', %s, id, 'A', '', '', 0, '' FROM django_budget_bucket",
            ["0" * 31 + "1", "2026-01-15 00:00:00", "2026-01-15 00:00:00", "2026-01-15"],
        )
    assert amounts() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"amount": Decimal("0")}, "django_budget_tx_amount_positive"),
        ({"bucket": None}, "django_budget_tx_kind_shape"),
        ({"priority": ""}, "django_budget_tx_kind_shape"),
        ({"kind": "income"}, "django_budget_tx_kind_shape"),
        ({"reason": "why"}, "django_budget_tx_void_shape"),
    ],
)
def test_check_constraints_refuse_malformed_rows(budget, groceries, fields, constraint):
    values = {
        "budget": budget,
        "kind": "expense",
        "amount": Decimal("5"),
        "currency": "EUR",
        "date": DAY,
        "bucket": groceries,
        "priority": "A",
        **fields,
    }
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        BudgetTransaction.objects.create(**values)
