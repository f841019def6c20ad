"""transition with an idempotency key: the same request applies once; repeats get the same transition."""

import pytest

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import IdempotencyKey
from django_decisioning.testing import assert_idempotent
from django_encounters import InvalidInputError, TransitionBlockedError
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import TRANSITION_SCOPE, create_encounter, transition
from tests.conftest import REPAIR_JOB

pytestmark = pytest.mark.django_db


@pytest.fixture
def encounter(definition, asset):
    return create_encounter(definition, subject=asset, created_by=None)


def test_the_same_key_three_times_applies_once_and_returns_the_same_transition(encounter, user):
    results = assert_idempotent(
        lambda: transition(encounter, "active", by_user=user, idempotency_key="req-1").transition,
        count=EncounterTransition.objects.count,
    )
    assert results[0].to_state == "active"
    assert Encounter.objects.get().transition_count == 1
    assert IdempotencyKey.objects.get().scope == TRANSITION_SCOPE


def test_a_repeat_says_it_was_replayed_and_returns_the_current_encounter(encounter):
    first = transition(encounter, "active", by_user=None, idempotency_key="req-1")
    transition(encounter, "review", by_user=None)
    stale = Encounter.objects.get(pk=encounter.pk)
    stale.state = "pending"
    repeat = transition(stale, "active", by_user=None, idempotency_key="req-1")
    assert (first.replayed, repeat.replayed) == (False, True)
    assert repeat.transition == first.transition
    assert repeat.encounter is stale and stale.state == "review"


def test_the_same_key_with_another_target_conflicts(encounter):
    transition(encounter, "active", by_user=None, idempotency_key="req-1")
    with pytest.raises(IdempotencyConflictError):
        transition(encounter, "cancelled", by_user=None, idempotency_key="req-1")
    assert Encounter.objects.get().state == "active"


def test_a_blocked_attempt_releases_its_key_for_a_corrected_retry(asset):
    EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=["tests.testapp.validators.ChecklistValidator"])
    encounter = create_encounter("repair_job", subject=asset, created_by=None)
    transition(encounter, "active", by_user=None)
    with pytest.raises(TransitionBlockedError):
        transition(encounter, "review", by_user=None, idempotency_key="req-2")
    result = transition(encounter, "review", by_user=None, metadata={"checklist_done": True}, idempotency_key="req-2")
    assert not result.replayed and result.encounter.state == "review"


def test_without_a_key_no_idempotency_record_is_kept(encounter):
    transition(encounter, "active", by_user=None)
    assert not IdempotencyKey.objects.exists()


def test_keys_are_kept_under_the_app_label_and_service_name(encounter):
    create_encounter(encounter.definition, subject=encounter.subject, created_by=None, idempotency_key="visit-1")
    transition(encounter, "active", by_user=None, idempotency_key="req-1")
    assert sorted(IdempotencyKey.objects.values_list("scope", flat=True)) == [
        "django_encounters.create_encounter",
        "django_encounters.transition",
    ]


@pytest.mark.parametrize("key", ["", "k" * 256, 7])
def test_a_malformed_key_is_refused_before_anything_is_written(encounter, asset, key):
    with pytest.raises(InvalidInputError, match="idempotency_key must be None or a string of 1 to 255 characters"):
        transition(encounter, "active", by_user=None, idempotency_key=key)
    with pytest.raises(InvalidInputError, match="idempotency_key"):
        create_encounter(encounter.definition, subject=asset, created_by=None, idempotency_key=key)
    assert Encounter.objects.count() == 1
    assert not EncounterTransition.objects.exists() and not IdempotencyKey.objects.exists()
