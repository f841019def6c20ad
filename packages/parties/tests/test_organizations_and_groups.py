"""Organizations form a tree without cycles; groups list their members through "member" relationships."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from django_parties import services
from django_parties.exceptions import InvalidPartyError, PartyDeletedError
from django_parties.models import Group, Organization


def test_organization_can_have_a_parent(make_organization):
    clinic = make_organization(name="Clinic", kind="clinic")
    ward = make_organization(name="Ward A", kind="department", parent=clinic)

    assert list(clinic.children.all()) == [ward]
    assert ward.ancestors() == [clinic]


def test_organization_needs_a_name(db):
    with pytest.raises(InvalidPartyError):
        services.create_organization(name="  ")


def test_database_refuses_an_organization_without_a_name(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.create(name="")


def test_database_refuses_an_organization_that_is_its_own_parent(organization):
    with pytest.raises(IntegrityError), transaction.atomic():
        Organization.objects.filter(pk=organization.pk).update(parent=organization)


def test_moving_an_organization_under_its_descendant_is_refused(make_organization):
    root = make_organization()
    child = make_organization(parent=root)
    grandchild = make_organization(parent=child)

    with pytest.raises(InvalidPartyError):
        services.set_organization_parent(organization=root, parent=grandchild)

    root.refresh_from_db()
    assert root.parent is None


def test_moving_an_organization_under_itself_is_refused(organization):
    with pytest.raises(InvalidPartyError):
        services.set_organization_parent(organization=organization, parent=organization)


def test_set_organization_parent_moves_and_detaches(make_organization):
    first, second = make_organization(), make_organization()
    child = make_organization(parent=first)

    assert services.set_organization_parent(organization=child, parent=second).parent == second
    assert services.set_organization_parent(organization=child, parent=None).parent is None


def test_a_deleted_organization_cannot_become_a_parent(make_organization):
    parent = make_organization()
    parent.delete()

    with pytest.raises(PartyDeletedError):
        make_organization(parent=parent)


def test_full_clean_reports_a_cycle(make_organization):
    root = make_organization()
    child = make_organization(parent=root)
    root.parent = child

    with pytest.raises(ValidationError):
        root.full_clean()


def test_group_needs_a_name(db):
    with pytest.raises(InvalidPartyError):
        services.create_group(name="")


def test_full_clean_reports_a_group_without_a_name(db):
    with pytest.raises(ValidationError):
        Group(name="").full_clean()


def test_database_refuses_a_group_without_a_name(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.create(name="")


def test_group_members_are_the_current_member_relationships(group, make_person, organization, make_group, now, days):
    alice, bob = make_person(), make_person()
    subgroup = make_group()
    for member in (alice, organization, subgroup):
        services.create_relationship(from_party=member, to_party=group, relationship_type="member")
    services.create_relationship(from_party=bob, to_party=group, relationship_type="billing")

    assert set(group.members()) == {alice, organization, subgroup}


def test_group_members_as_of_a_past_moment(group, make_person, now, days):
    former, current = make_person(), make_person()
    services.create_relationship(
        from_party=former, to_party=group, relationship_type="member", valid_from=now - days(10), valid_to=now - days(5)
    )
    services.create_relationship(from_party=current, to_party=group, relationship_type="member")

    assert group.members(now - days(7)) == [former]
    assert group.members() == [current]


def test_group_members_leave_out_deleted_parties(group, make_person):
    alice = make_person()
    services.create_relationship(from_party=alice, to_party=group, relationship_type="member")
    alice.delete()

    assert group.members() == []


def test_group_members_cost_one_query(group, make_person, organization, django_assert_num_queries):
    for member in (make_person(), make_person(), organization):
        services.create_relationship(from_party=member, to_party=group, relationship_type="member")

    with django_assert_num_queries(1):
        names = [str(member) for member in group.members()]

    assert len(names) == 3
