"""Many organizations: two organizations each define "visit" their own way, and never reach each other's."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from django_basemodels import ANY_ORG, InvalidOrgError, org_key
from django_basemodels.tenancy import per_database_natural_keys
from django_encounters import (
    CrossOrgDefinitionError,
    InvalidInputError,
    TransitionNotAllowedError,
    UnknownDefinitionError,
    create_encounter,
    definitions,
    encounter_board,
    encounters_for,
    get_definition,
    transition,
)
from django_encounters.checks import check_stored_validator_paths
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition

pytestmark = pytest.mark.django_db

# The same key, a different state machine in each organization (and one of no organization).
VISIT_A = {
    "key": "visit",
    "states": ["waiting", "with_vet", "discharged"],
    "transitions": {"waiting": ["with_vet"], "with_vet": ["discharged"]},
    "initial_state": "waiting",
    "terminal_states": ["discharged"],
}
VISIT_B = {
    "key": "visit",
    "states": ["booked", "triage", "closed"],
    "transitions": {"booked": ["triage", "closed"], "triage": ["closed"]},
    "initial_state": "booked",
    "terminal_states": ["closed"],
}
VISIT_NO_ORG = {
    "key": "visit",
    "states": ["open", "done"],
    "transitions": {"open": ["done"]},
    "initial_state": "open",
    "terminal_states": ["done"],
}


@pytest.fixture
def org_a():
    return Group.objects.create(name="Pharmacy A")


@pytest.fixture
def org_b():
    return Group.objects.create(name="Pharmacy B")


@pytest.fixture
def visit_a(org_a):
    return EncounterDefinition.objects.create(org=org_a, **VISIT_A)


@pytest.fixture
def visit_b(org_b):
    return EncounterDefinition.objects.create(org=org_b, **VISIT_B)


@pytest.fixture
def visit(visit_a, visit_b):
    """The definition of no organization, beside the two organizations' own."""
    return EncounterDefinition.objects.create(**VISIT_NO_ORG)


def test_no_model_of_the_package_keeps_a_natural_key_unique_per_database():
    assert [per_database_natural_keys(model) for model in (EncounterDefinition, Encounter, EncounterTransition)] == [
        [],
        [],
        [],
    ]


def test_two_organizations_and_no_organization_each_hold_a_definition_of_one_key(org_a, org_b, visit):
    rows = EncounterDefinition.objects.filter(key="visit").order_by("initial_state")
    assert [(row.org_key, row.initial_state) for row in rows] == [
        (org_key(org_b), "booked"),
        ("", "open"),
        (org_key(org_a), "waiting"),
    ]
    assert rows.get(org_key=org_key(org_a)).org == org_a


def test_starting_by_key_with_an_organization_uses_that_organizations_definition(
    org_a, org_b, visit_a, visit_b, visit, asset, user
):
    in_a = create_encounter("visit", org=org_a, subject=asset, created_by=user)
    in_b = create_encounter("visit", org=org_b, subject=asset, created_by=user)

    assert (in_a.definition_id, in_a.state) == (visit_a.pk, "waiting")
    assert (in_b.definition_id, in_b.state) == (visit_b.pk, "booked")


def test_the_organizations_string_key_names_the_same_organization(org_a, visit_a, asset):
    encounter = create_encounter("visit", org=f"auth.group:{org_a.pk}", subject=asset, created_by=None)
    assert encounter.definition_id == visit_a.pk


def test_starting_by_key_without_an_organization_uses_the_definition_of_no_organization(visit, asset):
    encounter = create_encounter("visit", subject=asset, created_by=None)
    assert (encounter.definition_id, encounter.state) == (visit.pk, "open")


def test_a_key_alone_never_starts_an_organizations_definition(visit_a, visit_b, asset):
    with pytest.raises(UnknownDefinitionError) as caught:
        create_encounter("visit", subject=asset, created_by=None)
    assert (caught.value.key, caught.value.org_key) == ("visit", "")
    assert not Encounter.objects.exists()


def test_an_organization_without_the_key_never_gets_another_organizations_definition(visit, asset):
    with pytest.raises(UnknownDefinitionError, match="in organization 'org-c'") as caught:
        create_encounter("visit", org="org-c", subject=asset, created_by=None)
    assert caught.value.org_key == "org-c"
    assert not Encounter.objects.exists()


def test_a_definition_of_another_organization_is_refused_and_nothing_is_written(org_a, org_b, visit_b, visit, asset):
    with pytest.raises(CrossOrgDefinitionError) as caught:
        create_encounter(visit_b, org=org_a, subject=asset, created_by=None)
    assert (caught.value.org_key, caught.value.definition_org_key) == (org_key(org_a), org_key(org_b))
    assert isinstance(caught.value, InvalidInputError)
    with pytest.raises(CrossOrgDefinitionError, match="belongs to no organization"):
        create_encounter(visit, org=org_a, subject=asset, created_by=None)
    assert not Encounter.objects.exists()


def test_a_definition_given_as_an_instance_starts_in_its_own_organization(org_b, visit_b, asset):
    assert create_encounter(visit_b, subject=asset, created_by=None).definition_id == visit_b.pk
    assert create_encounter(visit_b, org=org_b, subject=asset, created_by=None).definition_id == visit_b.pk


def test_a_definition_moved_to_another_organization_since_it_was_read_is_refused(org_a, org_b, visit_a, asset):
    EncounterDefinition.objects.filter(pk=visit_a.pk).update(org_key=org_key(org_b))  # visit_a still says org A
    with pytest.raises(CrossOrgDefinitionError) as caught:
        create_encounter(visit_a, org=org_a, subject=asset, created_by=None)
    assert (caught.value.org_key, caught.value.definition_org_key) == (org_key(org_a), org_key(org_b))
    assert not Encounter.objects.exists()


@pytest.mark.parametrize("org", ["", Group(name="unsaved"), 42])
def test_an_org_that_names_no_organization_is_refused_before_anything_is_written(org, visit, asset):
    with pytest.raises(InvalidInputError):
        create_encounter("visit", org=org, subject=asset, created_by=None)
    with pytest.raises(InvalidOrgError):
        get_definition("visit", org=org)
    assert not Encounter.objects.exists()


def test_each_encounter_moves_through_its_own_organizations_definition(org_a, org_b, visit_a, visit_b, asset):
    in_a = create_encounter("visit", org=org_a, subject=asset, created_by=None)
    with pytest.raises(TransitionNotAllowedError) as caught:
        transition(in_a, "triage", by_user=None)  # a state of B's "visit" only
    assert caught.value.allowed == ("with_vet",)
    assert transition(in_a, "with_vet", by_user=None).encounter.state == "with_vet"


def test_get_definition_returns_the_organizations_own_and_never_anothers(org_a, org_b, visit_a, visit_b, visit):
    assert get_definition("visit", org=org_a) == visit_a
    assert get_definition("visit", org=org_b) == visit_b
    assert get_definition("visit") == visit
    with pytest.raises(UnknownDefinitionError):
        get_definition("visit", org="org-c")
    with pytest.raises(UnknownDefinitionError):
        get_definition("repair_job", org=org_a)


def test_definitions_lists_each_organizations_own(org_a, org_b, visit_a, visit_b, visit):
    other = EncounterDefinition.objects.create(org=org_a, **{**VISIT_A, "key": "grooming"})
    assert list(definitions(org=org_a)) == [other, visit_a]
    assert list(definitions(org=org_b)) == [visit_b]
    assert list(definitions(org=None)) == [visit]
    assert list(definitions(org="org-c")) == []
    assert set(definitions()) == set(definitions(org=ANY_ORG)) == {other, visit_a, visit_b, visit}


def test_encounters_and_transitions_belong_to_their_definitions_organization(org_a, org_b, visit, asset, ticket):
    in_a = create_encounter("visit", org=org_a, subject=asset, created_by=None)
    in_b = create_encounter("visit", org=org_b, subject=asset, created_by=None)
    no_org = create_encounter("visit", subject=ticket, created_by=None)
    moves = {
        "a": transition(in_a, "with_vet", by_user=None).transition,
        "b": transition(in_b, "triage", by_user=None).transition,
        "none": transition(no_org, "done", by_user=None).transition,
    }

    assert list(Encounter.objects.for_org(org_a)) == [in_a]
    assert list(Encounter.objects.for_org(org_b)) == [in_b]
    assert list(Encounter.objects.for_org(None)) == [no_org]
    assert Encounter.objects.for_org(ANY_ORG).count() == 3
    assert list(EncounterTransition.objects.for_org(org_a)) == [moves["a"]]
    assert list(EncounterTransition.objects.for_org(org_b)) == [moves["b"]]
    assert list(EncounterTransition.objects.for_org(None)) == [moves["none"]]


def test_encounters_for_a_subject_are_listed_per_organization(org_a, org_b, visit, asset, ticket):
    in_a = create_encounter("visit", org=org_a, subject=asset, created_by=None)
    in_b = create_encounter("visit", org=org_b, subject=asset, created_by=None)
    no_org = create_encounter("visit", subject=asset, created_by=None)
    create_encounter("visit", org=org_a, subject=ticket, created_by=None)

    assert list(encounters_for(asset, org=org_a)) == [in_a]
    assert list(encounters_for(asset, org=org_b)) == [in_b]
    assert list(encounters_for(asset, org=None)) == [no_org]
    assert list(encounters_for(asset, org="org-c")) == []
    assert list(encounters_for(asset)) == [in_a, in_b, no_org]


def test_encounters_of_a_definition_by_key_are_those_of_the_organizations_definition(org_a, org_b, visit, asset):
    in_a = create_encounter("visit", org=org_a, subject=asset, created_by=None)
    in_b = create_encounter("visit", org=org_b, subject=asset, created_by=None)
    no_org = create_encounter("visit", subject=asset, created_by=None)

    assert list(Encounter.objects.for_definition("visit", org=org_a)) == [in_a]
    assert list(Encounter.objects.for_definition("visit", org=org_b)) == [in_b]
    assert list(Encounter.objects.for_definition("visit")) == [no_org]
    assert list(Encounter.objects.for_definition(in_b.definition, org=org_a)) == []
    assert list(Encounter.objects.for_definition(in_b.definition, org=org_b)) == [in_b]
    assert list(Encounter.objects.for_definition(in_b.definition)) == [in_b]


def test_the_board_by_key_is_the_organizations_definition_and_encounters(
    org_a, org_b, visit_a, visit_b, visit, asset, django_assert_num_queries
):
    in_a = create_encounter("visit", org=org_a, subject=asset, created_by=None)
    in_b = create_encounter("visit", org=org_b, subject=asset, created_by=None)
    create_encounter("visit", subject=asset, created_by=None)

    # the definition by (org, key), the encounters, the assets: as many queries as without organizations
    with django_assert_num_queries(3):
        board_a = encounter_board("visit", org=org_a)
        assert [encounter.subject for encounter in board_a["waiting"]] == [asset]
    assert board_a == {"waiting": [in_a], "with_vet": [], "discharged": []}
    assert encounter_board("visit", org=org_b) == {"booked": [in_b], "triage": [], "closed": []}
    assert list(encounter_board("visit")) == ["open", "done"]
    assert encounter_board(visit_b, org=org_b)["booked"] == [in_b]
    with pytest.raises(CrossOrgDefinitionError):
        encounter_board(visit_b, org=org_a)
    with pytest.raises(UnknownDefinitionError):
        encounter_board("visit", org="org-c")


def test_the_key_is_unique_within_one_organization(org_a, visit_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        EncounterDefinition.objects.create(org=org_a, **VISIT_B)
    with pytest.raises(IntegrityError), transaction.atomic():
        EncounterDefinition.objects.bulk_create([EncounterDefinition(org=org_a, **VISIT_B)])
    assert EncounterDefinition.objects.for_org(org_a).count() == 1


def test_the_key_is_unique_among_the_definitions_of_no_organization(visit_a):
    EncounterDefinition.objects.create(**VISIT_NO_ORG)
    with pytest.raises(IntegrityError), transaction.atomic():
        EncounterDefinition.objects.create(**VISIT_B)
    with pytest.raises(IntegrityError), transaction.atomic():
        EncounterDefinition.objects.bulk_create([EncounterDefinition(org_key="", **VISIT_B)])
    assert EncounterDefinition.objects.for_org(None).count() == 1


def test_full_clean_refuses_a_second_definition_of_a_key_in_one_organization_only(org_a, org_b, visit_a):
    with pytest.raises(ValidationError):
        EncounterDefinition(org=org_a, **VISIT_B).full_clean()
    EncounterDefinition(org=org_b, **VISIT_B).full_clean()


def test_the_stored_validator_check_names_the_organization():
    for org in ("org-b", None, "org-a"):
        EncounterDefinition.objects.create(org=org, **VISIT_A)
    EncounterDefinition.objects.update(validator_paths=["tests.testapp.validators.Removed"])
    messages = check_stored_validator_paths(databases=["default"])
    assert [message.msg.partition("): ")[0] for message in messages] == [
        "Encounter definition 'visit' (default",
        "Encounter definition 'visit' (default, organization 'org-a'",
        "Encounter definition 'visit' (default, organization 'org-b'",
    ]


def test_the_admin_shows_the_organization_and_keeps_it_once_the_definition_exists(admin_client, org_a, visit_a):
    base = "/admin/django_encounters"
    listing = admin_client.get(f"{base}/encounterdefinition/", {"org_key": org_key(org_a)})
    assert listing.status_code == 200 and org_key(org_a).encode() in listing.content
    assert b'name="org_key"' in admin_client.get(f"{base}/encounterdefinition/add/").content
    change = admin_client.get(f"{base}/encounterdefinition/{visit_a.pk}/change/")
    assert change.status_code == 200 and re.search(rb'name="org_key"[^>]*disabled', change.content)
    create_encounter(visit_a, subject=Group.objects.create(name="subject"), created_by=None)
    encounters = admin_client.get(f"{base}/encounter/", {"definition__org_key": org_key(org_a)})
    assert encounters.status_code == 200 and org_key(org_a).encode() in encounters.content
