"""Transitions are facts with business time (effective_at, may be backdated) and record time."""

import datetime as dt

import pytest
from django.utils import timezone

from django_decisioning.testing import assert_backdate_coherent
from django_encounters import InvalidInputError
from django_encounters.models import Encounter, EncounterTransition
from django_encounters.services import create_encounter, transition

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def started_three_days_ago(definition, asset):
    return create_encounter(definition, subject=asset, created_by=None, started_at=timezone.now() - 3 * DAY)


def test_a_move_is_effective_when_it_is_recorded_unless_backdated(started_three_days_ago):
    record = transition(started_three_days_ago, "active", by_user=None).transition
    fresh = EncounterTransition.objects.get(pk=record.pk)
    assert fresh.at == fresh.effective_at == fresh.recorded_at


def test_a_backdated_move_is_coherent_in_as_of_queries(started_three_days_ago):
    record = transition(started_three_days_ago, "active", by_user=None, effective_at=timezone.now() - DAY).transition
    assert_backdate_coherent(record)


def test_a_backdated_terminal_move_ends_the_encounter_at_its_business_time(started_three_days_ago):
    when = timezone.now() - DAY
    transition(started_three_days_ago, "cancelled", by_user=None, effective_at=when)
    fresh = Encounter.objects.get()
    assert fresh.ended_at == fresh.state_since == when


def test_a_move_cannot_be_dated_before_the_current_state_began(started_three_days_ago):
    transition(started_three_days_ago, "active", by_user=None, effective_at=timezone.now() - DAY)
    with pytest.raises(InvalidInputError, match="before the current state 'active' began"):
        transition(started_three_days_ago, "review", by_user=None, effective_at=timezone.now() - 2 * DAY)
    assert EncounterTransition.objects.count() == 1


def test_a_move_cannot_be_dated_before_the_encounter_started(started_three_days_ago):
    with pytest.raises(InvalidInputError):
        transition(started_three_days_ago, "active", by_user=None, effective_at=timezone.now() - 4 * DAY)


@pytest.mark.parametrize(
    "effective_at, message",
    [(timezone.now() + DAY, "in the future"), (dt.datetime(2024, 1, 1), "timezone-aware")],
)
def test_a_future_or_naive_business_time_is_refused(started_three_days_ago, effective_at, message):
    with pytest.raises(InvalidInputError, match=message):
        transition(started_three_days_ago, "active", by_user=None, effective_at=effective_at)


def test_state_at_answers_what_state_the_encounter_was_in(started_three_days_ago):
    now = timezone.now()
    encounter = started_three_days_ago
    transition(encounter, "active", by_user=None, effective_at=now - 2 * DAY)
    transition(encounter, "review", by_user=None, effective_at=now - DAY)
    assert encounter.state_at(now - 4 * DAY) is None
    assert encounter.state_at(now - dt.timedelta(days=2, hours=12)) == "pending"
    assert encounter.state_at(now - dt.timedelta(days=1, hours=12)) == "active"
    assert encounter.state_at(timezone.now()) == "review"


def test_state_at_with_known_at_ignores_moves_recorded_later(started_three_days_ago):
    encounter = started_three_days_ago
    transition(encounter, "active", by_user=None)
    learnt = EncounterTransition.objects.get().recorded_at
    yesterday = timezone.now() - DAY
    assert encounter.state_at(timezone.now(), known_at=learnt) == "active"
    assert encounter.state_at(timezone.now(), known_at=learnt - dt.timedelta(microseconds=1)) == "pending"
    assert encounter.state_at(yesterday, known_at=learnt) == "pending"
    assert encounter.state_at(yesterday, known_at=encounter.created_at - dt.timedelta(microseconds=1)) is None


def test_state_at_refuses_naive_datetimes(started_three_days_ago):
    with pytest.raises(ValueError, match="timezone-aware"):
        started_three_days_ago.state_at(dt.datetime(2024, 1, 1))
