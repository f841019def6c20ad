"""Two organizations in one database: the demo's second one (Northside Pharmacy) holds the clinic's natural
keys, and the clinic's API never shows its rows. The natural-key check (django_basemodels.W020) passes."""

from io import StringIO

import pytest
from django.core.management import call_command

from clinic.models import ClinicSettings
from clinic.seed import SECOND_CUSTOMER, SECOND_ORGANIZATION
from django_basemodels.tenancy import org_key
from django_encounters.models import EncounterDefinition
from django_ledger.models import Account
from django_notes.models import Tag
from django_parties.models import Organization, Person
from django_rbac.models import Role
from django_sequence.models import SequenceDefinition
from django_stock.models import Location, Lot, StockItem
from tests.helpers import get, post


@pytest.fixture
def pharmacy(db):
    return Organization.objects.get(name=SECOND_ORGANIZATION)


def _ids(model, org) -> set[str]:
    return {str(pk) for pk in model.objects.filter(org_key=org_key(org)).values_list("pk", flat=True)}


def _results(response) -> list[dict]:
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def test_natural_key_check_passes():
    out = StringIO()
    call_command("check", fail_level="WARNING", stdout=out)
    assert "no issues" in out.getvalue()


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (Account, "code"),
        (StockItem, "sku"),
        (Location, "code"),
        (Role, "slug"),
        (EncounterDefinition, "key"),
        (SequenceDefinition, "scope"),
    ],
)
def test_the_second_organization_holds_the_clinics_keys(model, field, pharmacy):
    clinic = ClinicSettings.get_instance().organization
    keys = {
        org: set(model.objects.filter(org_key=org_key(org)).values_list(field, flat=True)) for org in (clinic, pharmacy)
    }
    assert keys[pharmacy] and keys[pharmacy] <= keys[clinic]


def test_accounts_are_the_clinics(api, pharmacy):
    rows = _results(get(api("auditor"), "ledger/accounts/"))
    assert {row["id"] for row in rows}.isdisjoint(_ids(Account, pharmacy))
    assert len({row["code"] for row in rows}) == len(rows)
    assert get(api("auditor"), "ledger/accounts/1000/").json()["balance"] == "18500.0000"  # Northside's: 6100
    balances = {row["code"]: row["balance"] for row in get(api("auditor"), "ledger/balances/").json()}
    assert balances["1000"] == "18500.0000" and len(balances) == len(rows)
    trial = get(api("auditor"), "ledger/trial-balance/").json()
    assert trial["totals"]["EUR"]["debits"] == "23340.0000"  # the clinic's three postings, none of Northside's


def test_transactions_are_the_clinics(api):
    descriptions = [row["description"] for row in _results(get(api("auditor"), "ledger/transactions/"))]
    assert sorted(descriptions) == ["Medical supplies delivery", "Opening balance", "Rent of the month"]


def test_a_posting_names_the_clinics_accounts(api, pharmacy):
    body = {
        "description": "Cleaning",
        "entries": [
            {"account": "5100", "entry_type": "debit", "amount": "120.00"},
            {"account": "1000", "entry_type": "credit", "amount": "120.00"},
        ],
    }
    response = post(api("accountant"), "ledger/transactions/", body)
    assert response.status_code == 201, response.json()
    assert Account.objects.get(org_key=org_key(pharmacy), code="5100").entries.count() == 1  # its own rent only


def test_an_account_opened_through_the_api_is_the_clinics(api, pharmacy):
    body = {"code": "1300", "name": "Prepaid", "account_type": "asset", "currency": "EUR"}
    response = post(api("accountant"), "ledger/accounts/", body)
    assert response.status_code == 201, response.json()
    assert Account.objects.get(pk=response.json()["id"]).org_key == org_key(ClinicSettings.get_instance().organization)
    # The same code is free in another organization, and taken in the clinic's.
    assert post(api("accountant"), "ledger/accounts/", body).status_code == 400


def test_stock_is_the_clinics(api, pharmacy):
    auditor = api("auditor")
    items = _results(get(auditor, "stock/items/"))
    assert {row["id"] for row in items}.isdisjoint(_ids(StockItem, pharmacy))
    assert sorted(row["sku"] for row in items) == ["AMOX-500", "IBU-400", "SAL-500"]
    locations = _results(get(auditor, "stock/locations/"))
    assert {row["id"] for row in locations}.isdisjoint(_ids(Location, pharmacy))
    assert get(auditor, "stock/locations/PHARM/").json()["id"] not in _ids(Location, pharmacy)
    northside_lots = {
        str(pk) for pk in Lot.objects.filter(item__org_key=org_key(pharmacy)).values_list("pk", flat=True)
    }
    assert northside_lots
    assert {row["id"] for row in _results(get(auditor, "stock/lots/"))}.isdisjoint(northside_lots)
    assert {str(row["lot_id"]) for row in get(auditor, "stock/balances/").json()}.isdisjoint(northside_lots)
    assert {row["id"] for row in get(auditor, "stock/expiring-lots/", days=400).json()}.isdisjoint(northside_lots)
    assert {row["lot"]["id"] for row in _results(get(auditor, "stock/movements/"))}.isdisjoint(northside_lots)


def test_a_northside_lot_is_not_found_through_the_clinics_api(api, pharmacy):
    lot = Lot.objects.filter(item__org_key=org_key(pharmacy)).first()
    response = post(api("demo"), "stock/receive/", {"location": "PHARM", "lot": str(lot.pk), "quantity": 1})
    assert response.status_code == 400 and "lot" in response.json()


def test_definitions_and_sequences_are_the_clinics(api, pharmacy):
    definitions = _results(get(api("auditor"), "encounters/definitions/"))
    assert [row["key"] for row in definitions] == ["clinic_visit"]
    assert {str(row["id"]) for row in definitions}.isdisjoint(_ids(EncounterDefinition, pharmacy))
    sequences = _results(get(api("auditor"), "sequences/"))
    assert [(row["scope"], row["prefix"]) for row in sequences] == [("invoice", "INV")]  # Northside's is "NSP"


def test_catalog_and_budgets_are_the_clinics(api, pharmacy):
    items = _results(get(api("auditor"), "catalog/items/"))
    assert len(items) == 6 and all(row["display_name"] for row in items)
    [budget] = _results(get(api("auditor"), "budget/budgets/"))
    assert budget["id"] == str(ClinicSettings.get_instance().budget_id)


def test_tags_are_the_clinics(api, pharmacy):
    customer = Person.objects.get(given_name=SECOND_CUSTOMER[0], family_name=SECOND_CUSTOMER[1])
    assert Tag.objects.filter(org_key=org_key(pharmacy), slug="care-plan").exists()
    target = {"target_type": "person", "target_id": str(customer.pk)}
    assert get(api("vet"), "tags/", **target).json()["tags"] == []  # Northside's tag on its customer
    response = post(api("vet"), "tags/", {**target, "tags": ["Care plan"]})
    assert response.status_code == 201, response.json()
    clinic_tag = Tag.objects.get(org_key=org_key(ClinicSettings.get_instance().organization), slug="care-plan")
    assert [tag["slug"] for tag in response.json()["tags"]] == [clinic_tag.slug]
