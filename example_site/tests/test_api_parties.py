"""Parties: persons and organizations."""

from django_parties.models import Person
from tests.helpers import api_entries, get, post


def test_create_person_with_contact_points(api):
    response = post(
        api("vet"), "parties/persons/", {"given_name": "Ola", "family_name": "Berg", "email": "ola@x.example"}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["name"] == "Ola Berg"
    assert [(c["kind"], c["value"], c["is_primary"]) for c in body["contact_points"]] == [
        ("email", "ola@x.example", True)
    ]
    [entry] = api_entries(response)
    assert entry.action == "api.parties.create_person" and entry.actor.username == "vet" and entry.request_id


def test_list_and_retrieve_persons(api):
    client = api("auditor")
    persons = get(client, "parties/persons/").json()
    assert persons["count"] >= 8  # 5 patients, 3 staff
    maria = Person.objects.get(given_name="Maria")
    assert get(client, f"parties/persons/{maria.pk}/").json()["name"] == "Maria Gomez"


def test_person_without_a_name_is_a_400(api):
    response = post(api("vet"), "parties/persons/", {"email": "not-an-email"})
    assert response.status_code == 400
    assert "email" in response.json()
    response = post(api("vet"), "parties/persons/", {})
    assert response.status_code == 400 and response.json()["error"] == "InvalidPartyError"


def test_read_only_role_cannot_create(api):
    response = post(api("auditor"), "parties/persons/", {"given_name": "No"})
    assert response.status_code == 403
    assert not Person.objects.filter(given_name="No").exists()


def test_unknown_person_is_a_404(api):
    assert get(api("vet"), "parties/persons/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert get(api("vet"), "parties/persons/not-a-uuid/").status_code == 404


def test_idempotent_retry_creates_one_person(api):
    client = api("vet")
    first = post(client, "parties/persons/", {"given_name": "Ida"}, key="person-ida")
    second = post(client, "parties/persons/", {"given_name": "Ida"}, key="person-ida")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert (first["Idempotent-Replayed"], second["Idempotent-Replayed"]) == ("false", "true")
    assert Person.objects.filter(given_name="Ida").count() == 1
    assert api_entries(second) == []  # the replay wrote nothing, not even an audit entry


def test_idempotency_key_reused_with_another_payload_is_a_409(api):
    client = api("vet")
    assert post(client, "parties/persons/", {"given_name": "Una"}, key="person-una").status_code == 201
    response = post(client, "parties/persons/", {"given_name": "Otto"}, key="person-una")
    assert response.status_code == 409 and response.json()["error"] == "IdempotencyConflictError"
    assert not Person.objects.filter(given_name="Otto").exists()


def test_idempotency_keys_belong_to_their_user(api):
    assert post(api("vet"), "parties/persons/", {"given_name": "Pia"}, key="shared-key").status_code == 201
    response = post(api("demo"), "parties/persons/", {"given_name": "Pia"}, key="shared-key")
    assert response.status_code == 201 and response["Idempotent-Replayed"] == "false"


def test_malformed_idempotency_key_is_a_400(api):
    response = post(api("vet"), "parties/persons/", {"given_name": "Al"}, key="x" * 201)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()


def test_create_organization(api):
    response = post(api("demo"), "parties/organizations/", {"name": "Lab Partners", "kind": "lab"})
    assert response.status_code == 201 and response.json()["name"] == "Lab Partners"
    assert post(api("demo"), "parties/organizations/", {"kind": "lab"}).status_code == 400
