"""The clinic's workflows: dispensing FEFO, billing a visit, settings, and the modules that guard them."""

import pytest

from clinic.models import ClinicSettings, Invoice
from clinic.organizations import of_clinic
from django_catalog.models import CatalogItem
from django_ledger.models import Transaction
from django_parties.models import Person
from django_stock.models import StockMovement
from tests.helpers import api_entries, get, post


@pytest.fixture
def visit_with_orders(api):
    """A visit in consultation with a committed basket: one consultation, three boxes of ibuprofen."""
    client = api("vet")
    patient = Person.objects.get(given_name="John")
    visit = post(client, "encounters/", {"definition": "clinic_visit", "subject": str(patient.pk)}).json()
    post(client, f"encounters/{visit['id']}/transition/", {"to_state": "in_consultation"})
    basket = post(client, "catalog/baskets/", {"encounter": visit["id"]}).json()
    for name, quantity in (("General consultation", 1), ("Ibuprofen 400 mg, box of 20", 3)):
        item = of_clinic(CatalogItem.objects).get(display_name=name)
        post(client, f"catalog/baskets/{basket['id']}/items/", {"catalog_item": str(item.pk), "quantity": quantity})
    work_items = {w["board"]: w for w in post(client, f"catalog/baskets/{basket['id']}/commit/").json()}
    return visit, work_items


def _finish(api, visit, work_items):
    client = api("vet")
    post(client, f"clinic/work-items/{work_items['pharmacy']['id']}/dispense/")
    post(client, f"catalog/work-items/{work_items['consultation']['id']}/start/")
    post(client, f"catalog/work-items/{work_items['consultation']['id']}/complete/")
    assert post(client, f"encounters/{visit['id']}/transition/", {"to_state": "awaiting_billing"}).status_code == 201


def test_dispense_issues_fefo_and_completes_the_work_item(api, visit_with_orders):
    _, work_items = visit_with_orders
    response = post(api("vet"), f"clinic/work-items/{work_items['pharmacy']['id']}/dispense/")
    assert response.status_code == 201, response.json()
    assert [(m["lot"]["lot_number"], m["quantity"], m["location"]) for m in response.json()] == [
        ("IBU-2311", 3, "PHARM")
    ]
    assert get(api("vet"), f"catalog/work-items/{work_items['pharmacy']['id']}/").json()["status"] == "completed"
    [entry] = api_entries(response)
    assert entry.action == "api.clinic.dispense"
    again = post(api("vet"), f"clinic/work-items/{work_items['pharmacy']['id']}/dispense/")
    assert again.status_code == 400 and again.json()["error"] == "NotDispensable"


def test_dispensing_a_service_is_a_400(api, visit_with_orders):
    _, work_items = visit_with_orders
    response = post(api("vet"), f"clinic/work-items/{work_items['consultation']['id']}/dispense/")
    assert response.status_code == 400 and "service" in response.json()["detail"]


def test_dispensing_more_than_the_pharmacy_holds_is_a_409(api, visit_with_orders):
    _, work_items = visit_with_orders
    response = post(api("vet"), f"clinic/work-items/{work_items['pharmacy']['id']}/dispense/", {"location": "WH"})
    assert response.status_code == 201  # the store holds plenty
    before = StockMovement.objects.count()
    # a second visit asks for 40 boxes: the pharmacy has 15 of IBU
    client = api("vet")
    patient = Person.objects.get(given_name="Li")
    visit = post(client, "encounters/", {"definition": "clinic_visit", "subject": str(patient.pk)}).json()
    basket = post(client, "catalog/baskets/", {"encounter": visit["id"]}).json()
    item = of_clinic(CatalogItem.objects).get(stock_sku="IBU-400")
    post(client, f"catalog/baskets/{basket['id']}/items/", {"catalog_item": str(item.pk), "quantity": 40})
    [work_item] = post(client, f"catalog/baskets/{basket['id']}/commit/").json()
    short = post(client, f"clinic/work-items/{work_item['id']}/dispense/")
    assert short.status_code == 409 and short.json()["available"] == 15
    assert StockMovement.objects.count() == before


def test_bill_a_visit(api, visit_with_orders):
    visit, work_items = visit_with_orders
    _finish(api, visit, work_items)
    response = post(api("accountant"), f"clinic/visits/{visit['id']}/invoice/")
    assert response.status_code == 201, response.json()
    invoice = response.json()
    assert invoice["total_amount"] == "72.60"  # 60.00 + 3 x 4.20
    assert [line["description"] for line in invoice["lines"]] == ["General consultation", "Ibuprofen 400 mg, box of 20"]
    assert Transaction.objects.get(pk=invoice["ledger_transaction"]).entries.count() == 3
    assert get(api("accountant"), f"encounters/{visit['id']}/").json()["state"] == "billed"
    [entry] = api_entries(response)
    assert entry.action == "api.clinic.bill_visit" and entry.actor.username == "accountant"
    assert get(api("auditor"), "clinic/invoices/").json()["count"] == 1
    again = post(api("accountant"), f"clinic/visits/{visit['id']}/invoice/")
    assert again.status_code == 409 and again.json()["error"] == "AlreadyInvoiced"


def test_billing_a_visit_still_in_consultation_is_a_409(api, visit_with_orders):
    visit, _ = visit_with_orders
    response = post(api("accountant"), f"clinic/visits/{visit['id']}/invoice/")
    assert response.status_code == 409 and response.json()["error"] == "VisitNotBillable"
    assert not Invoice.objects.exists()


def test_billing_roles(api, visit_with_orders):
    visit, work_items = visit_with_orders
    _finish(api, visit, work_items)
    assert post(api("vet"), f"clinic/visits/{visit['id']}/invoice/").status_code == 403  # clinic.bill: accountants
    assert post(api("auditor"), f"clinic/visits/{visit['id']}/invoice/").status_code == 403
    missing = "00000000-0000-0000-0000-000000000000"
    assert post(api("accountant"), f"clinic/visits/{missing}/invoice/").status_code == 404


def test_idempotent_billing(api, visit_with_orders):
    visit, work_items = visit_with_orders
    _finish(api, visit, work_items)
    first = post(api("accountant"), f"clinic/visits/{visit['id']}/invoice/", key="bill-john")
    retry = post(api("accountant"), f"clinic/visits/{visit['id']}/invoice/", key="bill-john")
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    assert Invoice.objects.count() == 1


def test_switching_the_pharmacy_module_off_refuses_dispensing(api, visit_with_orders):
    _, work_items = visit_with_orders
    off = post(api("demo"), "modules/pharmacy/disable/")
    assert off.status_code == 200 and off.json()["is_enabled"] is False
    response = post(api("vet"), f"clinic/work-items/{work_items['pharmacy']['id']}/dispense/")
    assert response.status_code == 403 and "pharmacy" in response.json()["detail"]
    post(api("demo"), "modules/pharmacy/clear/")
    assert post(api("vet"), f"clinic/work-items/{work_items['pharmacy']['id']}/dispense/").status_code == 201


def test_modules_list_and_roles(api):
    modules = {m["key"]: m for m in get(api("auditor"), "modules/").json()["results"]}
    assert modules["telehealth"] == {
        "key": "telehealth",
        "name": "Telehealth",
        "active": False,
        "override": True,
        "is_enabled": True,
    }
    assert post(api("auditor"), "modules/lab/disable/").status_code == 403
    assert post(api("demo"), "modules/nope/disable/").status_code == 404


def test_settings(api):
    assert get(api("auditor"), "clinic/settings/").json()["currency"] == "EUR"
    response = api("demo").patch(
        "/api/v1/clinic/settings/", {"name": "Riverside Health", "currency": "USD"}, format="json"
    )
    assert response.status_code == 200 and response.json()["name"] == "Riverside Health"
    assert ClinicSettings.get_instance().currency == "EUR"  # read-only through the API
    assert api("auditor").patch("/api/v1/clinic/settings/", {"name": "X"}, format="json").status_code == 403


def test_settings_refuse_an_unknown_pharmacy_location(api):
    response = api("demo").patch("/api/v1/clinic/settings/", {"pharmacy_location_code": "NOPE"}, format="json")
    assert response.status_code == 400 and "pharmacy_location_code" in response.json()
