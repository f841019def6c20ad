"""Length limits on what enters a transition: metadata (ENCOUNTERS_MAX_JSON_BYTES), validators' warnings
(ENCOUNTERS_MAX_TEXT_LENGTH), to_state and a definition's key (their columns)."""

import json
from decimal import Decimal

import pytest
from django.core import checks
from django.test import override_settings

from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES, DEFAULT_MAX_TEXT_LENGTH
from django_decisioning.models import IdempotencyKey
from django_encounters import (
    InvalidDefinitionError,
    InvalidInputError,
    TransitionBlockedError,
    TransitionNotAllowedError,
    ValidatorError,
)
from django_encounters.checks import check_settings
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import create_encounter, transition
from tests.conftest import REPAIR_JOB

pytestmark = pytest.mark.django_db

ECHO = "tests.testapp.validators.EchoWarning"


def json_bytes(value):
    return len(json.dumps(value).encode())


def metadata_of(size):
    """Metadata whose stored JSON is exactly ``size`` bytes."""
    return {"note": "x" * (size - json_bytes({"note": ""}))}


@pytest.fixture
def encounter(definition, asset, user):
    return create_encounter("repair_job", subject=asset, created_by=user)


def assert_nothing_moved(encounter):
    assert not EncounterTransition.objects.exists()
    fresh = Encounter.objects.get(pk=encounter.pk)
    assert (fresh.state, fresh.transition_count) == ("pending", 0)


# --- metadata -----------------------------------------------------------------------------------


def test_metadata_at_the_default_limit_is_stored(encounter, user):
    result = transition(encounter, "active", by_user=user, metadata=metadata_of(DEFAULT_MAX_JSON_BYTES))
    assert EncounterTransition.objects.get(pk=result.transition.pk).metadata == metadata_of(DEFAULT_MAX_JSON_BYTES)


def test_metadata_one_byte_over_the_limit_is_refused_and_nothing_is_written(encounter, user):
    with pytest.raises(InvalidInputError, match=r"metadata is 65,537 bytes of JSON; at most 65,536 are accepted"):
        transition(encounter, "active", by_user=user, metadata=metadata_of(DEFAULT_MAX_JSON_BYTES + 1))
    assert_nothing_moved(encounter)


def test_metadata_over_the_limit_takes_no_idempotency_key(encounter, user):
    with pytest.raises(InvalidInputError):
        transition(
            encounter, "active", by_user=user, metadata=metadata_of(DEFAULT_MAX_JSON_BYTES + 1), idempotency_key="k1"
        )
    assert not IdempotencyKey.objects.exists()
    assert_nothing_moved(encounter)


def test_metadata_is_measured_as_stored(encounter, user):
    metadata = {"amount": Decimal("1.50")}  # stored as {"amount":"1.50"}
    stored = json_bytes({"amount": "1.50"})
    with override_settings(ENCOUNTERS_MAX_JSON_BYTES=stored - 1), pytest.raises(InvalidInputError, match="metadata"):
        transition(encounter, "active", by_user=user, metadata=metadata)
    with override_settings(ENCOUNTERS_MAX_JSON_BYTES=stored):
        transition(encounter, "active", by_user=user, metadata=metadata)
    assert EncounterTransition.objects.get().metadata == {"amount": "1.50"}


@pytest.mark.parametrize("limit", [40, 100_000])
def test_the_metadata_limit_follows_encounters_max_json_bytes(encounter, user, limit):
    with override_settings(ENCOUNTERS_MAX_JSON_BYTES=limit):
        with pytest.raises(InvalidInputError, match="metadata"):
            transition(encounter, "active", by_user=user, metadata=metadata_of(limit + 1))
        transition(encounter, "active", by_user=user, metadata=metadata_of(limit))
    assert EncounterTransition.objects.get().metadata == metadata_of(limit)


# --- warnings of validators -----------------------------------------------------------------------


@override_settings(ENCOUNTERS_VALIDATORS=[ECHO], ENCOUNTERS_MAX_JSON_BYTES=DEFAULT_MAX_JSON_BYTES * 2)
def test_a_warning_at_the_default_limit_is_stored(encounter, user):
    warning = "w" * DEFAULT_MAX_TEXT_LENGTH
    result = transition(encounter, "active", by_user=user, metadata={"warning": warning})
    assert result.warnings[0].message == warning
    assert EncounterTransition.objects.get().warnings == [{"validator": ECHO, "message": warning}]


@override_settings(ENCOUNTERS_VALIDATORS=[ECHO], ENCOUNTERS_MAX_JSON_BYTES=DEFAULT_MAX_JSON_BYTES * 2)
def test_a_warning_one_over_the_limit_is_a_validator_error_and_nothing_is_written(encounter, user):
    with pytest.raises(ValidatorError, match=r"a warning of validator .* has 10,001 characters") as raised:
        transition(encounter, "active", by_user=user, metadata={"warning": "w" * (DEFAULT_MAX_TEXT_LENGTH + 1)})
    assert raised.value.path == ECHO
    assert_nothing_moved(encounter)


@override_settings(ENCOUNTERS_VALIDATORS=[ECHO, "tests.testapp.validators.ChecklistValidator"])
def test_a_blocked_move_reports_its_blocks_whatever_the_length_of_its_warnings(encounter, user):
    transition(encounter, "active", by_user=user)
    with pytest.raises(TransitionBlockedError, match="checklist is not done"):
        transition(encounter, "review", by_user=user, metadata={"warning": "w" * (DEFAULT_MAX_TEXT_LENGTH + 1)})
    assert EncounterTransition.objects.count() == 1


@pytest.mark.parametrize("limit", [3, 20_000])
def test_the_warning_limit_follows_encounters_max_text_length(encounter, user, limit):
    with override_settings(ENCOUNTERS_VALIDATORS=[ECHO], ENCOUNTERS_MAX_TEXT_LENGTH=limit):
        with pytest.raises(ValidatorError):
            transition(encounter, "active", by_user=user, metadata={"warning": "w" * (limit + 1)})
        transition(encounter, "active", by_user=user, metadata={"warning": "w" * limit})
    assert EncounterTransition.objects.get().warnings == [{"validator": ECHO, "message": "w" * limit}]


# --- to_state and a definition's key: their columns ------------------------------------------------


def test_a_to_state_longer_than_a_state_name_is_refused_without_quoting_it(encounter, user):
    with pytest.raises(InvalidInputError, match="to_state has 100,000 characters; at most 100 are accepted") as raised:
        transition(encounter, "s" * 100_000, by_user=user)
    assert len(str(raised.value)) < 200
    assert_nothing_moved(encounter)


def test_a_to_state_of_a_state_names_length_is_looked_up_as_usual(encounter, user):
    with pytest.raises(TransitionNotAllowedError, match="cannot move"):
        transition(encounter, "s" * 100, by_user=user)


def test_a_definition_key_at_its_column_length_is_saved(db):
    definition = EncounterDefinition.objects.create(**{**REPAIR_JOB, "key": "k" * 100})
    assert EncounterDefinition.objects.get(pk=definition.pk).key == "k" * 100


def test_a_definition_key_longer_than_its_column_is_refused(db):
    with pytest.raises(InvalidDefinitionError, match="key has 101 characters; at most 100 are accepted"):
        EncounterDefinition.objects.create(**{**REPAIR_JOB, "key": "k" * 101})
    assert not EncounterDefinition.objects.exists()


# --- system checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "check_id"),
    [("ENCOUNTERS_MAX_TEXT_LENGTH", "django_encounters.E004"), ("ENCOUNTERS_MAX_JSON_BYTES", "django_encounters.E005")],
)
@pytest.mark.parametrize("value", [0, -1, "65536", 1.0, True, None])
def test_a_limit_that_is_not_a_positive_integer_is_an_error(settings, name, check_id, value):
    setattr(settings, name, value)
    messages = check_settings()
    assert [message.id for message in messages] == [check_id]
    assert isinstance(messages[0], checks.Error)
    assert name in messages[0].msg


@pytest.mark.parametrize("name", ["ENCOUNTERS_MAX_TEXT_LENGTH", "ENCOUNTERS_MAX_JSON_BYTES"])
def test_a_positive_integer_limit_passes_the_checks(settings, name):
    setattr(settings, name, 1)
    assert check_settings() == []
