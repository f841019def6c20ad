"""The admin lists and edits every model, with contact point and relationship inlines; deleting soft-deletes."""

import pytest
from django.urls import reverse

from django_parties import services
from django_parties.admin import PartyRelationshipForm
from django_parties.models import ContactPoint, Group, Organization, PartyRelationship, Person


@pytest.fixture
def related(person, organization, group):
    services.add_contact_point(party=person, kind="email", value="alice@example.com", is_primary=True)
    services.create_relationship(from_party=person, to_party=organization, relationship_type="employee")
    services.create_relationship(from_party=person, to_party=group, relationship_type="member")
    return person


@pytest.mark.parametrize("model", [Person, Organization, Group, PartyRelationship, ContactPoint])
def test_changelist_renders(admin_client, related, model):
    response = admin_client.get(reverse(f"admin:django_parties_{model._meta.model_name}_changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", [Person, Organization, Group, PartyRelationship, ContactPoint])
def test_change_page_renders(admin_client, related, model):
    obj = model.objects.first()

    response = admin_client.get(reverse(f"admin:django_parties_{model._meta.model_name}_change", args=[obj.pk]))

    assert response.status_code == 200


def test_person_change_page_shows_contact_points_and_relationships(admin_client, related):
    response = admin_client.get(reverse("admin:django_parties_person_change", args=[related.pk]))

    content = response.content.decode()
    assert "alice@example.com" in content
    assert 'name="outgoing_relationships-0-relationship_type"' in content


def test_deleting_from_the_admin_soft_deletes(admin_client, person):
    admin_client.post(reverse("admin:django_parties_person_delete", args=[person.pk]), {"post": "yes"})

    assert Person.all_objects.get(pk=person.pk).is_deleted


def test_relationship_form_offers_the_configured_types(settings):
    settings.PARTIES_RELATIONSHIP_TYPES = [("member", "Member of"), ("vet", "Veterinarian of")]

    assert [value for value, _label in PartyRelationshipForm().fields["relationship_type"].choices] == [
        "member",
        "vet",
    ]


def test_relationship_form_refuses_an_unknown_type(person, organization):
    form = PartyRelationshipForm(
        data={
            "from_person": person.pk,
            "to_organization": organization.pk,
            "relationship_type": "nemesis",
            "valid_from_0": "2025-01-01",
            "valid_from_1": "00:00:00",
        }
    )

    assert "relationship_type" in form.errors


def test_relationship_form_refuses_two_to_sides(person, organization, group):
    form = PartyRelationshipForm(
        data={
            "from_person": person.pk,
            "to_organization": organization.pk,
            "to_group": group.pk,
            "relationship_type": "member",
            "valid_from_0": "2025-01-01",
            "valid_from_1": "00:00:00",
        }
    )

    assert not form.is_valid()


def test_adding_a_relationship_in_the_admin(admin_client, person, organization):
    response = admin_client.post(
        reverse("admin:django_parties_partyrelationship_add"),
        {
            "from_person": person.pk,
            "to_organization": organization.pk,
            "relationship_type": "owner",
            "valid_from_0": "2025-01-01",
            "valid_from_1": "00:00:00",
        },
    )

    assert response.status_code == 302
    assert PartyRelationship.objects.of_type("owner").get().to_party == organization


def test_adding_a_second_primary_in_the_admin_is_refused(admin_client, related):
    response = admin_client.post(
        reverse("admin:django_parties_contactpoint_add"),
        {"person": related.pk, "kind": "email", "value": "second@example.com", "is_primary": "on"},
    )

    assert response.status_code == 200
    assert ContactPoint.objects.count() == 1


def _person_change_data(person, contact_points, new_rows=()):
    data = {"given_name": person.given_name, "family_name": person.family_name, "display_name": "", "birth_date": ""}
    for prefix in ("outgoing_relationships", "incoming_relationships"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    rows = [
        (contact_point.pk, contact_point.kind, contact_point.value, primary)
        for contact_point, primary in contact_points
    ]
    rows += [("", kind, value, primary) for kind, value, primary in new_rows]
    data.update(
        {"contact_points-TOTAL_FORMS": str(len(rows)), "contact_points-INITIAL_FORMS": str(len(contact_points))}
    )
    for index, (pk, kind, value, primary) in enumerate(rows):
        data.update(
            {
                f"contact_points-{index}-id": pk,
                f"contact_points-{index}-person": person.pk,
                f"contact_points-{index}-kind": kind,
                f"contact_points-{index}-value": value,
            }
        )
        if primary:
            data[f"contact_points-{index}-is_primary"] = "on"
    return data


def test_moving_the_primary_flag_between_rows_in_one_save(admin_client, person):
    first = services.add_contact_point(party=person, kind="email", value="first@example.com", is_primary=True)
    second = services.add_contact_point(party=person, kind="email", value="second@example.com")

    response = admin_client.post(
        reverse("admin:django_parties_person_change", args=[person.pk]),
        _person_change_data(person, [(first, False), (second, True)]),
    )

    assert response.status_code == 302
    assert ContactPoint.objects.primary().get() == second


def test_two_primary_rows_of_one_kind_in_one_save_are_refused(admin_client, person):
    first = services.add_contact_point(party=person, kind="email", value="first@example.com", is_primary=True)

    response = admin_client.post(
        reverse("admin:django_parties_person_change", args=[person.pk]),
        _person_change_data(person, [(first, True)], new_rows=[("email", "second@example.com", True)]),
    )

    assert response.status_code == 200
    assert "Only one primary contact point per kind" in response.content.decode()
    assert ContactPoint.objects.count() == 1


def test_linking_a_user_taken_by_another_person_is_refused_in_the_admin(admin_client, make_person, make_user):
    user = make_user()
    make_person(user=user)
    other = make_person()
    data = _person_change_data(other, [])
    data["user"] = user.pk

    response = admin_client.post(reverse("admin:django_parties_person_change", args=[other.pk]), data)

    assert response.status_code == 200
    assert Person.objects.get(pk=other.pk).user is None
