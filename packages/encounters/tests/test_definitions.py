"""Definitions are validated when saved; edits of a definition in use never strand its encounters."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction as db_transaction

from django_encounters import InvalidDefinitionError, TransitionNotAllowedError
from django_encounters.models import Encounter, EncounterDefinition
from django_encounters.services import create_encounter, transition
from tests.conftest import REPAIR_JOB
from tests.testapp.models import Asset

pytestmark = pytest.mark.django_db

CHECKLIST = "tests.testapp.validators.ChecklistValidator"


def test_the_seed_definition_is_created_with_its_validator():
    definition = EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=[CHECKLIST])
    fresh = EncounterDefinition.objects.get(key="repair_job")
    assert fresh.validator_paths == [CHECKLIST]
    assert fresh.targets_from("pending") == ["active", "cancelled"]
    assert fresh.targets_from("completed") == []
    assert str(definition) == "repair_job"


def test_keys_and_states_differing_only_in_case_are_distinct():
    lower = EncounterDefinition.objects.create(**REPAIR_JOB)
    upper = EncounterDefinition.objects.create(
        key="Repair_Job",
        states=["Pending", "done"],
        transitions={"Pending": ["done"]},
        initial_state="Pending",
        terminal_states=["done"],
    )
    subject = Asset.objects.create(name="a")
    encounter = create_encounter("Repair_Job", subject=subject, created_by=None)
    create_encounter("repair_job", subject=subject, created_by=None)

    assert EncounterDefinition.objects.get(key="Repair_Job") == upper != lower
    assert encounter.definition == upper
    assert Encounter.objects.get(state="Pending") == encounter
    assert Encounter.objects.filter(state="pending").get().definition == lower


def test_an_invalid_graph_is_refused_on_save_naming_the_state_and_nothing_is_written():
    with pytest.raises(InvalidDefinitionError) as refused:
        EncounterDefinition.objects.create(**{**REPAIR_JOB, "transitions": {"pending": ["active"]}})
    assert refused.value.states == ["review", "completed", "cancelled", "pending", "active"]
    assert "state 'review' is not reachable from the initial state 'pending'" in str(refused.value)
    assert not EncounterDefinition.objects.exists()


def test_every_problem_is_carried_by_the_error():
    with pytest.raises(InvalidDefinitionError) as refused:
        EncounterDefinition.objects.create(
            **{**REPAIR_JOB, "initial_state": "nowhere", "terminal_states": ["completed", "ghost"]}
        )
    assert [(p.field, p.state) for p in refused.value.problems] == [
        ("terminal_states", "ghost"),
        ("initial_state", "nowhere"),
    ]


def test_clean_reports_problems_per_field_for_forms():
    definition = EncounterDefinition(**{**REPAIR_JOB, "transitions": {**REPAIR_JOB["transitions"], "x": ["active"]}})
    with pytest.raises(ValidationError) as refused:
        definition.clean()
    assert refused.value.message_dict == {
        "transitions": ["transitions start from 'x', which is not one of the states."]
    }


def test_clean_accepts_a_valid_definition():
    EncounterDefinition(**REPAIR_JOB).clean()


def test_an_empty_key_is_refused():
    with pytest.raises(InvalidDefinitionError) as refused:
        EncounterDefinition.objects.create(**{**REPAIR_JOB, "key": " "})
    assert refused.value.problems[0].field == "key"


@pytest.mark.parametrize(
    "path, message",
    [
        ("tests.testapp.validators.Missing", "cannot be imported"),
        ("not_a_module_anywhere.Validator", "cannot be imported"),
        ("tests.testapp.validators.NotAValidator", "is not a subclass of django_encounters.validators.Validator"),
        ("os.system", "is not a subclass"),
        (42, "is not a dotted path string"),
    ],
)
def test_a_validator_path_that_does_not_load_a_validator_is_refused(path, message):
    with pytest.raises(InvalidDefinitionError) as refused:
        EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=[CHECKLIST, path])
    [problem] = refused.value.problems
    assert problem.field == "validator_paths" and message in problem.message


def test_a_validator_listed_twice_is_refused():
    with pytest.raises(InvalidDefinitionError, match="listed twice"):
        EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=[CHECKLIST, CHECKLIST])


def test_validator_paths_must_be_a_list():
    with pytest.raises(InvalidDefinitionError, match="validator_paths must be a list"):
        EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=CHECKLIST)


def test_an_invalid_edit_leaves_the_saved_definition_unchanged(definition):
    definition.terminal_states = []
    with pytest.raises(InvalidDefinitionError):
        definition.save()
    assert EncounterDefinition.objects.get().terminal_states == ["completed", "cancelled"]


def test_removing_a_state_an_encounter_is_in_is_refused_naming_it(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    transition(encounter, "active", by_user=None)
    definition.states = ["pending", "review", "completed", "cancelled"]
    definition.transitions = {"pending": ["review", "cancelled"], "review": ["completed"]}
    with pytest.raises(InvalidDefinitionError) as refused:
        definition.save()
    assert refused.value.states == ["active"]
    assert "held by 1 encounter(s)" in str(refused.value)


def test_removing_a_state_held_only_by_ended_encounters_is_still_refused(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    transition(encounter, "cancelled", by_user=None)
    definition.states = ["pending", "active", "review", "completed"]
    definition.transitions = {"pending": ["active"], "active": ["review"], "review": ["active", "completed"]}
    definition.terminal_states = ["completed"]
    with pytest.raises(InvalidDefinitionError) as refused:
        definition.save()
    assert refused.value.states == ["cancelled"]


def test_removing_a_state_no_encounter_is_in_is_allowed(definition, asset):
    create_encounter(definition, subject=asset, created_by=None)
    definition.states = ["pending", "active", "review", "completed"]
    definition.transitions = {"pending": ["active"], "active": ["review"], "review": ["active", "completed"]}
    definition.terminal_states = ["completed"]
    definition.save()
    assert EncounterDefinition.objects.get().states == ["pending", "active", "review", "completed"]


def test_making_terminal_a_state_open_encounters_are_in_is_refused(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    transition(encounter, "active", by_user=None)
    transition(encounter, "review", by_user=None)
    definition.transitions = {"pending": ["active", "cancelled"], "active": ["review", "completed", "cancelled"]}
    definition.terminal_states = ["review", "completed", "cancelled"]
    with pytest.raises(InvalidDefinitionError) as refused:
        definition.save()
    assert [(p.field, p.state) for p in refused.value.problems] == [("terminal_states", "review")]
    assert "held by 1 open encounter(s); it cannot become terminal" in str(refused.value)


def test_a_new_move_applies_to_running_encounters(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    definition.transitions = {**definition.transitions, "pending": ["active", "review", "cancelled"]}
    definition.save()
    assert transition(encounter, "review", by_user=None).encounter.state == "review"


def test_a_terminal_state_made_non_terminal_does_not_reopen_ended_encounters(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    transition(encounter, "cancelled", by_user=None)
    definition.terminal_states = ["completed"]
    definition.transitions = {**definition.transitions, "cancelled": ["pending"]}
    definition.save()
    with pytest.raises(TransitionNotAllowedError, match="ended in 'cancelled'") as refused:
        transition(encounter, "pending", by_user=None)
    assert refused.value.allowed == ()


def test_reading_a_missing_definition_for_use_raises_does_not_exist(db):
    with pytest.raises(EncounterDefinition.DoesNotExist), db_transaction.atomic():
        EncounterDefinition.locked_for_use(uuid.uuid4(), "default")
