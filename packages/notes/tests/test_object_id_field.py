"""``ObjectIdField`` stores every key in one canonical text form: a UUID as 32 lowercase hex digits, others as text."""

import uuid

import pytest
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.expressions import RawSQL

from django_notes.fields import ObjectIdField, canonical_object_id
from django_notes.models import Note, ObjectTag
from django_notes.services import add_note, tag_object
from tests.testapp.models import Customer, Ticket

KEY = uuid.UUID("fae074ce-b02a-4c5e-9d3a-0123456789ab")


@pytest.mark.parametrize(
    "spelling",
    [KEY, str(KEY), KEY.hex, str(KEY).upper(), f"{{{KEY}}}", f"urn:uuid:{KEY}", KEY.hex.upper()],
)
def test_every_spelling_of_a_uuid_becomes_32_lowercase_hex_digits(spelling):
    assert canonical_object_id(spelling) == "fae074ceb02a4c5e9d3a0123456789ab"


@pytest.mark.parametrize("key, text", [(42, "42"), ("north-1", "north-1"), ("fae074ce-b02a", "fae074ce-b02a")])
def test_other_keys_become_their_text_unchanged(key, text):
    assert canonical_object_id(key) == text


def test_canonical_form_is_idempotent():
    assert canonical_object_id(canonical_object_id(KEY)) == KEY.hex


def test_none_is_not_a_key():
    with pytest.raises(TypeError):
        canonical_object_id(None)


def test_field_keeps_none_and_empty_values():
    field = ObjectIdField()
    assert field.get_prep_value(None) is None
    assert field.get_prep_value("") == ""
    assert field.to_python(None) is None


def test_field_defaults_to_255_characters():
    assert ObjectIdField().max_length == 255
    assert ObjectIdField(max_length=64).max_length == 64


def test_assignment_canonicalises_the_key():
    assert Note(target_id=str(KEY)).target_id == KEY.hex
    assert Note(target_id=7).target_id == "7"


@pytest.mark.django_db
def test_a_uuid_target_is_stored_as_32_hex_digits(customer):
    note = add_note(target=customer, content="hello")
    assert note.target_id == customer.pk.hex
    assert Note.objects.values_list("target_id", flat=True).get() == customer.pk.hex


@pytest.mark.django_db
def test_an_integer_target_is_stored_as_decimal_text(ticket):
    add_note(target=ticket, content="hello")
    assert Note.objects.values_list("target_id", flat=True).get() == str(ticket.pk)


@pytest.mark.django_db
def test_lookups_by_any_spelling_find_the_row(customer):
    add_note(target=customer, content="hello")
    for spelling in (customer.pk, str(customer.pk), customer.pk.hex, str(customer.pk).upper()):
        assert Note.objects.filter(target_id=spelling).count() == 1
    assert Note.objects.filter(target_id__in=[str(customer.pk)]).count() == 1


@pytest.mark.django_db
def test_an_expression_assigned_to_the_key_is_resolved_on_save(customer):
    note = add_note(target=customer, content="hello")
    note.target_id = F("visibility")
    note.save()
    assert Note.objects.get(pk=note.pk).target_id == "internal"


@pytest.mark.django_db
@pytest.mark.parametrize("model, make", [(Customer, {"name": "ACME"}), (Ticket, {"title": "t"})])
def test_a_subquery_of_primary_keys_is_compared_as_canonical_text(model, make):
    target = model.objects.create(**make)
    tag_object(target=target, tags=["urgent"])
    assert ObjectTag.objects.filter(target_id__in=model.objects.values("pk")).count() == 1
    assert ObjectTag.objects.filter(target_id=Subquery(model.objects.values("pk")[:1])).count() == 1


@pytest.mark.django_db
def test_a_subquery_selecting_text_keys_is_compared_as_it_is(customer):
    tag_object(target=customer, tags=["urgent"])
    add_note(target=customer, content="hello")
    assert ObjectTag.objects.filter(target_id__in=Note.objects.values("target_id")).count() == 1
    copied = Note.objects.annotate(key=F("target_id")).values("key", "content")
    assert ObjectTag.objects.filter(target_id__in=copied.values("key")).count() == 1


@pytest.mark.django_db
def test_raw_sql_key_is_compared_as_text(customer):
    tag_object(target=customer, tags=["urgent"])
    assert ObjectTag.objects.filter(target_id=RawSQL("%s", [customer.pk.hex])).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("model, make", [(Customer, {"name": "ACME"}), (Ticket, {"title": "t"})])
def test_outer_ref_to_a_primary_key_is_compared_as_canonical_text(model, make):
    target = model.objects.create(**make)
    model.objects.create(**make)
    tag_object(target=target, tags=["urgent"])
    assert list(model.objects.filter(Exists(ObjectTag.objects.filter(target_id=OuterRef("pk"))))) == [target]
