"""Validators named by dotted path: hard blocks refuse with every reason, soft warnings are stored."""

import pytest

from django_encounters import Issue, TransitionBlockedError, ValidationResult, Validator, ValidatorError
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import create_encounter, transition
from tests.conftest import REPAIR_JOB

pytestmark = pytest.mark.django_db

V = "tests.testapp.validators."


def encounter_in_active(asset, *validators):
    EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=[V + name for name in validators])
    encounter = create_encounter("repair_job", subject=asset, created_by=None)
    transition(encounter, "active", by_user=None, metadata={"checklist_done": True, "photos": 5})
    return encounter


def test_a_hard_block_refuses_with_every_reason_of_every_validator_and_writes_nothing(asset):
    encounter = encounter_in_active(asset, "ChecklistValidator", "PhotoValidator")
    with pytest.raises(TransitionBlockedError) as refused:
        transition(encounter, "review", by_user=None, metadata={})
    assert refused.value.reasons == (
        Issue(V + "ChecklistValidator", "checklist is not done"),
        Issue(V + "PhotoValidator", "no photos attached"),
    )
    assert refused.value.messages == ["checklist is not done", "no photos attached"]
    assert (refused.value.from_state, refused.value.to_state) == ("active", "review")
    assert "checklist is not done" in str(refused.value) and "no photos attached" in str(refused.value)
    assert EncounterTransition.objects.count() == 1
    assert Encounter.objects.get().state == "active"


def test_a_soft_warning_lets_the_move_through_and_is_stored_and_returned(asset):
    encounter = encounter_in_active(asset, "ChecklistValidator", "PhotoValidator")
    result = transition(encounter, "review", by_user=None, metadata={"checklist_done": True, "photos": 1})
    assert result.encounter.state == "review"
    assert result.warnings == (Issue(V + "PhotoValidator", "only 1 photo(s) attached"),)
    stored = EncounterTransition.objects.get(to_state="review")
    assert stored.warnings == [{"validator": V + "PhotoValidator", "message": "only 1 photo(s) attached"}]
    assert stored.warning_issues == result.warnings


def test_several_warnings_are_kept_in_order(asset):
    encounter = encounter_in_active(asset, "LateWarning")
    result = transition(encounter, "review", by_user=None)
    assert [warning.message for warning in result.warnings] == ["running late", "customer waiting"]


def test_warnings_of_a_blocked_move_are_not_written(asset):
    encounter = encounter_in_active(asset, "LateWarning", "ChecklistValidator")
    with pytest.raises(TransitionBlockedError) as refused:
        transition(encounter, "review", by_user=None)
    assert [reason.message for reason in refused.value.reasons] == ["checklist is not done"]
    assert EncounterTransition.objects.count() == 1


def test_a_user_level_block_refuses_the_move(asset, user, staff):
    encounter = encounter_in_active(asset, "StaffOnlyCompletion")
    transition(encounter, "review", by_user=user)
    with pytest.raises(TransitionBlockedError) as refused:
        transition(encounter, "completed", by_user=user)
    assert refused.value.messages == ["only staff may complete"]
    assert transition(encounter, "completed", by_user=staff).encounter.state == "completed"


def test_global_validators_run_first_and_once(asset, settings):
    settings.ENCOUNTERS_VALIDATORS = [V + "PhotoValidator", V + "ChecklistValidator"]
    encounter = encounter_in_active(asset, "ChecklistValidator")
    with pytest.raises(TransitionBlockedError) as refused:
        transition(encounter, "review", by_user=None)
    assert [reason.validator for reason in refused.value.reasons] == [V + "PhotoValidator", V + "ChecklistValidator"]


def test_a_validator_that_returns_no_result_is_a_validator_error(asset):
    encounter = encounter_in_active(asset, "ReturnsNothing")
    with pytest.raises(ValidatorError, match="returned NoneType, not a ValidationResult") as refused:
        transition(encounter, "review", by_user=None)
    assert refused.value.path == V + "ReturnsNothing"
    assert Encounter.objects.get().state == "active"


def test_user_blocks_must_be_a_list_of_reasons(asset):
    encounter = encounter_in_active(asset, "UserBlocksAsText")
    with pytest.raises(ValidatorError, match="user_blocks"):
        transition(encounter, "review", by_user=None)


def test_an_exception_in_a_validator_propagates_and_writes_nothing(asset):
    encounter = encounter_in_active(asset, "Explodes")
    with pytest.raises(RuntimeError, match="validator crashed"):
        transition(encounter, "review", by_user=None)
    assert EncounterTransition.objects.count() == 1


def test_a_validator_path_that_no_longer_loads_refuses_the_move(asset, settings):
    encounter = encounter_in_active(asset)
    settings.ENCOUNTERS_VALIDATORS = [V + "Removed"]
    with pytest.raises(ValidatorError, match="cannot be imported") as refused:
        transition(encounter, "review", by_user=None)
    assert refused.value.path == V + "Removed"


def test_validators_see_the_locked_encounter_the_request_and_the_user(asset, user, settings):
    seen = []

    class Recorder(Validator):
        def validate(self, *, encounter, from_state, to_state, user, metadata):
            seen.append((encounter.state, encounter.definition.key, from_state, to_state, user, metadata))
            return ValidationResult.ok()

    import tests.testapp.validators as module

    module.Recorder = Recorder
    try:
        settings.ENCOUNTERS_VALIDATORS = [V + "Recorder"]
        encounter = encounter_in_active(asset)
        transition(encounter, "review", by_user=user, metadata={"n": 1})
    finally:
        del module.Recorder
    assert seen[-1] == ("active", "repair_job", "active", "review", user, {"n": 1})


def test_the_base_validator_objects_to_nothing(asset):
    encounter = encounter_in_active(asset)
    validator = Validator()
    assert list(validator.user_blocks(encounter=encounter, from_state="active", to_state="review", user=None)) == []
    assert (
        validator.validate(encounter=encounter, from_state="active", to_state="review", user=None, metadata={})
        == ValidationResult.ok()
    )


@pytest.mark.parametrize("blocks", ["one reason", [""], [None], 3])
def test_a_validation_result_holds_non_empty_messages_only(blocks):
    with pytest.raises(TypeError):
        ValidationResult(blocks=blocks)


def test_validation_result_builders():
    assert ValidationResult.block("a", "b").blocks == ("a", "b")
    assert ValidationResult.warn("w").warnings == ("w",)
    assert ValidationResult(blocks=["a"], warnings=("w",)) == ValidationResult(blocks=("a",), warnings=["w"])
