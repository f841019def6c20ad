"""Contact points: email, phone, address rows of one party, at most one live primary per (party, kind)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from django_parties import services
from django_parties.exceptions import InvalidContactPointError, NotAPartyError, PartyDeletedError
from django_parties.models import ContactPoint, Person


def add(party, kind="email", value="a@example.com", **fields):
    return services.add_contact_point(party=party, kind=kind, value=value, **fields)


def test_contact_points_belong_to_any_kind_of_party(person, organization, group):
    for party in (person, organization, group):
        add(party, value=f"{party.party_kind}@example.com")

    assert [c.value for c in organization.contact_points.all()] == ["organization@example.com"]
    assert ContactPoint.objects.for_party(group).get().party == group


def test_adding_a_primary_demotes_the_previous_primary_of_that_kind(person):
    first = add(person, value="first@example.com", is_primary=True)
    phone = add(person, kind="phone", value="+1 555 0100", is_primary=True)
    second = add(person, value="second@example.com", is_primary=True)

    first.refresh_from_db()
    phone.refresh_from_db()
    assert (first.is_primary, second.is_primary, phone.is_primary) == (False, True, True)


def test_primary_is_per_kind_so_a_party_has_a_primary_email_and_a_primary_phone(person):
    add(person, value="a@example.com", is_primary=True)
    add(person, kind="phone", value="+1 555 0100", is_primary=True)

    assert person.primary_contact_point("email").value == "a@example.com"
    assert person.primary_contact_point("phone").value == "+1 555 0100"
    assert person.primary_contact_point("address") is None


def test_set_primary_contact_point_switches_the_primary(person):
    first = add(person, value="first@example.com", is_primary=True)
    second = add(person, value="second@example.com")

    services.set_primary_contact_point(contact_point=second)

    assert ContactPoint.objects.for_party(person).primary().get() == second
    first.refresh_from_db()
    assert not first.is_primary


def test_set_primary_on_the_primary_changes_nothing(person):
    first = add(person, is_primary=True)

    assert services.set_primary_contact_point(contact_point=first).is_primary


def test_set_primary_on_a_deleted_contact_point_is_refused(person):
    contact_point = add(person)
    contact_point.delete()

    with pytest.raises(InvalidContactPointError):
        services.set_primary_contact_point(contact_point=contact_point)


def test_database_refuses_two_live_primaries_of_one_kind_for_one_party(person):
    add(person, value="first@example.com", is_primary=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(person=person, kind="email", value="second@example.com", is_primary=True)


def test_database_accepts_primaries_of_one_kind_for_different_parties(make_person):
    ContactPoint.objects.create(person=make_person(), kind="email", value="a@example.com", is_primary=True)
    ContactPoint.objects.create(person=make_person(), kind="email", value="b@example.com", is_primary=True)

    assert ContactPoint.objects.primary().count() == 2


def test_a_deleted_primary_does_not_block_a_new_primary(person):
    add(person, value="old@example.com", is_primary=True).delete()

    ContactPoint.objects.create(person=person, kind="email", value="new@example.com", is_primary=True)

    assert ContactPoint.objects.primary().get().value == "new@example.com"


def test_database_refuses_a_contact_point_of_two_parties(person, organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(person=person, organization=organization, kind="email", value="a@example.com")


def test_database_refuses_a_contact_point_of_no_party(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(kind="email", value="a@example.com")


def test_database_refuses_an_unknown_kind(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(person=person, kind="fax", value="123")


def test_database_refuses_a_known_kind_in_another_case(person):
    # MariaDB/MySQL compare with the column's collation: a binary one, so "EMAIL" is not "email" there either.
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(person=person, kind="EMAIL", value="a@example.com")


def test_database_refuses_an_empty_value(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactPoint.objects.create(person=person, kind="phone", value="")


def test_address_value_is_made_from_its_lines(organization):
    address = add(
        organization, kind="address", value="", line1="1 Main St", city="Springfield", postal_code="12345", country="us"
    )

    assert address.value == "1 Main St, 12345 Springfield, US"
    assert ContactPoint.objects.get(pk=address.pk).country == "US"


def test_saving_an_address_directly_fills_its_value_from_the_lines(organization):
    address = ContactPoint.objects.create(organization=organization, kind="address", city="Lyon", country="fr ")

    assert ContactPoint.objects.get(pk=address.pk).value == "Lyon, FR"


def test_address_without_lines_is_refused(organization):
    with pytest.raises(InvalidContactPointError):
        add(organization, kind="address", value="")


def test_malformed_email_is_refused(person):
    with pytest.raises(InvalidContactPointError):
        add(person, value="not an email")


def test_unknown_kind_is_refused(person):
    with pytest.raises(InvalidContactPointError):
        add(person, kind="fax", value="123")


def test_empty_phone_is_refused(person):
    with pytest.raises(InvalidContactPointError):
        add(person, kind="phone", value="   ")


def test_contact_point_of_a_deleted_party_is_refused(person):
    person.delete()

    with pytest.raises(PartyDeletedError):
        add(person)


def test_full_clean_reports_an_invalid_contact_point(person):
    with pytest.raises(ValidationError):
        ContactPoint(person=person, kind="email", value="nope").full_clean()


def test_full_clean_reports_a_contact_point_without_party(db):
    with pytest.raises(ValidationError):
        ContactPoint(kind="email", value="a@example.com").full_clean()


def test_full_clean_reports_a_second_primary(person):
    add(person, is_primary=True)

    with pytest.raises(ValidationError):
        ContactPoint(person=person, kind="email", value="b@example.com", is_primary=True).full_clean()


def test_party_setter_sets_exactly_one_party(person, organization):
    contact_point = ContactPoint(person=person, kind="email", value="a@example.com")
    contact_point.party = organization

    assert (contact_point.person, contact_point.organization) == (None, organization)


def test_party_setter_refuses_a_non_party(make_user):
    with pytest.raises(NotAPartyError):
        ContactPoint(kind="email", value="a@example.com").party = make_user()


def test_comparison_key_ignores_case_spacing_and_phone_punctuation(person):
    assert ContactPoint(kind="email", value="A@Example.com").comparison_key() == ("email", "a@example.com")
    assert ContactPoint(kind="phone", value="+1 (555) 010-0").comparison_key() == ("phone", "+15550100")


def test_str_shows_kind_and_value(person):
    assert str(add(person, kind="phone", value="+1 555 0100")) == "Phone: +1 555 0100"


def test_with_contact_points_prefetches_for_a_list_of_parties(make_person, django_assert_num_queries):
    for index in range(3):
        add(make_person(), value=f"p{index}@example.com", is_primary=True)

    with django_assert_num_queries(2):
        emails = [person.primary_contact_point("email").value for person in Person.objects.with_contact_points()]

    assert sorted(emails) == ["p0@example.com", "p1@example.com", "p2@example.com"]
