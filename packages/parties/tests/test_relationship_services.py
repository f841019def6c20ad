"""``create_relationship`` validates before writing and raises the package's typed errors."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from django_parties import services
from django_parties.conf import DEFAULT_RELATIONSHIP_TYPES
from django_parties.exceptions import (
    InvalidValidityPeriodError,
    NotAPartyError,
    PartiesError,
    PartyDeletedError,
    SelfRelationshipError,
    UnknownRelationshipTypeError,
)
from django_parties.models import Organization, PartyRelationship, Person


def test_create_relationship_defaults_valid_from_to_now(person, organization, now):
    relationship = services.create_relationship(from_party=person, to_party=organization, relationship_type="owner")

    assert relationship.valid_from >= now
    assert relationship.valid_to is None


def test_create_relationship_stores_an_explicit_period(person, organization, now, days):
    relationship = services.create_relationship(
        from_party=person, to_party=organization, relationship_type="owner", valid_from=now - days(3), valid_to=now
    )
    relationship.refresh_from_db()

    assert (relationship.valid_from, relationship.valid_to) == (now - days(3), now)


def test_unknown_relationship_type_is_refused(person, organization):
    with pytest.raises(UnknownRelationshipTypeError):
        services.create_relationship(from_party=person, to_party=organization, relationship_type="nemesis")

    assert not PartyRelationship.all_objects.exists()


@override_settings(PARTIES_RELATIONSHIP_TYPES=[*DEFAULT_RELATIONSHIP_TYPES, ("veterinarian", "Veterinarian of")])
def test_relationship_types_added_by_the_setting_are_accepted(person, organization):
    relationship = services.create_relationship(
        from_party=person, to_party=organization, relationship_type="veterinarian"
    )

    assert relationship.relationship_type == "veterinarian"


@override_settings(PARTIES_RELATIONSHIP_TYPES=[("member", "Member of")])
def test_relationship_types_left_out_of_the_setting_are_refused(person, organization):
    with pytest.raises(UnknownRelationshipTypeError):
        services.create_relationship(from_party=person, to_party=organization, relationship_type="employee")


def test_relationship_with_itself_is_refused(person):
    with pytest.raises(SelfRelationshipError):
        services.create_relationship(from_party=person, to_party=person, relationship_type="guardian")


def test_period_ending_before_it_starts_is_refused(person, organization, now, days):
    with pytest.raises(InvalidValidityPeriodError):
        services.create_relationship(
            from_party=person, to_party=organization, relationship_type="owner", valid_from=now, valid_to=now - days(1)
        )


def test_relationship_with_a_deleted_party_is_refused(person, organization):
    organization.delete()

    with pytest.raises(PartyDeletedError):
        services.create_relationship(from_party=person, to_party=organization, relationship_type="owner")


def test_relationship_with_a_party_whose_row_was_hard_deleted_is_refused(person, organization):
    Organization.all_objects.filter(pk=organization.pk).hard_delete()

    with pytest.raises(PartyDeletedError):
        services.create_relationship(from_party=person, to_party=organization, relationship_type="owner")


def test_relationship_with_an_unsaved_party_is_refused(organization):
    with pytest.raises(NotAPartyError):
        services.create_relationship(
            from_party=Person(given_name="X"), to_party=organization, relationship_type="owner"
        )


def test_relationship_with_a_non_party_is_refused(organization, django_user_model):
    user = django_user_model.objects.create_user(username="u")

    with pytest.raises(NotAPartyError):
        services.create_relationship(from_party=user, to_party=organization, relationship_type="owner")


def test_every_error_is_a_parties_error():
    assert issubclass(NotAPartyError, PartiesError)
    assert issubclass(NotAPartyError, TypeError)


def test_full_clean_reports_an_unknown_type_on_its_field(person, organization):
    relationship = PartyRelationship(from_person=person, to_organization=organization, relationship_type="nemesis")

    with pytest.raises(ValidationError) as caught:
        relationship.full_clean()

    assert "relationship_type" in caught.value.message_dict


def test_full_clean_reports_a_bad_period_on_valid_to(person, organization, now):
    relationship = PartyRelationship(
        from_person=person, to_organization=organization, relationship_type="owner", valid_from=now, valid_to=now
    )

    with pytest.raises(ValidationError) as caught:
        relationship.full_clean()

    assert "valid_to" in caught.value.message_dict


def test_full_clean_reports_two_from_sides(person, organization, group):
    relationship = PartyRelationship(
        from_person=person, from_group=group, to_organization=organization, relationship_type="owner"
    )

    with pytest.raises(ValidationError, match="exactly one from_"):
        relationship.full_clean()


def test_full_clean_accepts_a_valid_relationship(person, organization):
    PartyRelationship(from_person=person, to_organization=organization, relationship_type="owner").full_clean()


def test_str_reads_as_a_sentence(person, organization):
    relationship = services.create_relationship(from_party=person, to_party=organization, relationship_type="owner")

    assert str(relationship) == "Alice Smith: Owner of Acme"


def test_a_type_removed_from_the_setting_keeps_its_stored_value_as_label(person, organization, settings):
    relationship = services.create_relationship(from_party=person, to_party=organization, relationship_type="owner")
    settings.PARTIES_RELATIONSHIP_TYPES = [("member", "Member of")]

    assert relationship.relationship_type_label == "owner"
