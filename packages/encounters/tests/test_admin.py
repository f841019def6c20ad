"""Admin: definitions are edited with the model's validation; encounters and transitions are read-only."""

import json

import pytest

from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import create_encounter, transition
from tests.conftest import REPAIR_JOB

pytestmark = pytest.mark.django_db

BASE = "/admin/django_encounters"


def form_data(**changes):
    data = {**REPAIR_JOB, "validator_paths": [], **changes}
    return {name: json.dumps(value) if not isinstance(value, str) else value for name, value in data.items()}


def test_a_valid_definition_is_added_through_the_admin(admin_client):
    response = admin_client.post(f"{BASE}/encounterdefinition/add/", form_data())
    assert response.status_code == 302
    assert EncounterDefinition.objects.get().terminal_states == ["completed", "cancelled"]


def test_an_invalid_definition_is_shown_with_its_problems_and_not_saved(admin_client):
    response = admin_client.post(
        f"{BASE}/encounterdefinition/add/", form_data(terminal_states=["completed", "cancelled", "ghost"])
    )
    assert response.status_code == 200
    assert "terminal state &#x27;ghost&#x27; is not one of the states." in response.content.decode()
    assert not EncounterDefinition.objects.exists()


def test_encounters_and_transitions_are_read_only_in_the_admin(admin_client, definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    record = transition(encounter, "active", by_user=None).transition
    for model, row in ((Encounter, encounter), (EncounterTransition, record)):
        base = f"{BASE}/{model._meta.model_name}/"
        assert admin_client.get(base).status_code == 200
        assert admin_client.get(f"{base}add/").status_code == 403
        change = admin_client.get(f"{base}{row.pk}/change/")
        assert change.status_code == 200 and b'name="_save"' not in change.content
        assert admin_client.get(f"{base}{row.pk}/delete/").status_code == 403
    assert b"pending" in admin_client.get(f"{BASE}/encounter/{encounter.pk}/change/").content
