"""Sequences (numbers) and the audit log (read-only)."""

import pytest

from django_audit_log.models import AuditLog
from django_sequence import define_sequence
from tests.helpers import get, post


@pytest.fixture
def tickets(db):
    """A second sequence beside the invoice numbers: queue tickets ``T-0001``."""
    return define_sequence(scope="ticket", prefix="T", template="{prefix}-{value:04d}")


def test_sequences_and_next_number(api, tickets):
    client = api("accountant")
    listed = {sequence["scope"]: sequence for sequence in get(client, "sequences/").json()["results"]}
    assert set(listed) == {"invoice", "ticket"} and listed["ticket"]["last_value"] is None
    response = post(client, "sequences/ticket/next/")
    assert response.status_code == 201 and response.json()["number"] == "T-0001"
    assert get(client, "sequences/ticket/").json()["last_value"] == 1


def test_next_number_retry_returns_the_same_number(api, tickets):
    client = api("accountant")
    first = post(client, "sequences/ticket/next/", key="number-1")
    retry = post(client, "sequences/ticket/next/", key="number-1")
    assert first.json() == retry.json()
    assert post(client, "sequences/ticket/next/").json()["number"] == "T-0002"


@pytest.mark.parametrize("username", ["accountant", "demo"])
def test_invoice_numbers_are_taken_by_billing_only(api, username):
    response = post(api(username), "sequences/invoice/next/")
    assert response.status_code == 403 and response.json()["error"] == "PermissionDenied"
    assert "billing" in response.json()["detail"]
    assert get(api(username), "sequences/invoice/").json()["last_value"] is None


def test_sequences_refusals(api):
    assert post(api("accountant"), "sequences/nope/next/").status_code == 404
    assert post(api("auditor"), "sequences/invoice/next/").status_code == 403
    assert post(api("vet"), "sequences/invoice/next/").status_code == 403  # clinicians only read them


def test_audit_log_is_read_only_and_filterable(api):
    client = api("auditor")
    response = post(api("vet"), "parties/persons/", {"given_name": "Zoe"}, key="zoe")
    request_id = response["X-Request-ID"]
    entries = get(client, "audit-log/", request_id=request_id).json()["results"]
    assert {(e["action"], e["actor_repr"]) for e in entries} == {
        ("api.parties.create_person", "vet"),
        ("create", "vet"),
    }
    api_entry = next(e for e in entries if e["action"].startswith("api."))
    assert api_entry["metadata"]["idempotency_key"] == "zoe" and api_entry["metadata"]["payload"] == {
        "given_name": "Zoe"
    }
    by_object = get(client, "audit-log/", object_id=response.json()["id"]).json()["results"]
    assert len(by_object) == 2
    assert get(client, "audit-log/", actor="vet", action="api.parties.create_person").json()["count"] == 1
    assert get(client, f"audit-log/{api_entry['id']}/").status_code == 200
    assert get(client, "audit-log/00000000-0000-0000-0000-000000000000/").status_code == 404
    superuser = api("demo")  # even a superuser cannot write it through the API
    assert superuser.post("/api/v1/audit-log/", {}, format="json").status_code == 405
    assert superuser.delete(f"/api/v1/audit-log/{api_entry['id']}/").status_code == 405
    assert get(api("vet"), "audit-log/").status_code == 403  # clinicians do not read the audit log
    assert AuditLog.objects.filter(request_id=request_id).count() == 2


def test_request_id_header_is_honoured(api):
    response = api("vet").post(
        "/api/v1/parties/persons/", {"given_name": "Rid"}, format="json", HTTP_X_REQUEST_ID="trace-42"
    )
    assert response["X-Request-ID"] == "trace-42"
    assert AuditLog.objects.filter(request_id="trace-42", action="api.parties.create_person").exists()
