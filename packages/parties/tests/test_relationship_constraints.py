"""The database itself refuses relationships without exactly one side each, self-relationships and bad periods."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from django_parties.models import PartyRelationship


def _refused(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyRelationship.objects.create(relationship_type="employee", **fields)


def _refused_in_bulk(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyRelationship.objects.bulk_create([PartyRelationship(relationship_type="employee", **fields)])


@pytest.mark.django_db
def test_create_with_two_from_sides_is_refused_by_the_database(make_person, organization, group):
    _refused(from_person=make_person(), from_organization=organization, to_group=group)


@pytest.mark.django_db
def test_create_with_no_from_side_is_refused_by_the_database(organization):
    _refused(to_organization=organization)


@pytest.mark.django_db
def test_create_with_two_to_sides_is_refused_by_the_database(person, organization, group):
    _refused(from_person=person, to_organization=organization, to_group=group)


@pytest.mark.django_db
def test_create_with_no_to_side_is_refused_by_the_database(person):
    _refused(from_person=person)


@pytest.mark.django_db
def test_bulk_create_with_two_from_sides_is_refused_by_the_database(person, organization, group):
    _refused_in_bulk(from_person=person, from_organization=organization, to_group=group)


@pytest.mark.django_db
def test_bulk_create_with_no_from_side_is_refused_by_the_database(organization):
    _refused_in_bulk(to_organization=organization)


@pytest.mark.django_db
def test_bulk_create_with_two_to_sides_is_refused_by_the_database(person, organization, group):
    _refused_in_bulk(from_person=person, to_organization=organization, to_group=group)


@pytest.mark.django_db
def test_bulk_create_with_no_to_side_is_refused_by_the_database(person):
    _refused_in_bulk(from_person=person)


@pytest.mark.django_db
def test_relationship_from_a_party_to_itself_is_refused_by_the_database(person):
    _refused(from_person=person, to_person=person)


@pytest.mark.django_db
def test_valid_to_before_valid_from_is_refused_by_the_database(person, organization, now):
    _refused(from_person=person, to_organization=organization, valid_from=now, valid_to=now - datetime.timedelta(1))


@pytest.mark.django_db
def test_valid_to_equal_to_valid_from_is_refused_by_the_database(person, organization, now):
    _refused(from_person=person, to_organization=organization, valid_from=now, valid_to=now)


@pytest.mark.django_db
def test_empty_relationship_type_is_refused_by_the_database(person, organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyRelationship.objects.create(from_person=person, to_organization=organization, relationship_type="")


@pytest.mark.django_db
def test_seed_example_creates_a_relationship_directly(person, organization):
    relationship = PartyRelationship.objects.create(
        from_person=person, to_organization=organization, relationship_type="employee"
    )

    assert relationship.from_party == person
    assert relationship.to_party == organization


@pytest.mark.django_db
def test_relationships_between_parties_of_any_kinds_are_accepted(make_person, organization, group):
    alice, bob = make_person(), make_person()

    PartyRelationship.objects.bulk_create(
        [
            PartyRelationship(from_person=alice, to_person=bob, relationship_type="guardian"),
            PartyRelationship(from_organization=organization, to_group=group, relationship_type="member"),
            PartyRelationship(from_group=group, to_person=alice, relationship_type="billing"),
        ]
    )

    assert PartyRelationship.objects.count() == 3
