"""A budget transaction names what caused it: a generic ``reference`` to any model (an obligation, an
invoice, a deal), kept by its void, part of the request an idempotency key stands for."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from django_budget import (
    IdempotencyKeyReusedError,
    InvalidTransactionError,
    SplitPart,
    post_expense,
    post_income,
    post_split_expense,
    transactions_for_reference,
    void_transaction,
)
from django_budget.models import BudgetTransaction

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def invoice(db):
    return Group.objects.create(name="Invoice 2026-031")  # any saved model stands for the invoice


@pytest.fixture
def deal(db):
    return User.objects.create(username="deal-7")


def test_postings_name_their_reference_and_are_found_by_it(budget, groceries, fun, invoice, deal):
    income = post_income(budget=budget, amount=Decimal("1200"), date=DAY, reference=invoice)
    expense = post_expense(budget=budget, bucket=groceries, amount=Decimal("80"), date=DAY, reference=deal)
    parts = post_split_expense(
        budget=budget,
        total=Decimal("50"),
        parts=[SplitPart(bucket=groceries, amount=Decimal("30")), SplitPart(bucket=fun, amount=Decimal("20"))],
        date=DAY,
        reference=invoice,
    )
    plain = post_income(budget=budget, amount=Decimal("5"), date=DAY)
    assert income.reference == invoice and expense.reference == deal and plain.reference is None
    assert [part.reference for part in parts] == [invoice, invoice]
    assert list(transactions_for_reference(invoice)) == [income, *parts]
    assert list(transactions_for_reference(deal)) == [expense]


def test_a_void_names_the_reference_of_what_it_voids(budget, groceries, invoice, django_user_model):
    expense = post_expense(budget=budget, bucket=groceries, amount=Decimal("80"), date=DAY, reference=invoice)
    void = void_transaction(transaction=expense, reason="returned", by=None)
    assert void.reference == invoice
    assert list(transactions_for_reference(invoice)) == [expense, void]


def test_the_reference_is_part_of_the_request_a_key_stands_for(budget, groceries, invoice, deal):
    first = post_income(budget=budget, amount=Decimal("10"), date=DAY, reference=invoice, idempotency_key="k-1")
    assert post_income(budget=budget, amount=Decimal("10"), date=DAY, reference=invoice, idempotency_key="k-1") == first
    with pytest.raises(IdempotencyKeyReusedError):
        post_income(budget=budget, amount=Decimal("10"), date=DAY, reference=deal, idempotency_key="k-1")
    assert BudgetTransaction.objects.count() == 1


def test_an_unsaved_reference_is_refused_before_anything_is_written(budget, groceries, row_counts):
    before = row_counts()
    for call in (
        lambda: post_income(budget=budget, amount=Decimal("1"), date=DAY, reference=Group(name="unsaved")),
        lambda: post_expense(budget=budget, bucket=groceries, amount=Decimal("1"), date=DAY, reference=Group()),
    ):
        with pytest.raises(InvalidTransactionError, match="reference"):
            call()
    with pytest.raises(InvalidTransactionError, match="reference"):
        transactions_for_reference(Group(name="unsaved"))
    assert row_counts() == before


def test_finding_by_reference_is_one_query(budget, invoice, django_assert_num_queries):
    post_income(budget=budget, amount=Decimal("1"), date=DAY, reference=invoice)
    with django_assert_num_queries(1):
        assert len(list(transactions_for_reference(invoice))) == 1


def test_the_reference_is_append_only_like_the_rest_of_the_row(budget, invoice, deal):
    from django.db import DatabaseError, transaction

    income = post_income(budget=budget, amount=Decimal("1"), date=DAY, reference=invoice)
    table = BudgetTransaction._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reference_id = %s WHERE id = %s", [str(deal.pk), income.pk.hex])
    assert BudgetTransaction.objects.get(pk=income.pk).reference == invoice
