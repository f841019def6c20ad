"""Stock: receive, issue FEFO, transfer, balances, expiring lots."""

from clinic.organizations import of_clinic
from django_stock.models import Location, Lot, StockMovement
from django_stock.selectors import balance
from tests.helpers import api_entries, get, post


def _lot(number):
    return Lot.objects.get(lot_number=number)


def test_receive(api):
    lot = _lot("SAL-2402")
    response = post(api("vet"), "stock/receive/", {"location": "PHARM", "lot": str(lot.pk), "quantity": 6})
    assert response.status_code == 201, response.json()
    [movement] = response.json()
    assert (movement["movement_type"], movement["quantity"], movement["location"]) == ("receive", 6, "PHARM")
    assert balance(of_clinic(Location.objects).get(code="PHARM"), lot) == 30
    [entry] = api_entries(response)
    assert entry.action == "api.stock.receive" and entry.actor.username == "vet"


def test_issue_is_fefo_across_lots(api):
    # AMOX at the pharmacy: 6 boxes expiring in 12 days, 40 in 400 days
    response = post(api("vet"), "stock/issue/", {"location": "PHARM", "item": "AMOX-500", "quantity": 8})
    assert response.status_code == 201, response.json()
    assert [(m["lot"]["lot_number"], m["quantity"]) for m in response.json()] == [("AMX-2401", 6), ("AMX-2409", 2)]


def test_insufficient_stock_is_a_409_and_writes_nothing(api):
    before = StockMovement.objects.count()
    response = post(api("vet"), "stock/issue/", {"location": "PHARM", "item": "IBU-400", "quantity": 16})
    assert response.status_code == 409
    assert response.json() | {"detail": None} == {
        "quantity": response.json()["quantity"],
        "error": "InsufficientStockError",
        "requested": 16,
        "available": 15,
        "detail": None,
    }
    assert StockMovement.objects.count() == before


def test_transfer(api):
    response = post(
        api("vet"),
        "stock/transfer/",
        {"from_location": "WH", "to_location": "PHARM", "item": "IBU-400", "quantity": 10},
    )
    assert response.status_code == 201
    assert [m["movement_type"] for m in response.json()] == ["transfer_out", "transfer_in"]


def test_bad_quantities_are_400(api):
    for quantity in (1.5, 2.0, "3", -1, 0):
        response = post(api("vet"), "stock/issue/", {"location": "PHARM", "item": "IBU-400", "quantity": quantity})
        assert response.status_code == 400 and "quantity" in response.json(), quantity


def test_bad_references_are_400(api):
    client = api("vet")
    assert "location" in post(client, "stock/issue/", {"location": "NOPE", "item": "IBU-400", "quantity": 1}).json()
    both = post(
        client, "stock/issue/", {"location": "PHARM", "item": "IBU-400", "lot": str(_lot("IBU-2311").pk), "quantity": 1}
    )
    assert both.status_code == 400 and "item" in both.json()
    same = post(
        client, "stock/transfer/", {"from_location": "WH", "to_location": "WH", "item": "IBU-400", "quantity": 1}
    )
    assert same.status_code == 400 and same.json()["error"] == "InvalidMovementError"


def test_read_only_role_gets_403_on_writes(api):
    client = api("auditor")
    assert post(client, "stock/issue/", {"location": "PHARM", "item": "IBU-400", "quantity": 1}).status_code == 403
    assert get(client, "stock/balances/").status_code == 200
    assert post(api("accountant"), "stock/receive/", {}).status_code == 403  # no stock module at all


def test_balances_and_expiring_lots(api):
    client = api("auditor")
    lines = get(client, "stock/balances/", location="PHARM").json()
    assert [(line["lot_number"], line["quantity"]) for line in lines if line["sku"] == "AMOX-500"] == [
        ("AMX-2401", 6),
        ("AMX-2409", 40),
    ]
    assert get(client, "stock/balances/", location="NOPE").status_code == 400
    expiring = get(client, "stock/expiring-lots/", days=30).json()
    assert [(lot["lot_number"], lot["on_hand"]) for lot in expiring] == [("AMX-2401", 6), ("IBU-2311", 15)]
    assert get(client, "stock/expiring-lots/", days=-1).status_code == 400
    assert get(client, "stock/expiring-lots/", days="soon").status_code == 400


def test_reference_lists(api):
    client = api("auditor")
    assert [i["sku"] for i in get(client, "stock/items/").json()["results"]] == ["AMOX-500", "IBU-400", "SAL-500"]
    assert get(client, "stock/locations/PHARM/").json()["name"] == "Clinic pharmacy"
    assert get(client, "stock/locations/NOPE/").status_code == 404
    assert get(client, "stock/lots/", sku="AMOX-500").json()["count"] == 2
    assert get(client, "stock/movements/", location="WH").json()["count"] >= 3


def test_idempotent_issue(api):
    client = api("vet")
    body = {"location": "PHARM", "item": "SAL-500", "quantity": 3}
    first = post(client, "stock/issue/", body, key="issue-7")
    retry = post(client, "stock/issue/", body, key="issue-7")
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    assert balance(of_clinic(Location.objects).get(code="PHARM"), _lot("SAL-2402")) == 21
    assert post(client, "stock/issue/", {**body, "quantity": 4}, key="issue-7").status_code == 409
