"""The paths of a generic key with UUID and integer targets in one table: reverse join, related
manager, GenericForeignKey access and both prefetches, for notes (a plain GenericRelation) and tags."""

import pytest
from django.db.models import Prefetch, prefetch_related_objects

from django_notes.models import Note, ObjectTag, Tag
from django_notes.services import add_note, tag_object
from tests.testapp.models import Invoice, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def noted(invoice, ticket, user) -> dict[str, object]:
    """An invoice (UUID pk) and a ticket (integer pk) with notes, and a decoy of each model without."""
    Invoice.objects.create(number="INV-decoy")
    Ticket.objects.create(title="decoy")
    add_note(target=invoice, content="paid late", author=user)
    add_note(target=ticket, content="printer on fire", author=user)
    add_note(target=ticket, content="replaced toner", author=user)
    return {"invoice": invoice, "ticket": ticket}


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket)])
def test_reverse_join_through_a_generic_relation_to_notes(noted, kind, model):
    expected = {"invoice": "paid", "ticket": "toner"}[kind]
    assert list(model.objects.filter(notes__content__contains=expected)) == [noted[kind]]


@pytest.mark.parametrize("kind", ["invoice", "ticket"])
def test_related_manager_of_a_generic_relation_lists_the_notes(noted, kind):
    expected = {"invoice": ["paid late"], "ticket": ["printer on fire", "replaced toner"]}[kind]
    assert sorted(noted[kind].notes.values_list("content", flat=True)) == expected


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket)])
def test_prefetch_of_a_generic_relation_to_notes(noted, kind, model, django_assert_num_queries):
    expected = {"invoice": ["paid late"], "ticket": ["printer on fire", "replaced toner"]}[kind]
    rows = list(model.objects.prefetch_related("notes"))
    with django_assert_num_queries(0):
        by_pk = {row.pk: sorted(note.content for note in row.notes.all()) for row in rows}
    assert by_pk[noted[kind].pk] == expected
    assert sorted(by_pk.values()) == sorted([expected, []])


@pytest.mark.parametrize("kind", ["invoice", "ticket"])
def test_generic_foreign_key_access_returns_the_target(noted, kind):
    note = Note.objects.filter(content__in=["paid late", "printer on fire"]).get(target_id=noted[kind].pk)
    assert Note.objects.get(pk=note.pk).target == noted[kind]


def test_prefetch_of_the_notes_generic_foreign_key_attaches_each_target(noted, django_assert_num_queries):
    notes = list(Note.objects.order_by("created_at", "id").prefetch_related("target"))
    with django_assert_num_queries(0):
        targets = [note.target for note in notes]
    assert targets == [noted["invoice"], noted["ticket"], noted["ticket"]]


def test_prefetch_of_the_object_tags_generic_foreign_key_attaches_each_target(invoice, ticket, customer):
    for target in (invoice, ticket, customer):
        tag_object(target=target, tags=["urgent"])
    links = list(ObjectTag.objects.order_by("pk").prefetch_related("target"))
    assert [link.target for link in links] == [invoice, ticket, customer]


def test_prefetch_of_tags_is_two_queries_whatever_the_number_of_objects(warm_content_types, django_assert_num_queries):
    for number in range(10):
        tag_object(target=Invoice.objects.create(number=f"INV-{number}"), tags=["urgent", f"batch-{number % 3}"])
    with django_assert_num_queries(2):
        tags_by_number = {
            invoice.number: [tag.slug for tag in invoice.tags.all()]
            for invoice in Invoice.objects.prefetch_related("tags")
        }
    assert len(tags_by_number) == 10
    assert tags_by_number["INV-4"] == ["batch-1", "urgent"]


@pytest.mark.parametrize("count", [1, 12])
def test_prefetch_of_tags_on_integer_keys_is_constant(count, warm_content_types, django_assert_num_queries):
    for number in range(count):
        tag_object(target=Ticket.objects.create(title=f"T{number}"), tags=["urgent"])
    Ticket.objects.create(title="untagged")
    with django_assert_num_queries(2):
        tags = {
            ticket.title: [tag.slug for tag in ticket.tags.all()] for ticket in Ticket.objects.prefetch_related("tags")
        }
    assert tags["untagged"] == []
    assert sum(len(slugs) for slugs in tags.values()) == count


def test_prefetch_of_tags_with_a_custom_queryset(invoice):
    tag_object(target=invoice, tags=["urgent", "later"])
    [fetched] = Invoice.objects.prefetch_related(Prefetch("tags", queryset=Tag.objects.filter(slug="later")))
    assert [tag.slug for tag in fetched.tags.all()] == ["later"]


def test_prefetch_of_tags_into_a_list_attribute(invoice):
    tag_object(target=invoice, tags=["urgent"])
    [fetched] = Invoice.objects.prefetch_related(Prefetch("tags", to_attr="tag_list"))
    assert [tag.slug for tag in fetched.tag_list] == ["urgent"]


def test_prefetch_of_tags_over_objects_of_several_models(invoice, ticket):
    tag_object(target=invoice, tags=["urgent"])
    tag_object(target=ticket, tags=["later"])
    prefetch_related_objects([invoice, ticket], "tags")
    assert [tag.slug for tag in invoice.tags.all()] == ["urgent"]
    assert [tag.slug for tag in ticket.tags.all()] == ["later"]


def test_prefetch_through_tags_to_their_links(invoice, django_assert_num_queries):
    tag_object(target=invoice, tags=["urgent"])
    [fetched] = Invoice.objects.prefetch_related("tags__object_tags")
    with django_assert_num_queries(0):
        assert [link.target_id for tag in fetched.tags.all() for link in tag.object_tags.all()] == [invoice.pk.hex]
