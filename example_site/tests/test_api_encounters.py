"""Encounters: create a visit, allowed transitions, transition (with the visit rules)."""

import pytest

from django_encounters.models import Encounter
from django_parties.models import Person
from tests.helpers import api_entries, get, post


@pytest.fixture
def visit(api):
    patient = Person.objects.get(given_name="Peter")
    response = post(api("vet"), "encounters/", {"definition": "clinic_visit", "subject": str(patient.pk)})
    assert response.status_code == 201, response.json()
    return response.json()


def test_create_visit(visit):
    assert visit["state"] == "checked_in" and visit["subject"]["name"] == "Peter Novak"
    assert visit["definition"] == "clinic_visit" and visit["created_by"] == "vet"


def test_allowed_transitions(api, visit):
    body = get(api("auditor"), f"encounters/{visit['id']}/allowed-transitions/").json()
    assert body == {"state": "checked_in", "allowed": ["in_consultation", "cancelled"]}


def test_transition_and_history(api, visit):
    response = post(api("vet"), f"encounters/{visit['id']}/transition/", {"to_state": "in_consultation"})
    assert response.status_code == 201
    body = response.json()
    assert body["encounter"]["state"] == "in_consultation"
    assert (body["transition"]["from_state"], body["transition"]["by_user"]) == ("checked_in", "vet")
    [entry] = api_entries(response)
    assert entry.action == "api.encounters.transition" and entry.object_id == visit["id"].replace("-", "")
    history = get(api("vet"), f"encounters/{visit['id']}/transitions/").json()
    assert [move["to_state"] for move in history] == ["in_consultation"]


def test_invalid_transition_is_a_400_naming_the_allowed_moves(api, visit):
    response = post(api("vet"), f"encounters/{visit['id']}/transition/", {"to_state": "billed"})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "TransitionNotAllowedError" and "to_state" in body
    assert body["allowed"] == ["in_consultation", "cancelled"]
    assert Encounter.objects.get(pk=visit["id"]).state == "checked_in"


def test_blocked_transition_is_a_400_with_the_rule(api, visit):
    client = api("vet")
    post(client, f"encounters/{visit['id']}/transition/", {"to_state": "in_consultation"})
    response = post(client, f"encounters/{visit['id']}/transition/", {"to_state": "awaiting_billing"})
    assert response.status_code == 201  # nothing ordered: nothing open
    post(client, f"encounters/{visit['id']}/transition/", {"to_state": "in_consultation"})
    # a visit cannot be marked billed without an invoice (clinic.validators.VisitRules)
    post(client, f"encounters/{visit['id']}/transition/", {"to_state": "awaiting_billing"})
    response = post(client, f"encounters/{visit['id']}/transition/", {"to_state": "billed"})
    assert response.status_code == 400
    assert response.json()["reasons"] == ["a visit is billed by issuing its invoice"]


def test_bad_input(api):
    client = api("vet")
    assert post(client, "encounters/", {"definition": "nope", "subject": "x"}).status_code == 400
    response = post(
        client, "encounters/", {"definition": "clinic_visit", "subject": "00000000-0000-0000-0000-000000000000"}
    )
    assert response.status_code == 400 and "subject" in response.json()


def test_read_only_role_cannot_move_a_visit(api, visit):
    response = post(api("auditor"), f"encounters/{visit['id']}/transition/", {"to_state": "cancelled"})
    assert response.status_code == 403
    assert post(api("auditor"), "encounters/", {"definition": "clinic_visit", "subject": "x"}).status_code == 403


def test_unknown_visit_is_a_404(api):
    missing = "00000000-0000-0000-0000-000000000000"
    assert post(api("vet"), f"encounters/{missing}/transition/", {"to_state": "cancelled"}).status_code == 404
    assert get(api("vet"), f"encounters/{missing}/allowed-transitions/").status_code == 404


def test_idempotent_transition(api, visit):
    client = api("vet")
    path = f"encounters/{visit['id']}/transition/"
    first = post(client, path, {"to_state": "in_consultation"}, key="move-1")
    retry = post(client, path, {"to_state": "in_consultation"}, key="move-1")
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    assert Encounter.objects.get(pk=visit["id"]).transition_count == 1
    conflict = post(client, path, {"to_state": "cancelled"}, key="move-1")
    assert conflict.status_code == 409


def test_filters_and_definitions(api, visit):
    client = api("auditor")
    assert get(client, "encounters/", state="checked_in", open="1").json()["count"] >= 2
    [definition] = get(client, "encounters/definitions/").json()["results"]
    assert definition["key"] == "clinic_visit" and "billed" in definition["terminal_states"]
