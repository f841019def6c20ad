"""Budget: buckets, income and expenses, voids, the month snapshot."""

import pytest
from django.utils import timezone

from clinic.organizations import of_clinic
from django_budget.models import Bucket, Budget, BudgetTransaction
from tests.helpers import api_entries, get, post


@pytest.fixture
def budget():
    return of_clinic(Budget.objects).get()


def _month():
    return f"{timezone.localdate():%Y-%m}"


def _bucket(name):
    return str(Bucket.objects.get(name=name).pk)


def test_month_snapshot(api, budget):
    body = get(api("auditor"), f"budget/budgets/{budget.pk}/months/{_month()}/").json()
    assert body["spent"] == "3340.0000" and body["currency"] == "EUR"
    rows = {row["bucket"]: row for row in body["buckets"]}
    assert rows["Medical supplies"]["remaining"] == "660.0000"
    assert rows["Equipment fund"]["carry_over"] != "0.0000"  # a rollover bucket with earlier months
    assert get(api("auditor"), f"budget/budgets/{budget.pk}/months/2026-13/").status_code == 400
    assert (
        get(api("auditor"), f"budget/budgets/00000000-0000-0000-0000-000000000000/months/{_month()}/").status_code
        == 404
    )


def test_post_expense_and_void(api, budget):
    client = api("accountant")
    body = {"budget": str(budget.pk), "kind": "expense", "bucket": _bucket("Staff training"), "amount": "120.00"}
    response = post(client, "budget/transactions/", body)
    assert response.status_code == 201, response.json()
    [entry] = api_entries(response)
    assert entry.action == "api.budget.post_transaction" and entry.actor.username == "accountant"
    expense = response.json()
    void = post(client, f"budget/transactions/{expense['id']}/void/", {"reason": "charged twice"})
    assert void.status_code == 201 and void.json()["reverses"] == expense["id"]
    again = post(client, f"budget/transactions/{expense['id']}/void/", {"reason": "again"})
    assert again.status_code == 409 and again.json()["error"] == "AlreadyVoidedError"
    rows = {r["bucket"]: r for r in get(client, f"budget/budgets/{budget.pk}/months/{_month()}/").json()["buckets"]}
    assert rows["Staff training"]["spent"] == "0.0000"


def test_income(api, budget):
    response = post(
        api("accountant"), "budget/transactions/", {"budget": str(budget.pk), "kind": "income", "amount": "500"}
    )
    assert response.status_code == 201 and response.json()["kind"] == "income"


def test_bad_input_is_a_400(api, budget):
    client = api("accountant")
    base = {"budget": str(budget.pk), "kind": "expense", "bucket": _bucket("Rent")}
    assert "amount" in post(client, "budget/transactions/", {**base, "amount": 12.5}).json()
    assert "bucket" in post(client, "budget/transactions/", {**base, "bucket": None, "amount": "1"}).json()
    zero = post(client, "budget/transactions/", {**base, "amount": "0"})
    assert zero.status_code == 400 and zero.json()["error"] == "InvalidAmountError"
    bucket = {"budget": str(budget.pk), "name": "Rent", "kind": "essentials", "monthly_limit": "10"}
    taken = post(client, "budget/buckets/", bucket)
    assert taken.status_code == 409 and "name" in taken.json()


def test_create_bucket(api, budget):
    body = {"budget": str(budget.pk), "name": "Cleaning", "kind": "variable", "monthly_limit": "200.00"}
    response = post(api("accountant"), "budget/buckets/", body)
    assert response.status_code == 201 and response.json()["monthly_limit_amount"] == "200.0000"


def test_read_only_role_and_clinicians(api, budget):
    body = {"budget": str(budget.pk), "kind": "income", "amount": "1"}
    assert post(api("auditor"), "budget/transactions/", body).status_code == 403
    assert post(api("vet"), "budget/transactions/", body).status_code == 403
    expense = BudgetTransaction.objects.expenses().first()
    assert post(api("auditor"), f"budget/transactions/{expense.pk}/void/", {"reason": "x"}).status_code == 403


def test_unknown_transaction_is_a_404(api):
    missing = "00000000-0000-0000-0000-000000000000"
    assert post(api("accountant"), f"budget/transactions/{missing}/void/", {"reason": "x"}).status_code == 404


def test_idempotent_expense(api, budget):
    client = api("accountant")
    body = {"budget": str(budget.pk), "kind": "expense", "bucket": _bucket("Medical supplies"), "amount": "35.50"}
    first = post(client, "budget/transactions/", body, key="receipt-81")
    retry = post(client, "budget/transactions/", body, key="receipt-81")
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    assert BudgetTransaction.objects.filter(amount="35.50").count() == 1
    assert post(client, "budget/transactions/", {**body, "amount": "36"}, key="receipt-81").status_code == 409
