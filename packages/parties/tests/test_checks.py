"""System checks catch a misconfigured PARTIES_RELATIONSHIP_TYPES or PARTIES_MAX_TEXT_LENGTH, and USE_TZ = False."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from django_parties.checks import check_max_text_length, check_relationship_types, check_use_tz
from django_parties.conf import DEFAULT_RELATIONSHIP_TYPES


def _ids(messages):
    return [message.id for message in messages]


def test_default_relationship_types_pass():
    assert check_relationship_types() == []


@override_settings(PARTIES_RELATIONSHIP_TYPES=[*DEFAULT_RELATIONSHIP_TYPES, ("vet", "Veterinarian of")])
def test_extended_relationship_types_pass():
    assert check_relationship_types() == []


@pytest.mark.parametrize("value", ["employee", [], None, {"member": "Member of"}])
def test_relationship_types_that_are_not_a_list_of_pairs_are_an_error(value):
    with override_settings(PARTIES_RELATIONSHIP_TYPES=value):
        assert _ids(check_relationship_types()) == ["django_parties.E001"]


@pytest.mark.parametrize(
    "entry", ["vet", ("vet",), ("vet", "Vet", "extra"), ("", "Empty"), ("x" * 51, "Too long"), (1, "Number")]
)
def test_malformed_relationship_type_entries_are_an_error(entry):
    with override_settings(PARTIES_RELATIONSHIP_TYPES=[("member", "Member of"), entry]):
        assert _ids(check_relationship_types()) == ["django_parties.E002"]


@override_settings(PARTIES_RELATIONSHIP_TYPES=[("member", "Member of"), ("vet", "Vet"), ("vet", "Veterinarian")])
def test_duplicate_relationship_types_are_an_error():
    assert _ids(check_relationship_types()) == ["django_parties.E003"]


@override_settings(PARTIES_RELATIONSHIP_TYPES=[("vet", "Veterinarian of")])
def test_relationship_types_without_member_are_an_error():
    assert _ids(check_relationship_types()) == ["django_parties.E004"]


def test_default_max_text_length_passes():
    assert check_max_text_length() == []


@override_settings(PARTIES_MAX_TEXT_LENGTH=1)
def test_a_positive_max_text_length_passes():
    assert check_max_text_length() == []


@pytest.mark.parametrize("value", [0, -1, None, "100", 1.5, True])
def test_a_max_text_length_that_is_not_a_positive_integer_is_an_error(value):
    with override_settings(PARTIES_MAX_TEXT_LENGTH=value):
        assert _ids(check_max_text_length()) == ["django_parties.E005"]


def test_use_tz_true_passes():
    assert check_use_tz() == []


@override_settings(USE_TZ=False)
def test_use_tz_false_is_a_warning():
    assert _ids(check_use_tz()) == ["django_parties.W001"]


def test_checks_are_registered_with_django():
    with (
        override_settings(PARTIES_RELATIONSHIP_TYPES=[("vet", "Veterinarian of")]),
        pytest.raises(SystemCheckError) as caught,
    ):
        call_command("check")

    assert "django_parties.E004" in str(caught.value)
