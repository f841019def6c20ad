"""The subject generic key, for a UUID-pk subject and an integer-pk subject, on both databases."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, ProtectedError

from django_encounters.models import Encounter
from django_encounters.services import create_encounter, transition
from tests.testapp.models import Asset, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def attached(definition, asset, ticket):
    """An asset (UUID pk) and a ticket (integer pk), each with encounters, plus decoys of each type."""
    Asset.objects.create(name="decoy")
    Ticket.objects.create(title="decoy")
    create_encounter(definition, subject=asset, created_by=None)
    transition(create_encounter(definition, subject=ticket, created_by=None), "active", by_user=None)
    create_encounter(definition, subject=ticket, created_by=None)
    return {"asset": asset, "ticket": ticket}


@pytest.mark.parametrize("kind, model", [("asset", Asset), ("ticket", Ticket)])
def test_reverse_filter_through_the_generic_relation_finds_the_subject(attached, kind, model):
    subject = attached[kind]
    assert list(model.objects.filter(encounters__definition__key="repair_job").distinct()) == [subject]


def test_reverse_filter_on_the_state_tells_the_subjects_apart(attached):
    assert list(Ticket.objects.filter(encounters__state="active")) == [attached["ticket"]]
    assert not Asset.objects.filter(encounters__state="active").exists()


@pytest.mark.parametrize("kind, count", [("asset", 1), ("ticket", 2)])
def test_related_manager_of_the_subject_lists_its_encounters(attached, kind, count):
    subject = attached[kind]
    assert subject.encounters.count() == count
    assert {encounter.subject for encounter in subject.encounters.all()} == {subject}


@pytest.mark.parametrize("kind", ["asset", "ticket"])
def test_for_subject_and_generic_foreign_key_access_agree(attached, kind):
    subject = attached[kind]
    encounters = Encounter.objects.for_subject(subject)
    assert {Encounter.objects.get(pk=encounter.pk).subject for encounter in encounters} == {subject}
    assert encounters.count() == subject.encounters.count()


def test_prefetch_of_the_subjects_attaches_each_subject_to_its_encounter(attached, django_assert_num_queries):
    encounters = list(Encounter.objects.order_by("started_at", "id").prefetch_related("subject"))
    with django_assert_num_queries(0):
        subjects = [encounter.subject for encounter in encounters]
    assert subjects == [attached["asset"], attached["ticket"], attached["ticket"]]


@pytest.mark.parametrize("kind, model", [("asset", Asset), ("ticket", Ticket)])
def test_prefetch_of_the_generic_relation_attaches_the_right_encounters(
    attached, kind, model, django_assert_num_queries
):
    subject = attached[kind]
    fetched = list(model.objects.prefetch_related("encounters"))
    with django_assert_num_queries(0):
        counts = {obj.pk: len(obj.encounters.all()) for obj in fetched}
    assert counts[subject.pk] == subject.encounters.count()
    assert sorted(counts.values()) == sorted([0, subject.encounters.count()])


@pytest.mark.parametrize("kind, model", [("asset", Asset), ("ticket", Ticket)])
def test_subjects_with_an_open_encounter_are_found_with_exists(attached, kind, model):
    open_encounters = Encounter.objects.open().filter(
        subject_type=ContentType.objects.get_for_model(model), subject_id=OuterRef("pk")
    )
    assert list(model.objects.filter(Exists(open_encounters))) == [attached[kind]]


def test_hard_deleting_a_subject_whose_encounters_have_transitions_is_refused(attached):
    with pytest.raises(ProtectedError):
        attached["ticket"].delete()
    assert Ticket.objects.filter(pk=attached["ticket"].pk).exists()
