import datetime as dt
from decimal import Decimal

import pytest

from django_budget import services
from django_budget.models import Bucket, Budget, BudgetTransaction

DAY = dt.date(2026, 1, 15)


@pytest.fixture
def facts(budget, groceries):
    expense = services.post_expense(budget=budget, bucket=groceries, amount=Decimal("5"), date=DAY)
    services.set_allocation(bucket=groceries, month=DAY, amount=Decimal("800"))
    services.void_transaction(transaction=expense, reason="Refund", by=None)
    return expense


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["budget", "bucket", "budgettransaction"])
def test_admin_lists_and_shows_every_model(admin_client, facts, model):
    assert admin_client.get(f"/admin/django_budget/{model}/").status_code == 200
    row = {"budget": Budget, "bucket": Bucket, "budgettransaction": BudgetTransaction}[model].objects.first()
    assert admin_client.get(f"/admin/django_budget/{model}/{row.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_transactions_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, facts):
    base = "/admin/django_budget/budgettransaction/"
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.get(f"{base}{facts.pk}/delete/").status_code == 403
    response = admin_client.post(f"{base}{facts.pk}/change/", {"description": "edited"})
    assert response.status_code == 403
    assert BudgetTransaction.objects.get(pk=facts.pk).description == ""


@pytest.mark.django_db
def test_a_bucket_added_in_the_admin_takes_the_currency_of_its_budget(admin_client, budget):
    response = admin_client.post(
        "/admin/django_budget/bucket/add/",
        {
            "budget": budget.pk,
            "name": "Books",
            "kind": "fun",
            "priority": "C",
            "monthly_limit_amount": "25",
            "start_month": "2026-01-01",
            "allocations-TOTAL_FORMS": "0",
            "allocations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content
    assert Bucket.objects.get(name="Books").monthly_limit_currency == "EUR"


@pytest.mark.django_db
def test_the_currency_of_a_saved_budget_is_read_only_in_the_admin(admin_client, budget):
    admin_client.post(f"/admin/django_budget/budget/{budget.pk}/change/", {"name": "Flat", "currency": "USD"})
    assert (Budget.objects.get(pk=budget.pk).name, Budget.objects.get(pk=budget.pk).currency) == ("Flat", "EUR")


@pytest.mark.django_db
def test_a_budget_can_be_added_in_the_admin(admin_client):
    response = admin_client.post("/admin/django_budget/budget/add/", {"name": "Club", "currency": "GBP"})
    assert response.status_code == 302
    assert Budget.objects.get(name="Club").currency == "GBP"


@pytest.mark.django_db
def test_a_start_month_entered_on_any_day_is_stored_as_the_first_of_its_month(admin_client, budget):
    admin_client.post(
        "/admin/django_budget/bucket/add/",
        {
            "budget": budget.pk,
            "name": "Books",
            "kind": "fun",
            "priority": "C",
            "monthly_limit_amount": "25",
            "start_month": "2026-03-17",
            "allocations-TOTAL_FORMS": "0",
            "allocations-INITIAL_FORMS": "0",
        },
    )
    assert Bucket.objects.get(name="Books").start_month == dt.date(2026, 3, 1)


@pytest.mark.django_db
def test_a_negative_limit_entered_in_the_admin_is_reported_not_saved(admin_client, groceries):
    response = admin_client.post(
        f"/admin/django_budget/bucket/{groceries.pk}/change/",
        {
            "name": "Groceries",
            "kind": "essentials",
            "priority": "A",
            "monthly_limit_amount": "-1",
            "allocations-TOTAL_FORMS": "0",
            "allocations-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert Bucket.objects.get(pk=groceries.pk).monthly_limit_amount == Decimal("900")
