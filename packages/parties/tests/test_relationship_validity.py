"""``current()`` and ``as_of(when)``: valid_from <= when < valid_to, an empty valid_to meaning open."""

import pytest

from django_parties import services
from django_parties.exceptions import InvalidValidityPeriodError, RelationshipDeletedError, RelationshipEndedError
from django_parties.models import PartyRelationship


@pytest.fixture
def employment(person, organization, now, days):
    return services.create_relationship(
        from_party=person, to_party=organization, relationship_type="employee", valid_from=now - days(10)
    )


def test_open_relationship_is_current(employment):
    assert list(PartyRelationship.objects.current()) == [employment]


def test_relationship_starting_in_the_future_is_not_current(person, organization, now, days):
    services.create_relationship(
        from_party=person, to_party=organization, relationship_type="employee", valid_from=now + days(1)
    )

    assert not PartyRelationship.objects.current().exists()


def test_as_of_includes_the_first_moment_of_the_period(employment):
    assert list(PartyRelationship.objects.as_of(employment.valid_from)) == [employment]


def test_as_of_excludes_moments_before_the_period(employment, days):
    assert not PartyRelationship.objects.as_of(employment.valid_from - days(1)).exists()


def test_as_of_excludes_the_end_moment_of_the_period(employment, now):
    ended = services.end_relationship(relationship=employment, valid_to=now)

    assert not PartyRelationship.objects.as_of(ended.valid_to).exists()


def test_as_of_finds_an_ended_relationship_inside_its_period(employment, now, days):
    services.end_relationship(relationship=employment, valid_to=now - days(2))

    assert list(PartyRelationship.objects.as_of(now - days(5))) == [employment]
    assert not PartyRelationship.objects.current().exists()


def test_end_relationship_defaults_to_now(employment, now):
    ended = services.end_relationship(relationship=employment)

    assert ended.valid_to >= now
    assert not PartyRelationship.objects.current().exists()


def test_end_relationship_keeps_the_row(employment):
    services.end_relationship(relationship=employment)

    assert PartyRelationship.objects.filter(pk=employment.pk).exists()


def test_ending_an_ended_relationship_is_refused(employment, now):
    services.end_relationship(relationship=employment, valid_to=now)

    with pytest.raises(RelationshipEndedError):
        services.end_relationship(relationship=employment)


def test_ending_before_the_start_is_refused(employment, days):
    with pytest.raises(InvalidValidityPeriodError):
        services.end_relationship(relationship=employment, valid_to=employment.valid_from - days(1))

    employment.refresh_from_db()
    assert employment.valid_to is None


def test_ending_a_deleted_relationship_is_refused(employment):
    employment.delete()

    with pytest.raises(RelationshipDeletedError):
        services.end_relationship(relationship=employment)


def test_soft_deleted_relationship_is_not_current(employment):
    employment.delete()

    assert not PartyRelationship.objects.current().exists()


def test_is_valid_at_agrees_with_as_of(employment, now, days):
    ended = services.end_relationship(relationship=employment, valid_to=now)

    assert ended.is_valid_at(now - days(1))
    assert not ended.is_valid_at(now)
    assert not ended.is_valid_at(employment.valid_from - days(1))


def test_a_relationship_whose_type_was_removed_from_the_setting_can_still_be_ended(employment, settings):
    settings.PARTIES_RELATIONSHIP_TYPES = [("member", "Member of")]

    assert services.end_relationship(relationship=employment).valid_to is not None
