"""Text longer than its column is refused with the package's typed error, and nothing is written.

A name or a contact point field is limited by its column's ``max_length`` (beyond it PostgreSQL
refuses the row and SQLite stores it anyway); a group's description by ``PARTIES_MAX_TEXT_LENGTH``.
"""

import pytest
from django.test import override_settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_parties import conf, services
from django_parties.exceptions import InvalidContactPointError, InvalidPartyError
from django_parties.models import ContactPoint, Group, Organization, Person

PERSON_FIELDS = [("given_name", 150), ("family_name", 150), ("display_name", 255)]
ORGANIZATION_FIELDS = [("name", 255), ("kind", 50)]
# Each address line alone: an address's value is made from its lines, and must fit too.
ADDRESS_FIELDS = [("line1", 255), ("line2", 255), ("city", 100), ("region", 100), ("postal_code", 20)]


@pytest.mark.parametrize(("field", "limit"), PERSON_FIELDS)
def test_a_person_name_as_long_as_its_column_is_stored(db, field, limit):
    person = services.create_person(**{field: "x" * limit})

    person.refresh_from_db()
    assert getattr(person, field) == "x" * limit


@pytest.mark.parametrize(("field", "limit"), PERSON_FIELDS)
def test_a_person_name_longer_than_its_column_is_refused(db, field, limit):
    with pytest.raises(InvalidPartyError, match=f"{field} has {limit + 1} characters; at most {limit}"):
        services.create_person(**{field: "x" * (limit + 1)})

    assert not Person.all_objects.exists()


@pytest.mark.parametrize(("field", "limit"), ORGANIZATION_FIELDS)
def test_an_organization_text_as_long_as_its_column_is_stored(db, field, limit):
    organization = services.create_organization(**{"name": "Acme", field: "x" * limit})

    organization.refresh_from_db()
    assert getattr(organization, field) == "x" * limit


@pytest.mark.parametrize(("field", "limit"), ORGANIZATION_FIELDS)
def test_an_organization_text_longer_than_its_column_is_refused(db, field, limit):
    with pytest.raises(InvalidPartyError, match=f"{field} has {limit + 1} characters"):
        services.create_organization(**{"name": "Acme", field: "x" * (limit + 1)})

    assert not Organization.all_objects.exists()


def test_a_group_name_as_long_as_its_column_is_stored(db):
    group = services.create_group(name="x" * 255)

    group.refresh_from_db()
    assert group.name == "x" * 255


def test_a_group_name_longer_than_its_column_is_refused(db):
    with pytest.raises(InvalidPartyError, match="name has 256 characters"):
        services.create_group(name="x" * 256)

    assert not Group.all_objects.exists()


def test_the_default_limit_of_free_text_is_the_shared_default():
    assert conf.max_text_length() == DEFAULT_MAX_TEXT_LENGTH


def test_a_group_description_at_the_limit_is_stored(db):
    group = services.create_group(name="Volunteers", description="x" * DEFAULT_MAX_TEXT_LENGTH)

    group.refresh_from_db()
    assert len(group.description) == DEFAULT_MAX_TEXT_LENGTH


def test_a_group_description_over_the_limit_is_refused(db):
    with pytest.raises(InvalidPartyError, match="description has 10,001 characters; at most 10,000"):
        services.create_group(name="Volunteers", description="x" * (DEFAULT_MAX_TEXT_LENGTH + 1))

    assert not Group.all_objects.exists()


@override_settings(PARTIES_MAX_TEXT_LENGTH=20)
def test_parties_max_text_length_sets_the_limit_of_a_group_description(db):
    services.create_group(name="At the limit", description="x" * 20)

    with pytest.raises(InvalidPartyError, match="at most 20"):
        services.create_group(name="Over the limit", description="x" * 21)

    assert list(Group.objects.values_list("name", flat=True)) == ["At the limit"]


def test_a_contact_point_value_as_long_as_its_column_is_stored(person):
    contact_point = services.add_contact_point(party=person, kind="phone", value="1" * 255, label="x" * 50)

    contact_point.refresh_from_db()
    assert (contact_point.value, contact_point.label) == ("1" * 255, "x" * 50)


@pytest.mark.parametrize(("field", "limit"), [("value", 255), ("label", 50)])
def test_a_contact_point_text_longer_than_its_column_is_refused(person, field, limit):
    fields = {"value": "+1 555 0100", field: "1" * (limit + 1)}
    with pytest.raises(InvalidContactPointError, match=f"{field} has {limit + 1} characters"):
        services.add_contact_point(party=person, kind="phone", **fields)

    assert not ContactPoint.all_objects.exists()


@pytest.mark.parametrize(("field", "limit"), [*ADDRESS_FIELDS, ("country", 2)])
def test_an_address_line_as_long_as_its_column_is_stored(person, field, limit):
    value = "US" if field == "country" else "x" * limit
    contact_point = services.add_contact_point(party=person, kind="address", **{field: value})

    contact_point.refresh_from_db()
    assert getattr(contact_point, field) == value


@pytest.mark.parametrize(("field", "limit"), [*ADDRESS_FIELDS, ("country", 2)])
def test_an_address_line_longer_than_its_column_is_refused(person, field, limit):
    with pytest.raises(InvalidContactPointError, match=f"{field} has {limit + 1} characters"):
        services.add_contact_point(party=person, kind="address", **{"line1": "1 Main St", field: "x" * (limit + 1)})

    assert not ContactPoint.all_objects.exists()


def test_an_address_whose_lines_together_are_longer_than_the_value_column_is_refused(person):
    with pytest.raises(InvalidContactPointError, match="value has 402 characters; at most 255"):
        services.add_contact_point(party=person, kind="address", line1="x" * 200, line2="y" * 200)

    assert not ContactPoint.all_objects.exists()


def test_a_refused_primary_contact_point_leaves_the_previous_primary_alone(person):
    previous = services.add_contact_point(party=person, kind="phone", value="+1 555 0100", is_primary=True)

    with pytest.raises(InvalidContactPointError):
        services.add_contact_point(party=person, kind="phone", value="1" * 256, is_primary=True)

    previous.refresh_from_db()
    assert previous.is_primary
    assert list(ContactPoint.all_objects.all()) == [previous]
