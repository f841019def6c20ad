"""``merge_parties`` folds a duplicate into the party to keep, in one transaction."""

import pytest

from django_parties import services
from django_parties.exceptions import (
    MergeUserConflictError,
    NotAPartyError,
    PartyDeletedError,
    PartyKindMismatchError,
    SamePartyMergeError,
)
from django_parties.models import ContactPoint, Organization, PartyRelationship, Person
from django_parties.services import MergeSummary


def relate(from_party, to_party, relationship_type="employee", **fields):
    return services.create_relationship(
        from_party=from_party, to_party=to_party, relationship_type=relationship_type, **fields
    )


def add(party, kind="email", value="a@example.com", **fields):
    return services.add_contact_point(party=party, kind=kind, value=value, **fields)


@pytest.fixture
def keep(make_person):
    return make_person(given_name="Alice", family_name="Smith")


@pytest.fixture
def duplicate(make_person):
    return make_person(given_name="Alice", family_name="Smyth")


def test_relationships_of_the_duplicate_move_to_keep_in_both_directions(keep, duplicate, make_person, organization):
    guardian = make_person()
    employment = relate(duplicate, organization)
    guardianship = relate(guardian, duplicate, "guardian")

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.relationships_moved == 2
    assert set(PartyRelationship.objects.for_party(keep)) == {employment, guardianship}
    assert not PartyRelationship.objects.for_party(duplicate).exists()


def test_ended_relationships_move_too(keep, duplicate, organization, now, days):
    relate(duplicate, organization, valid_from=now - days(9), valid_to=now - days(3))

    services.merge_parties(keep=keep, merge=duplicate)

    assert PartyRelationship.objects.from_party(keep).as_of(now - days(5)).exists()


def test_relationships_between_keep_and_duplicate_are_dropped_not_made_self_relationships(keep, duplicate):
    forward = relate(keep, duplicate, "guardian")
    backward = relate(duplicate, keep, "emergency_contact")

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.relationships_dropped == 2
    assert summary.relationships_moved == 0
    assert not PartyRelationship.objects.exists()
    assert {r.pk for r in PartyRelationship.deleted_objects.all()} == {forward.pk, backward.pk}
    assert PartyRelationship.all_objects.get(pk=forward.pk).to_party == duplicate


def test_deleted_relationships_of_the_duplicate_stay_with_it(keep, duplicate, organization):
    mistake = relate(duplicate, organization)
    mistake.delete()

    services.merge_parties(keep=keep, merge=duplicate)

    assert PartyRelationship.all_objects.get(pk=mistake.pk).from_party == duplicate


def test_contact_points_of_the_duplicate_move_to_keep(keep, duplicate):
    add(keep, value="alice@example.com")
    phone = add(duplicate, kind="phone", value="+1 555 0100")

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.contact_points_moved == 1
    assert ContactPoint.objects.for_party(keep).count() == 2
    assert ContactPoint.objects.get(pk=phone.pk).party == keep


def test_primary_of_the_duplicate_that_clashes_with_keeps_primary_is_demoted(keep, duplicate):
    kept_primary = add(keep, value="alice@example.com", is_primary=True)
    moved = add(duplicate, value="alice.smyth@example.com", is_primary=True)

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.primaries_demoted == 1
    assert ContactPoint.objects.for_party(keep).primary().get() == kept_primary
    assert ContactPoint.objects.get(pk=moved.pk).is_primary is False


def test_primary_of_the_duplicate_stays_primary_when_keep_has_none_of_that_kind(keep, duplicate):
    add(keep, value="alice@example.com", is_primary=True)
    phone = add(duplicate, kind="phone", value="+1 555 0100", is_primary=True)

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.primaries_demoted == 0
    assert keep.primary_contact_point("phone") == phone


def test_contact_point_equal_to_one_of_keeps_is_dropped(keep, duplicate):
    add(keep, value="alice@example.com")
    twin = add(duplicate, value="ALICE@example.com ")

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert (summary.contact_points_dropped, summary.contact_points_moved) == (1, 0)
    assert [c.value for c in ContactPoint.objects.for_party(keep)] == ["alice@example.com"]
    assert ContactPoint.deleted_objects.get().pk == twin.pk


def test_dropped_primary_passes_its_flag_to_keeps_equal_contact_point(keep, duplicate):
    kept = add(keep, kind="phone", value="+1 555 0100")
    add(duplicate, kind="phone", value="+1 (555) 0100", is_primary=True)

    services.merge_parties(keep=keep, merge=duplicate)

    assert keep.primary_contact_point("phone") == kept


def test_deleted_contact_points_of_the_duplicate_stay_with_it(keep, duplicate):
    old = add(duplicate, value="old@example.com")
    old.delete()

    services.merge_parties(keep=keep, merge=duplicate)

    assert ContactPoint.all_objects.get(pk=old.pk).party == duplicate


def test_duplicate_is_soft_deleted_and_points_at_keep(keep, duplicate):
    services.merge_parties(keep=keep, merge=duplicate)

    merged = Person.all_objects.get(pk=duplicate.pk)
    assert merged.is_deleted
    assert merged.merged_into == keep
    assert list(Person.objects.all()) == [keep]


def test_parties_merged_earlier_into_the_duplicate_now_point_at_keep(keep, duplicate, make_person):
    older = make_person()
    services.merge_parties(keep=duplicate, merge=older)

    services.merge_parties(keep=keep, merge=duplicate)

    assert Person.all_objects.get(pk=older.pk).merged_into == keep


def test_user_link_moves_to_keep_when_keep_has_none(keep, make_person, make_user):
    user = make_user()
    duplicate = make_person(user=user)

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.user_moved
    assert Person.objects.for_user(user).get() == keep
    assert Person.all_objects.get(pk=duplicate.pk).user is None


def test_keeps_own_user_link_stays(make_person, duplicate, make_user):
    user = make_user()
    keep = make_person(user=user)

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert not summary.user_moved
    assert Person.objects.for_user(user).get() == keep


def test_merging_two_persons_with_users_is_refused_and_changes_nothing(make_person, make_user):
    keep, duplicate = make_person(user=make_user()), make_person(user=make_user())

    with pytest.raises(MergeUserConflictError):
        services.merge_parties(keep=keep, merge=duplicate)

    assert not Person.all_objects.get(pk=duplicate.pk).is_deleted


def test_merging_a_person_into_an_organization_is_refused(organization, duplicate):
    with pytest.raises(PartyKindMismatchError):
        services.merge_parties(keep=organization, merge=duplicate)


def test_merging_a_party_into_itself_is_refused(keep):
    with pytest.raises(SamePartyMergeError):
        services.merge_parties(keep=keep, merge=keep)


def test_merging_a_deleted_duplicate_is_refused(keep, duplicate):
    duplicate.delete()

    with pytest.raises(PartyDeletedError):
        services.merge_parties(keep=keep, merge=duplicate)


def test_merging_into_a_deleted_party_is_refused(keep, duplicate):
    keep.delete()

    with pytest.raises(PartyDeletedError):
        services.merge_parties(keep=keep, merge=duplicate)


def test_merging_a_non_party_is_refused(keep, make_user):
    with pytest.raises(NotAPartyError):
        services.merge_parties(keep=keep, merge=make_user())


def test_a_failure_halfway_leaves_nothing_changed(keep, duplicate, organization, monkeypatch):
    employment = relate(duplicate, organization)
    email = add(duplicate, value="smyth@example.com", is_primary=True)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # relationships are moved before contact points: make the second step fail
    monkeypatch.setattr(services, "_move_contact_points", fail)

    with pytest.raises(RuntimeError):
        services.merge_parties(keep=keep, merge=duplicate)

    assert PartyRelationship.objects.get(pk=employment.pk).from_party == duplicate
    assert ContactPoint.objects.get(pk=email.pk).party == duplicate
    assert not Person.all_objects.get(pk=duplicate.pk).is_deleted


def test_summary_of_an_empty_merge_is_all_zero(keep, duplicate):
    assert services.merge_parties(keep=keep, merge=duplicate) == MergeSummary()


def test_merging_groups_moves_their_members(make_group, make_person):
    keep, duplicate = make_group(), make_group()
    alice, bob = make_person(), make_person()
    relate(alice, keep, "member")
    relate(bob, duplicate, "member")

    services.merge_parties(keep=keep, merge=duplicate)

    assert set(keep.members()) == {alice, bob}


def test_merging_organizations_moves_the_children(make_organization):
    keep, duplicate = make_organization(), make_organization()
    ward = make_organization(parent=duplicate)

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.children_moved == 1
    assert Organization.objects.get(pk=ward.pk).parent == keep


def test_merging_a_parent_into_its_child_lifts_the_child_to_the_parents_place(make_organization):
    root = make_organization()
    duplicate = make_organization(parent=root)
    sibling = make_organization(parent=duplicate)
    keep = make_organization(parent=duplicate)

    summary = services.merge_parties(keep=keep, merge=duplicate)

    assert summary.children_moved == 1
    assert Organization.objects.get(pk=keep.pk).parent == root
    assert Organization.objects.get(pk=sibling.pk).parent == keep


def test_merging_an_ancestor_into_a_grandchild_leaves_no_cycle(make_organization):
    duplicate = make_organization()
    middle = make_organization(parent=duplicate)
    keep = make_organization(parent=middle)

    services.merge_parties(keep=keep, merge=duplicate)

    keep = Organization.objects.get(pk=keep.pk)
    middle = Organization.objects.get(pk=middle.pk)
    assert (keep.parent, middle.parent) == (None, keep)
    assert keep.ancestors() == []


def test_merging_a_child_into_its_parent_moves_the_grandchildren_up(make_organization):
    keep = make_organization()
    duplicate = make_organization(parent=keep)
    grandchild = make_organization(parent=duplicate)

    services.merge_parties(keep=keep, merge=duplicate)

    assert Organization.objects.get(pk=grandchild.pk).parent == keep
    assert list(Organization.objects.get(pk=keep.pk).children.all()) == [grandchild]
