"""Reading relationships: by party, by type, both sides as properties, and without N+1 queries."""

import pytest

from django_parties import services
from django_parties.exceptions import NotAPartyError
from django_parties.models import PartyRelationship, Person


def relate(from_party, to_party, relationship_type="employee", **fields):
    return services.create_relationship(
        from_party=from_party, to_party=to_party, relationship_type=relationship_type, **fields
    )


def test_for_party_finds_both_directions(make_person, organization):
    alice, bob = make_person(), make_person()
    outgoing = relate(alice, organization)
    incoming = relate(bob, alice, "guardian")
    relate(bob, organization)

    assert set(PartyRelationship.objects.for_party(alice)) == {outgoing, incoming}


def test_from_party_and_to_party_filter_one_direction(make_person):
    alice, bob = make_person(), make_person()
    guardianship = relate(alice, bob, "guardian")

    assert list(PartyRelationship.objects.from_party(alice)) == [guardianship]
    assert not PartyRelationship.objects.to_party(alice).exists()
    assert list(PartyRelationship.objects.to_party(bob)) == [guardianship]


def test_party_relationships_method_lists_both_directions(person, organization, group):
    employment = relate(person, organization)
    membership = relate(group, person, "billing")

    assert set(person.relationships()) == {employment, membership}


def test_of_type_filters_by_relationship_type(person, organization):
    employment = relate(person, organization)
    relate(person, organization, "owner")

    assert list(PartyRelationship.objects.of_type("employee")) == [employment]
    assert list(PartyRelationship.objects.of_type("Employee")) == []
    assert PartyRelationship.objects.of_type("employee", "owner").count() == 2


def test_from_party_and_to_party_properties_return_the_set_side(person, organization, group):
    relationship = relate(group, organization, "member")

    assert relationship.from_party == group
    assert relationship.to_party == organization
    assert relate(person, group, "member").from_party == person


def test_party_properties_can_be_set_on_a_new_relationship(person, organization):
    relationship = PartyRelationship(relationship_type="owner")
    relationship.from_party = organization
    relationship.from_party = person
    relationship.to_party = organization
    relationship.save()

    assert relationship.from_organization is None
    assert PartyRelationship.objects.get(from_person=person, to_organization=organization) == relationship


def test_party_properties_are_accepted_as_create_keywords(person, organization):
    relationship = PartyRelationship.objects.create(from_party=person, to_party=organization, relationship_type="owner")

    assert relationship.from_person == person
    assert relationship.to_organization == organization


def test_party_property_of_an_empty_side_is_none():
    assert PartyRelationship(relationship_type="owner").from_party is None


def test_other_party_returns_the_counterpart(make_person):
    alice, bob = make_person(), make_person()
    relationship = relate(alice, bob, "guardian")

    assert relationship.other_party(alice) == bob
    assert relationship.other_party(bob) == alice


def test_other_party_of_a_party_on_neither_side_is_an_error(make_person, organization):
    relationship = relate(make_person(), organization)

    with pytest.raises(ValueError):
        relationship.other_party(make_person())


def test_filtering_by_an_object_that_is_not_a_party_is_refused(django_user_model, db):
    user = django_user_model.objects.create_user(username="u")

    with pytest.raises(NotAPartyError):
        PartyRelationship.objects.for_party(user)


def test_filtering_by_an_unsaved_party_is_refused(db):
    with pytest.raises(NotAPartyError):
        PartyRelationship.objects.for_party(Person(given_name="Ghost"))


def test_between_live_parties_hides_relationships_of_deleted_parties(make_person, organization):
    alice, bob = make_person(), make_person()
    relate(alice, organization)
    kept = relate(bob, organization)
    alice.delete()

    assert PartyRelationship.objects.count() == 2
    assert list(PartyRelationship.objects.between_live_parties()) == [kept]


def test_with_parties_reads_both_sides_in_one_query(person, organization, group, django_assert_num_queries):
    relate(person, organization)
    relate(group, person, "billing")

    with django_assert_num_queries(1):
        pairs = [(r.from_party, r.to_party) for r in PartyRelationship.objects.for_party(person).with_parties()]

    assert len(pairs) == 2


def _list_current_relationships_with_contacts(party):
    return [
        (
            relationship.relationship_type,
            str(relationship.other_party(party)),
            [contact.value for contact in relationship.other_party(party).contact_points.all()],
        )
        for relationship in PartyRelationship.objects.current().for_party(party).with_contact_points()
    ]


@pytest.mark.parametrize("count", [1, 5])
def test_listing_current_relationships_with_contact_points_costs_constant_queries(
    count, person, make_person, make_organization, make_group, django_assert_num_queries
):
    for index in range(count):
        colleague, employer, club = make_person(), make_organization(), make_group()
        for party in (colleague, employer, club):
            services.add_contact_point(party=party, kind="email", value=f"x{index}@example.com")
        relate(colleague, person, "guardian")
        relate(person, employer)
        relate(person, club, "member")

    # relationships + contact points of from_person, to_person, to_organization, to_group
    with django_assert_num_queries(5):
        listing = _list_current_relationships_with_contacts(person)

    assert len(listing) == 3 * count
    assert all(len(contacts) == 1 for _type, _name, contacts in listing)


def test_with_contact_points_leaves_out_deleted_contact_points(person, organization):
    services.add_contact_point(party=organization, kind="phone", value="+1 555 0100")
    services.add_contact_point(party=organization, kind="phone", value="+1 555 0199").delete()
    relate(person, organization)

    (relationship,) = PartyRelationship.objects.for_party(person).with_contact_points()

    assert [c.value for c in relationship.to_party.contact_points.all()] == ["+1 555 0100"]
