"""The five paths of a generic key, for a UUID-keyed and an integer-keyed target, in one table."""

import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.db.models.expressions import RawSQL

from django_basemodels.fields import ObjectIdField
from django_basemodels.generic import generic_key_filter, generic_key_values
from tests.testapp.models import Invoice, Note, Tag, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(invoice, ticket) -> dict[str, object]:
    """An invoice (UUID pk) and a ticket (integer pk), both tagged, plus untagged decoys of each type."""
    Invoice.objects.create(number="INV-decoy")
    Ticket.objects.create(title="decoy")
    Tag.objects.create(name="urgent", target=invoice)
    Tag.objects.create(name="urgent", target=ticket)
    Tag.objects.create(name="later", target=ticket)
    return {"invoice": invoice, "ticket": ticket}


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket)])
def test_reverse_join_filter_finds_the_target(tagged, kind, model):
    assert list(model.objects.filter(tags__name="urgent")) == [tagged[kind]]


@pytest.mark.parametrize("kind", ["invoice", "ticket"])
def test_related_manager_of_the_target_lists_its_tags(tagged, kind):
    expected = {"invoice": ["urgent"], "ticket": ["later", "urgent"]}[kind]
    assert sorted(tagged[kind].tags.values_list("name", flat=True)) == expected


@pytest.mark.parametrize("kind", ["invoice", "ticket"])
def test_generic_foreign_key_access_returns_the_target(tagged, kind):
    target = tagged[kind]
    tag = Tag.objects.get(name="urgent", **generic_key_filter("target", target))
    assert Tag.objects.get(pk=tag.pk).target == target


def test_prefetch_of_the_generic_foreign_key_attaches_each_target_to_its_own_tag(tagged, django_assert_num_queries):
    tags = list(Tag.objects.order_by("pk").prefetch_related("target"))
    with django_assert_num_queries(0):
        targets = [tag.target for tag in tags]
    assert targets == [tagged["invoice"], tagged["ticket"], tagged["ticket"]]


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket)])
def test_prefetch_of_the_generic_relation_attaches_the_right_tags(tagged, kind, model, django_assert_num_queries):
    expected = {"invoice": ["urgent"], "ticket": ["later", "urgent"]}[kind]
    fetched = list(model.objects.prefetch_related("tags"))
    with django_assert_num_queries(0):
        by_pk = {obj.pk: sorted(tag.name for tag in obj.tags.all()) for obj in fetched}
    assert by_pk[tagged[kind].pk] == expected
    assert sorted(by_pk.values()) == sorted([expected, []])


@pytest.mark.parametrize("model, decoy", [(Invoice, {"number": "INV-decoy"}), (Ticket, {"title": "decoy"})])
def test_exclude_across_the_generic_relation_finds_the_untagged_rows(tagged, model, decoy):
    assert list(model.objects.exclude(tags__name="urgent")) == [model.objects.get(**decoy)]


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket)])
def test_exists_with_outer_ref_to_the_target_key_finds_tagged_rows(tagged, kind, model):
    tagged_urgent = Tag.objects.filter(
        name="urgent", target_type=ContentType.objects.get_for_model(model), target_id=OuterRef("pk")
    )
    assert list(model.objects.filter(Exists(tagged_urgent))) == [tagged[kind]]


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket)])
def test_in_subquery_of_target_keys_finds_their_tags(tagged, kind, model):
    keys = model.objects.filter(pk=tagged[kind].pk).values("pk")
    tags = Tag.objects.filter(target_type=ContentType.objects.get_for_model(model), target_id__in=keys)
    assert sorted(tags.values_list("name", flat=True)) == sorted(tagged[kind].tags.values_list("name", flat=True))


@pytest.mark.parametrize("kind, model", [("invoice", Invoice), ("ticket", Ticket)])
def test_exact_against_a_scalar_subquery_of_a_target_key_finds_its_tags(tagged, kind, model):
    key = model.objects.filter(pk=tagged[kind].pk).values("pk")[:1]
    tags = Tag.objects.filter(target_type=ContentType.objects.get_for_model(model), target_id=key, name="urgent")
    assert tags.count() == 1


def test_in_subquery_selecting_text_keys_is_compared_as_is(invoice):
    Tag.objects.create(name="urgent", target=invoice)
    Note.objects.create(text="copy", subject_id=invoice.pk.hex)
    assert Tag.objects.filter(target_id__in=Note.objects.values("subject_id")).count() == 1


def test_in_subquery_selecting_a_text_annotation_is_compared_as_is(invoice):
    Tag.objects.create(name="urgent", target=invoice)
    Note.objects.create(text="copy", subject_id=invoice.pk.hex)
    copied_keys = Note.objects.annotate(key=F("subject_id")).values("key")
    assert Tag.objects.filter(target_id__in=copied_keys).count() == 1


def test_raw_sql_key_is_compared_as_text(invoice):
    Tag.objects.create(name="urgent", target=invoice)
    assert Tag.objects.filter(target_id=RawSQL("%s", [invoice.pk.hex])).count() == 1


def test_generic_key_stores_a_uuid_target_as_32_hex_digits(invoice):
    tag = Tag.objects.create(name="urgent", target=invoice)
    assert tag.target_id == invoice.pk.hex
    assert Tag.objects.values_list("target_id", flat=True).get() == invoice.pk.hex


def test_generic_key_stores_an_integer_target_as_decimal_text(ticket):
    Tag.objects.create(name="urgent", target=ticket)
    assert Tag.objects.values_list("target_id", flat=True).get() == str(ticket.pk)


def test_tags_created_through_the_related_manager_are_found_again(invoice):
    created = invoice.tags.create(name="urgent")
    assert created.target_id == invoice.pk.hex
    assert list(Invoice.objects.filter(tags__name="urgent")) == [invoice]


def test_lookup_by_any_spelling_of_a_uuid_finds_the_row(invoice):
    Tag.objects.create(name="urgent", target=invoice)
    for spelling in (invoice.pk, str(invoice.pk), invoice.pk.hex, f"{{{invoice.pk}}}"):
        assert Tag.objects.filter(target_id=spelling).count() == 1
    assert Tag.objects.filter(target_id__in=[str(invoice.pk)]).count() == 1


def test_generic_key_filter_selects_the_rows_pointing_at_an_object(tagged):
    assert list(
        Tag.objects.filter(**generic_key_filter("target", tagged["invoice"])).values_list("name", flat=True)
    ) == ["urgent"]


def test_generic_key_filter_tells_apart_targets_of_different_types_with_equal_keys(invoice):
    ticket = Ticket.objects.create(title="same key text")
    Note.objects.create(text="on ticket", **generic_key_values("subject", ticket))
    assert not Note.objects.filter(**generic_key_filter("subject", invoice)).exists()


def test_generic_key_filter_refuses_an_object_without_a_primary_key():
    with pytest.raises(ValueError, match="no primary key"):
        generic_key_filter("target", Ticket(title="unsaved"))


def test_generic_key_values_point_a_new_row_at_an_object(invoice):
    note = Note.objects.create(text="paid", **generic_key_values("subject", invoice))
    assert Note.objects.get(pk=note.pk).subject == invoice


def test_generic_key_values_of_none_point_at_nothing():
    note = Note.objects.create(text="loose", **generic_key_values("subject", None))
    fetched = Note.objects.get(pk=note.pk)
    assert fetched.subject is None
    assert fetched.subject_id == ""


def test_object_id_field_keeps_none_and_empty_values():
    field = ObjectIdField()
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    assert field.to_python(None) is None


def test_object_id_field_canonicalises_on_assignment():
    key = uuid.uuid4()
    assert Note(subject_id=str(key)).subject_id == key.hex


def test_object_id_field_accepts_an_expression_resolved_on_save():
    note = Note.objects.create(text="copied-key")
    note.subject_id = F("text")
    note.save()
    note.refresh_from_db()
    assert note.subject_id == "copied-key"


def test_object_id_field_defaults_to_255_characters():
    assert ObjectIdField().max_length == 255
    assert ObjectIdField(max_length=64).max_length == 64


@pytest.mark.postgres
@pytest.mark.parametrize("plan", ["hashjoin", "mergejoin", "nestloop"])
def test_reverse_join_with_mixed_targets_holds_under_every_postgres_join_plan(tagged, plan):
    others = {"hashjoin", "mergejoin", "nestloop"} - {plan}
    with connection.cursor() as cursor:
        for other in others:
            cursor.execute(f"SET LOCAL enable_{other} = off")
    assert list(Invoice.objects.filter(tags__name="urgent")) == [tagged["invoice"]]
    assert list(Ticket.objects.filter(tags__name="urgent")) == [tagged["ticket"]]
