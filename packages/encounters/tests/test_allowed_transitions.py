"""get_allowed_transitions: the moves open from the current state, optionally for one user, read-only."""

import pytest

from django_encounters.models import Encounter, EncounterDefinition
from django_encounters.services import create_encounter, get_allowed_transitions, transition
from tests.conftest import REPAIR_JOB

pytestmark = pytest.mark.django_db

STAFF_ONLY = "tests.testapp.validators.StaffOnlyCompletion"


@pytest.fixture
def in_review(asset):
    EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=[STAFF_ONLY])
    encounter = create_encounter("repair_job", subject=asset, created_by=None)
    transition(encounter, "active", by_user=None)
    transition(encounter, "review", by_user=None)
    return Encounter.objects.select_related("definition").get(pk=encounter.pk)


def test_without_a_user_every_edge_from_the_current_state_is_listed_in_order(in_review, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert get_allowed_transitions(in_review) == ["active", "completed"]


def test_with_a_user_moves_a_validator_blocks_for_that_user_are_left_out(in_review, user, staff):
    assert get_allowed_transitions(in_review, user=user) == ["active"]
    assert get_allowed_transitions(in_review, user=staff) == ["active", "completed"]


def test_listing_moves_writes_nothing(in_review, user, django_assert_num_queries):
    with django_assert_num_queries(0):
        get_allowed_transitions(in_review, user=user)
    assert Encounter.objects.get().transition_count == 2


def test_an_ended_encounter_has_no_moves(in_review, staff):
    transition(in_review, "completed", by_user=staff)
    assert get_allowed_transitions(in_review) == []
    assert get_allowed_transitions(in_review, user=staff) == []


def test_the_seed_flow_lists_one_move_at_a_time(definition, asset, user):
    encounter = create_encounter("repair_job", subject=asset, created_by=user)
    assert get_allowed_transitions(encounter) == ["active", "cancelled"]
    transition(encounter, "active", by_user=user)
    assert get_allowed_transitions(encounter) == ["review", "cancelled"]
