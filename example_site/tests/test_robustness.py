"""No input a client can send is a 5xx: malformed bodies, numbers and months out of range, unbounded text.

Every refusal is a JSON body with the ``error`` name, from ``api.errors``.
"""

import json

import pytest
from rest_framework.test import APIClient

from clinic.models import ClinicSettings
from clinic.organizations import of_clinic
from django_notes.models import Note
from tests.helpers import get, post


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _assert_refused(response, status=400):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()
    return response.json()


@pytest.mark.parametrize("levels", [21, 5000, 200_000])
def test_deeply_nested_json_is_a_400(api, levels):
    body = _deep(levels)
    anonymous = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert _assert_refused(anonymous)["error"] == "ParseError"
    signed_in = api("vet").post("/api/v1/notes/", body, content_type="application/json")
    assert _assert_refused(signed_in)["error"] == "ParseError"


def test_json_that_is_not_json_is_a_400(api):
    for body in ("NaN", '{"a": Infinity}', "{", b"\xff\xfe".decode("latin-1")):
        _assert_refused(api("vet").post("/api/v1/parties/persons/", body, content_type="application/json"))


@pytest.mark.parametrize(
    "query",
    [{"limit": 0}, {"limit": 201}, {"limit": "ten"}, {"limit": ""}, {"offset": -1}, {"offset": 2**63}, {"offset": "x"}],
)
def test_pagination_refuses_what_it_cannot_honour(api, query):
    body = _assert_refused(get(api("auditor"), "parties/persons/", **query))
    assert set(query) <= set(body)


def test_pagination_is_capped(api):
    assert get(api("auditor"), "audit-log/", limit=200).status_code == 200
    assert get(api("auditor"), "parties/persons/", offset=2**31 - 1).json()["results"] == []


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "0000-01", "2026-13", "2026-00"])
def test_months_at_the_ends_of_the_calendar(api, client, user, month):
    budget = ClinicSettings.get_instance().budget_id
    _assert_refused(get(api("accountant"), f"budget/budgets/{budget}/months/{month}/"))
    _assert_refused(get(api("accountant"), "budget/transactions/", month=month))
    client.force_login(user("accountant"))
    assert client.get(f"/budget/{month}/").status_code == 404


def test_the_budget_page_at_the_last_month_there_is(client, user, api):
    client.force_login(user("accountant"))
    assert client.get("/budget/9998-12/").status_code == 200
    assert client.get("/budget/0002-01/").status_code == 200
    assert client.get("/ledger/trial-balance/?as_of=9999-12-31").status_code == 200
    assert client.get("/ledger/trial-balance/?as_of=0001-01-01").status_code == 200


@pytest.mark.parametrize("value", ["", "soon", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
def test_time_filters_refuse_what_they_cannot_parse(api, value):
    body = _assert_refused(get(api("accountant"), "ledger/trial-balance/", as_of=value))
    assert "as_of" in body


@pytest.mark.parametrize(
    "path,query",
    [
        ("encounters/", {"open": "maybe"}),
        ("catalog/items/", {"kind": "spaceship"}),
        ("catalog/work-items/", {"encounter": "not-a-uuid"}),
        ("stock/movements/", {"lot": "12"}),
        ("stock/balances/", {"location": "NOWHERE"}),
        ("audit-log/", {"actor": "x" * 151}),
        ("notes/", {"target_type": "person"}),
    ],
)
def test_filters_refuse_a_value_they_cannot_parse(api, path, query):
    body = _assert_refused(get(api("auditor"), path, **query))
    assert body["error"] == "ValidationError"


def test_free_text_is_capped(api, settings):
    person = get(api("vet"), "parties/persons/").json()["results"][0]["id"]
    long_note = {"target_type": "person", "target_id": person, "content": "x" * 10_001}
    assert "content" in _assert_refused(post(api("vet"), "notes/", long_note))
    assert post(api("vet"), "notes/", {**long_note, "content": "x" * 10_000}).status_code == 201
    huge = {"target_type": "person", "target_id": person, "content": "x" * 2_000_000}
    _assert_refused(post(api("vet"), "notes/", huge))
    metadata = {"to_state": "cancelled", "metadata": {"k": "v" * 10_001}}
    encounter = get(api("vet"), "encounters/").json()["results"][0]["id"]
    assert "metadata" in _assert_refused(post(api("vet"), f"encounters/{encounter}/transition/", metadata))
    budget = ClinicSettings.get_instance().budget_id
    income = {"budget": str(budget), "kind": "income", "amount": "1.00", "description": "d" * 256}
    assert "description" in _assert_refused(post(api("accountant"), "budget/transactions/", income))


def test_unknown_api_urls_answer_json(api):
    response = api("vet").get("/api/v1/no/such/thing/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "error": "NotFound"}
    assert APIClient().get("/api/v1/no/such/thing/").status_code == 404


def test_an_unknown_id_is_a_404_in_the_error_shape(api):
    body = _assert_refused(get(api("vet"), "encounters/not-a-uuid/"), 404)
    assert body["error"] == "NotFound"


def test_the_idempotency_fingerprint_includes_the_query_string(api):
    client = api("vet")
    first = client.post("/api/v1/parties/persons/", {"given_name": "Q"}, format="json", HTTP_IDEMPOTENCY_KEY="q-1")
    assert first.status_code == 201
    other = client.post("/api/v1/parties/persons/?x=1", {"given_name": "Q"}, format="json", HTTP_IDEMPOTENCY_KEY="q-1")
    body = _assert_refused(other, 409)
    assert body["error"] == "IdempotencyConflictError"
    text = json.dumps(body)
    assert "example_site.api" not in text and ":q-1" not in text  # no internal key in the answer


def test_a_clinician_cannot_rewrite_another_users_note(api, user, db):
    from django_rbac import services as rbac
    from django_rbac.models import Role

    note = Note.objects.get(content="Prefers morning appointments.")  # written by vet
    colleague = user("vet").__class__.objects.create_user("vet2", password="demo", is_staff=True)
    rbac.assign_role(by=user("demo"), user=colleague, role=of_clinic(Role.objects).get(slug="clinician"))
    client = APIClient()
    client.force_authenticate(colleague)
    refused = client.post(f"/api/v1/notes/{note.pk}/edit/", {"content": "rewritten"}, format="json")
    assert _assert_refused(refused, 403)["error"] == "PermissionDenied"
    assert post(api("vet"), f"notes/{note.pk}/edit/", {"content": "Mornings, before 10."}).status_code == 201
    director = user("vet").__class__.objects.create_user("director", password="demo", is_staff=True)
    rbac.assign_role(by=user("demo"), user=director, role=of_clinic(Role.objects).get(slug="director"))
    client.force_authenticate(director)
    assert client.post(f"/api/v1/notes/{note.pk}/edit/", {"content": "Any time."}, format="json").status_code == 201


def test_a_nul_character_is_a_400_wherever_it_is_sent(api):
    client = api("vet")
    assert _assert_refused(client.get("/api/v1/stock/locations/PH%00ARM/"))["error"] == "BadRequest"
    assert _assert_refused(client.get("/api/v1/stock/balances/?location=PH%00ARM"))["error"] == "BadRequest"
    body = '{"definition": "clinic\\u0000visit", "subject": "x"}'
    assert _assert_refused(client.post("/api/v1/encounters/", body, content_type="application/json"))
    form = client.post("/api/v1/documents/", {"target_type": "person", "note": "a\x00b"})
    assert _assert_refused(form)["error"] == "ParseError"
