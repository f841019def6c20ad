"""The settlements page, and the budget that waits for the clinic's obligations (django-settlements' hook)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from clinic.organizations import clinic_org, of_clinic
from clinic.seed import CONTRACTOR
from django_budget.models import Bucket, Budget, BudgetTransaction
from django_parties.models import Organization
from django_settlements import obligations_covered
from tests.helpers import get, post


def test_the_page_shows_the_groups_balances_and_transfers(client, user):
    client.force_login(user("accountant"))
    response = client.get("/settlements/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Riverside Cleaning Co.",
        "Ana Ortiz",
        "Sam Lee",
        "Kim Novak",
        'id="balances-EUR"',
        'id="balances-USD"',
    ):
        assert text in page, text
    transfers = page.split('id="transfers-EUR"')[1].split("</table>")[0]
    assert 'Riverside Clinic</td><td>Riverside Cleaning Co.</td><td class="num">450.00 EUR' in transfers
    assert 'Riverside Clinic</td><td>Ana Ortiz</td><td class="num">55.00 EUR' in transfers
    assert 'Kim Novak</td><td>Ana Ortiz</td><td class="num">25.00 USD' in page
    assert "-505.00 EUR" in page  # the clinic owes


def test_the_page_needs_the_module(client, user):
    assert client.get("/settlements/").status_code == 302  # the sign-in first
    client.force_login(user("vet"))
    assert client.get("/settlements/").status_code == 403
    assert 'id="nav-settlements"' not in client.get("/").content.decode()
    client.force_login(user("auditor"))
    assert client.get("/settlements/").status_code == 200
    assert 'id="page-settlements"' in client.get("/").content.decode()


# -- the budget's spending gate -------------------------------------------------------------------------------


@pytest.fixture
def budget(db):
    return of_clinic(Budget.objects).get()


def _expense(api, budget, bucket: str, amount: str = "50.00"):
    bucket_id = str(Bucket.objects.get(budget=budget, name=bucket).pk)
    body = {"budget": str(budget.pk), "kind": "expense", "bucket": bucket_id, "amount": amount}
    return post(api("accountant"), "budget/transactions/", body)


def test_the_demo_clinic_owes_nothing_overdue(budget):
    assert budget.owner == clinic_org()
    assert obligations_covered(budget=budget, date=timezone.localdate())


def test_discretionary_spending_waits_for_an_overdue_obligation(api, budget):
    """An invoice of the cleaner due today and unpaid: staff training (priority C) waits, supplies do not."""
    clinic, contractor = clinic_org(), Organization.objects.get(name=CONTRACTOR)
    owed = post(
        api("accountant"),
        "settlements/obligations/",
        {
            "debtor": {"type": "organization", "id": str(clinic.pk)},
            "creditor": {"type": "organization", "id": str(contractor.pk)},
            "amount": "120.00",
            "currency": "EUR",
            "due_on": f"{timezone.localdate():%Y-%m-%d}",
            "effective_at": (timezone.now() - dt.timedelta(days=5)).isoformat(),
            "description": "Window cleaning",
        },
    ).json()
    before = BudgetTransaction.objects.count()
    refused = _expense(api, budget, "Staff training")
    assert refused.status_code == 409, refused.json()
    assert refused.json()["error"] == "SpendingRefusedError" and refused.json()["rule"] == "obligations_not_covered"
    assert BudgetTransaction.objects.count() == before
    assert _expense(api, budget, "Medical supplies").status_code == 201  # essentials always pass

    paid = post(
        api("accountant"),
        "settlements/payments/",
        {
            "payer": {"type": "organization", "id": str(clinic.pk)},
            "payee": {"type": "organization", "id": str(contractor.pk)},
            "amount": "120.00",
            "currency": "EUR",
            "obligations": [owed["id"]],
        },
    )
    assert paid.status_code == 201
    assert _expense(api, budget, "Staff training").status_code == 201
    months = get(api("accountant"), f"budget/budgets/{budget.pk}/months/{timezone.localdate():%Y-%m}/").json()
    assert {row["bucket"]: row["spent"] for row in months["buckets"]}["Staff training"] == "50.0000"
