"""add_note(), notes_for() and the visibility of notes."""

import pytest

from django_notes.exceptions import (
    EmptyNoteError,
    InvalidNoteError,
    InvalidTargetError,
    InvalidVisibilityError,
    NotesError,
    NoteTooLongError,
)
from django_notes.models import Note
from django_notes.selectors import notes_for
from django_notes.services import add_note
from tests.testapp.models import Customer, Ticket, Warehouse

pytestmark = pytest.mark.django_db


def test_add_note_attaches_a_note_to_the_target(customer, user):
    note = add_note(target=customer, content="VIP client", author=user)
    stored = Note.objects.get(pk=note.pk)
    assert (stored.target, stored.content, stored.author, stored.visibility) == (
        customer,
        "VIP client",
        user,
        "internal",
    )
    assert stored.created_at is not None
    assert stored.edited_at is None


def test_a_note_without_author_is_written_by_the_system(customer):
    assert add_note(target=customer, content="imported").author is None


def test_add_note_takes_the_given_visibility(customer):
    assert add_note(target=customer, content="hi", visibility="external").visibility == "external"


def test_add_note_defaults_to_the_visibility_setting(customer, settings):
    settings.NOTES_DEFAULT_VISIBILITY = "external"
    assert add_note(target=customer, content="hi").visibility == "external"


@pytest.mark.parametrize("visibility", ["public", "", "INTERNAL"])
def test_add_note_refuses_another_visibility(customer, visibility):
    with pytest.raises(InvalidVisibilityError):
        add_note(target=customer, content="hi", visibility=visibility)
    assert not Note.objects.exists()


@pytest.mark.parametrize("content", ["", "   \n", None])
def test_add_note_refuses_empty_content(customer, content):
    with pytest.raises(EmptyNoteError):
        add_note(target=customer, content=content)


def test_add_note_refuses_content_past_the_length_setting(customer, settings):
    settings.NOTES_MAX_LENGTH = 5
    add_note(target=customer, content="12345")
    with pytest.raises(NoteTooLongError, match="at most 5"):
        add_note(target=customer, content="123456")


def test_the_default_length_limit_is_ten_thousand_characters(customer):
    add_note(target=customer, content="x" * 10_000)
    with pytest.raises(NoteTooLongError):
        add_note(target=customer, content="x" * 10_001)


def test_no_length_limit_when_the_setting_is_none(customer, settings):
    settings.NOTES_MAX_LENGTH = None
    assert len(add_note(target=customer, content="x" * 20_000).content) == 20_000


def test_add_note_refuses_an_unsaved_target():
    with pytest.raises(InvalidTargetError):
        add_note(target=Ticket(title="unsaved"), content="hi")


@pytest.mark.parametrize("obj", [None, "ticket", Ticket])
def test_notes_for_something_that_is_not_a_model_instance_is_refused(obj):
    with pytest.raises(InvalidTargetError, match="A target is a model instance"):
        notes_for(obj)


def test_the_errors_share_the_package_base_class():
    assert issubclass(EmptyNoteError, InvalidNoteError)
    assert issubclass(InvalidNoteError, NotesError)
    assert issubclass(InvalidTargetError, ValueError)


def test_saving_a_note_directly_validates_it_too(customer):
    with pytest.raises(EmptyNoteError):
        Note.objects.create(target=customer, content=" ")
    with pytest.raises(InvalidVisibilityError):
        Note.objects.create(target=customer, content="hi", visibility="public")


def test_notes_for_lists_the_objects_notes_newest_first(customer):
    first = add_note(target=customer, content="first")
    second = add_note(target=customer, content="second")
    add_note(target=Customer.objects.create(name="other"), content="elsewhere")
    assert list(notes_for(customer)) == [second, first]


def test_notes_for_is_one_query_even_with_a_cold_content_type_cache(customer, django_assert_num_queries):
    from django.contrib.contenttypes.models import ContentType

    add_note(target=customer, content="one")
    add_note(target=customer, content="two")
    ContentType.objects.clear_cache()
    with django_assert_num_queries(1):
        assert len(notes_for(customer)) == 2


def test_notes_for_filters_by_visibility(customer):
    add_note(target=customer, content="staff only")
    shared = add_note(target=customer, content="shared", visibility="external")
    assert list(notes_for(customer, visibility="external")) == [shared]
    assert [note.content for note in notes_for(customer, visibility="internal")] == ["staff only"]


def test_notes_for_refuses_another_visibility(customer):
    with pytest.raises(InvalidVisibilityError):
        notes_for(customer, visibility="public")


def test_external_and_internal_querysets(customer, ticket):
    add_note(target=customer, content="staff only")
    add_note(target=ticket, content="shared", visibility="external")
    assert [note.content for note in Note.objects.external()] == ["shared"]
    assert [note.content for note in Note.objects.internal()] == ["staff only"]
    assert list(notes_for(customer).external()) == []


def test_notes_for_does_not_mix_models_with_the_same_key_text(ticket):
    add_note(target=Warehouse.objects.create(code=str(ticket.pk)), content="on the warehouse")
    assert not notes_for(ticket).exists()


def test_a_note_reads_as_its_text_shortened():
    assert str(Note(content="short")) == "short"
    assert str(Note(content="x" * 60)) == "x" * 49 + "…"
