"""Documents, notes and tags, agreements: the clinic's records about patients, visits and invoices."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from django_agreements.models import Agreement
from django_agreements.selectors import current_terms
from django_documents.models import Document
from django_money import Money
from django_notes.models import Note
from django_parties.models import Organization, Person
from tests.helpers import api_entries, get, post


@pytest.fixture
def patient():
    return Person.objects.get(given_name="Maria")


def _upload(client, patient, content=b"%PDF-1.7\nconsent\n%%EOF\n", name="consent.pdf", **headers):
    data = {"target_type": "person", "target_id": str(patient.pk), "file": SimpleUploadedFile(name, content)}
    return client.post("/api/v1/documents/", data, format="multipart", **headers)


# documents


def test_upload_list_and_download(api, patient):
    client = api("vet")
    response = _upload(client, patient)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["detected_content_type"], body["size"], body["target"]["name"]) == (
        "application/pdf",
        23,
        "Maria Gomez",
    )
    [entry] = api_entries(response)
    assert entry.metadata["payload"]["file"]["sha256"] == body["sha256"]
    listed = get(client, "documents/", target_type="person", target_id=str(patient.pk)).json()["results"]
    assert [d["id"] for d in listed] == [body["id"]]
    content = client.get(f"/api/v1/documents/{body['id']}/content/")
    assert content.status_code == 200 and b"".join(content.streaming_content).startswith(b"%PDF")


def test_document_refusals(api, patient):
    client = api("vet")
    empty = _upload(client, patient, content=b"")
    assert empty.status_code == 400
    exe = _upload(client, patient, content=b"MZ\x90\x00binary", name="tool.exe")
    assert exe.status_code == 400 and exe.json()["error"] == "ContentTypeNotAllowedError"
    bad_target = client.post(
        "/api/v1/documents/",
        {
            "target_type": "person",
            "target_id": "00000000-0000-0000-0000-000000000000",
            "file": SimpleUploadedFile("a.txt", b"a"),
        },
        format="multipart",
    )
    assert bad_target.status_code == 400 and "target_id" in bad_target.json()
    assert _upload(api("auditor"), patient).status_code == 403
    assert Document.objects.filter(original_filename__in=["consent.pdf", "tool.exe"]).count() == 0
    assert get(client, "documents/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_idempotent_upload(api, patient):
    client = api("vet")
    first = _upload(client, patient, HTTP_IDEMPOTENCY_KEY="scan-1")
    retry = _upload(client, patient, HTTP_IDEMPOTENCY_KEY="scan-1")
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    other = _upload(client, patient, content=b"%PDF-1.7\nother\n%%EOF\n", HTTP_IDEMPOTENCY_KEY="scan-1")
    assert other.status_code == 409
    assert Document.objects.filter(original_filename="consent.pdf").count() == 1


# notes and tags


def test_notes_and_edits(api, patient):
    client = api("vet")
    response = post(client, "notes/", {"target_type": "person", "target_id": str(patient.pk), "content": "Asthma."})
    assert response.status_code == 201 and response.json()["author"] == "vet"
    note = response.json()
    edited = post(client, f"notes/{note['id']}/edit/", {"content": "Mild asthma."})
    assert edited.json()["content"] == "Mild asthma." and edited.json()["revisions"] == 1
    listed = get(api("auditor"), "notes/", target_type="person", target_id=str(patient.pk)).json()["results"]
    assert [n["content"] for n in listed] == ["Mild asthma."]
    blank = post(client, "notes/", {"target_type": "person", "target_id": str(patient.pk), "content": "   "})
    assert blank.status_code == 400 and blank.json()["error"] == "EmptyNoteError"
    assert (
        post(
            api("auditor"), "notes/", {"target_type": "person", "target_id": str(patient.pk), "content": "x"}
        ).status_code
        == 403
    )
    assert post(client, "notes/00000000-0000-0000-0000-000000000000/edit/", {"content": "x"}).status_code == 404


def test_idempotent_note(api, patient):
    client = api("vet")
    body = {"target_type": "person", "target_id": str(patient.pk), "content": "Called back."}
    first = post(client, "notes/", body, key="note-1")
    assert post(client, "notes/", body, key="note-1").json() == first.json()
    assert Note.objects.filter(content="Called back.").count() == 1
    assert post(client, "notes/", {**body, "content": "Called twice."}, key="note-1").status_code == 409


def test_tags(api, patient):
    client = api("vet")
    target = {"target_type": "person", "target_id": str(patient.pk)}
    response = post(client, "tags/", {**target, "tags": ["Diabetes", "Care plan"]})
    assert response.status_code == 201
    assert [t["slug"] for t in response.json()["tags"]] == ["care-plan", "diabetes"]
    removed = client.delete("/api/v1/tags/", {**target, "tags": ["diabetes"]}, format="json")
    assert [t["slug"] for t in removed.json()["tags"]] == ["care-plan"]
    assert get(client, "tags/", **target).json()["target"]["name"] == "Maria Gomez"
    assert post(client, "tags/", {**target, "tags": ["!!!"]}).status_code == 400
    assert post(api("auditor"), "tags/", {**target, "tags": ["x"]}).status_code == 403


# agreements


def _care_plan(patient):
    clinic = Organization.objects.get(name="Riverside Clinic")
    return {
        "party_a": {"type": "person", "id": str(patient.pk)},
        "party_b": {"type": "organization", "id": str(clinic.pk)},
        "scope_type": "care_plan",
        "terms": {"monthly_fee": {"$money": {"amount": "30.00", "currency": "EUR"}}, "visits_included": 1},
    }


def test_create_amend_terminate(api, patient):
    client = api("accountant")
    response = post(client, "agreements/", _care_plan(patient))
    assert response.status_code == 201, response.json()
    agreement = response.json()
    assert agreement["versions"][0]["terms"]["monthly_fee"] == {"$money": {"amount": "30.00", "currency": "EUR"}}
    assert current_terms(Agreement.objects.get(pk=agreement["id"]))["monthly_fee"] == Money("30.00", "EUR")
    new_terms = {"monthly_fee": {"$money": {"amount": "35.00", "currency": "EUR"}}, "visits_included": 2}
    amended = post(client, f"agreements/{agreement['id']}/amend/", {"new_terms": new_terms, "reason": "New year"})
    assert amended.status_code == 201 and [v["version"] for v in amended.json()["versions"]] == [1, 2]
    terms = get(client, f"agreements/{agreement['id']}/terms/").json()["terms"]
    assert terms["visits_included"] == 2
    assert post(client, f"agreements/{agreement['id']}/terminate/", {"reason": "moved away"}).status_code == 201
    late = post(client, f"agreements/{agreement['id']}/amend/", {"new_terms": new_terms, "reason": "late"})
    assert late.status_code == 409 and late.json()["error"] == "AgreementTerminatedError"
    assert get(client, f"agreements/{agreement['id']}/terms/").status_code == 409


def test_float_in_terms_is_a_400(api, patient):
    body = _care_plan(patient)
    body["terms"] = {"monthly_fee": 30.5}
    response = post(api("accountant"), "agreements/", body)
    assert response.status_code == 400 and "terms" in response.json()
    body["terms"] = {"monthly_fee": {"$decimal": "not a number"}}
    assert post(api("accountant"), "agreements/", body).status_code == 400


def test_agreement_authority_and_roles(api, patient):
    agreement = post(api("accountant"), "agreements/", _care_plan(patient)).json()
    assert post(api("vet"), "agreements/", _care_plan(patient)).status_code == 403  # agreements.view only
    assert post(api("auditor"), f"agreements/{agreement['id']}/terminate/", {"reason": "x"}).status_code == 403
    missing = "00000000-0000-0000-0000-000000000000"
    assert post(api("accountant"), f"agreements/{missing}/terminate/", {"reason": "x"}).status_code == 404


def test_idempotent_agreement(api, patient):
    client = api("accountant")
    first = post(client, "agreements/", _care_plan(patient), key="plan-maria")
    retry = post(client, "agreements/", _care_plan(patient), key="plan-maria")
    assert first.json() == retry.json()
    assert Agreement.objects.for_party(patient).count() == 1
    assert Decimal("30.00") == current_terms(Agreement.objects.for_party(patient).get())["monthly_fee"].amount
