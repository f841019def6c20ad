"""Catalog: the visit's basket, adding items, committing, work items."""

import pytest

from clinic.organizations import of_clinic
from django_catalog.models import BasketItem, CatalogItem, WorkItem
from django_parties.models import Person
from tests.helpers import api_entries, get, post


@pytest.fixture
def basket(api):
    client = api("vet")
    patient = Person.objects.get(given_name="Amina")
    visit = post(client, "encounters/", {"definition": "clinic_visit", "subject": str(patient.pk)}).json()
    response = post(client, "catalog/baskets/", {"encounter": visit["id"]})
    assert response.status_code == 201, response.json()
    return response.json()


def _item(name):
    return str(of_clinic(CatalogItem.objects).get(display_name=name).pk)


def test_catalog_items(api):
    items = get(api("auditor"), "catalog/items/", kind="stock_item").json()["results"]
    assert {item["stock_sku"] for item in items} == {"AMOX-500", "IBU-400", "SAL-500"}
    [consultation] = get(api("auditor"), "catalog/items/", name="consult").json()["results"]
    assert consultation["price_amount"] == "60.0000" and consultation["routing"] == "consultation"


def test_the_draft_basket_is_one_per_visit(api, basket):
    again = post(api("vet"), "catalog/baskets/", {"encounter": basket["encounter"]})
    assert again.json()["id"] == basket["id"]


def test_add_items_and_commit(api, basket):
    client = api("vet")
    line = post(client, f"catalog/baskets/{basket['id']}/items/", {"catalog_item": _item("Blood test"), "quantity": 2})
    assert line.status_code == 201 and line.json()["quantity"] == 2
    response = post(client, f"catalog/baskets/{basket['id']}/commit/")
    assert response.status_code == 201
    [work_item] = response.json()
    assert (work_item["board"], work_item["status"], work_item["quantity"]) == ("lab", "pending", 2)
    [entry] = api_entries(response)
    assert entry.action == "api.catalog.commit_basket" and entry.actor.username == "vet"
    # a second commit spawns nothing more
    assert post(client, f"catalog/baskets/{basket['id']}/commit/").json() == response.json()
    # the lab board lists it; the lab starts and completes it
    board = get(client, "catalog/work-items/", board="lab", open="1").json()["results"]
    assert work_item["id"] in [item["id"] for item in board]
    assert post(client, f"catalog/work-items/{work_item['id']}/start/").json()["status"] == "in_progress"
    assert post(client, f"catalog/work-items/{work_item['id']}/complete/").json()["status"] == "completed"
    # completing twice is a conflict with the item's state
    again = post(client, f"catalog/work-items/{work_item['id']}/complete/")
    assert again.status_code == 409 and again.json()["error"] == "InvalidTransitionError"


def test_decimal_quantity_is_a_400(api, basket):
    path = f"catalog/baskets/{basket['id']}/items/"
    for quantity in (1.5, 2.0, "2", 0, True):
        response = post(api("vet"), path, {"catalog_item": _item("Blood test"), "quantity": quantity})
        assert response.status_code == 400 and "quantity" in response.json(), quantity
    assert not BasketItem.objects.filter(basket_id=basket["id"]).exists()


def test_committing_an_empty_basket_is_a_400(api, basket):
    response = post(api("vet"), f"catalog/baskets/{basket['id']}/commit/")
    assert response.status_code == 400 and response.json()["error"] == "EmptyBasketError"


def test_adding_to_a_committed_basket_is_a_409(api, basket):
    client = api("vet")
    post(client, f"catalog/baskets/{basket['id']}/items/", {"catalog_item": _item("Vaccination")})
    post(client, f"catalog/baskets/{basket['id']}/commit/")
    response = post(client, f"catalog/baskets/{basket['id']}/items/", {"catalog_item": _item("Vaccination")})
    assert response.status_code == 409 and response.json()["error"] == "BasketNotDraftError"


def test_read_only_role(api, basket):
    client = api("auditor")
    assert get(client, f"catalog/baskets/{basket['id']}/").status_code == 200
    assert (
        post(client, f"catalog/baskets/{basket['id']}/items/", {"catalog_item": _item("Vaccination")}).status_code
        == 403
    )
    assert post(client, f"catalog/baskets/{basket['id']}/commit/").status_code == 403


def test_unknown_ids(api):
    missing = "00000000-0000-0000-0000-000000000000"
    assert post(api("vet"), f"catalog/baskets/{missing}/commit/").status_code == 404
    assert post(api("vet"), f"catalog/work-items/{missing}/start/").status_code == 404
    response = post(api("vet"), "catalog/baskets/", {"encounter": missing})
    assert response.status_code == 400 and "encounter" in response.json()


def test_idempotent_add_item(api, basket):
    client = api("vet")
    path = f"catalog/baskets/{basket['id']}/items/"
    first = post(client, path, {"catalog_item": _item("Vaccination")}, key="add-vaccine")
    retry = post(client, path, {"catalog_item": _item("Vaccination")}, key="add-vaccine")
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    assert BasketItem.objects.filter(basket_id=basket["id"]).count() == 1
    conflict = post(client, path, {"catalog_item": _item("Vaccination"), "quantity": 3}, key="add-vaccine")
    assert conflict.status_code == 409
    assert WorkItem.objects.filter(basket_id=basket["id"]).count() == 0
