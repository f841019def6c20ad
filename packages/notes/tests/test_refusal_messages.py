"""What the package refuses in the roadmap's calls, its error says what to pass instead (the README's table)."""

import datetime as dt

import pytest

from django_notes import (
    EmptyNoteError,
    InvalidDatetimeError,
    InvalidTagError,
    InvalidTargetError,
    NoteEditError,
    add_note,
    notes_for,
    tag_object,
)
from django_notes.models import Note
from tests.testapp.models import Customer

pytestmark = pytest.mark.django_db

NAIVE = dt.datetime(2026, 1, 5)
AWARE_HINT = (
    "must be a timezone-aware datetime (django.utils.timezone.now() or a datetime with tzinfo), not the naive "
    "datetime.datetime(2026, 1, 5, 0, 0): pass django.utils.timezone.make_aware(datetime.datetime(2026, 1, 5, 0, 0)) "
    "for that time in the current time zone (America/Chicago), or pass "
    "datetime.datetime(2026, 1, 5, 0, 0, tzinfo=datetime.timezone.utc) for that time in UTC."
)


def test_a_single_tag_name_names_the_list_to_pass(invoice):
    with pytest.raises(InvalidTagError) as refused:
        tag_object(target=invoice, tags="urgent")
    assert str(refused.value) == "Pass a list of tags: tags=['urgent'], not tags='urgent'."


def test_an_unsaved_target_is_named(user):
    with pytest.raises(InvalidTargetError, match=r"^target must be a saved model instance, not <Customer: "):
        add_note(target=Customer(name="new"), content="VIP client", author=user)


def test_blank_content_says_what_to_pass(customer, user):
    with pytest.raises(EmptyNoteError) as refused:
        add_note(target=customer, content="  ", author=user)
    assert str(refused.value) == "A note needs some text: pass content= a string that is not blank, not '  '."


def test_a_naive_datetime_says_how_to_make_it_aware(customer):
    with pytest.raises(InvalidDatetimeError) as refused:
        add_note(target=customer, content="VIP client", effective_at=NAIVE)
    assert str(refused.value) == f"effective_at {AWARE_HINT}"
    with pytest.raises(InvalidDatetimeError) as refused:
        notes_for(customer, as_of=NAIVE)
    assert str(refused.value) == f"as_of {AWARE_HINT}"
    with pytest.raises(InvalidDatetimeError) as refused:
        Note.objects.as_of(NAIVE)
    assert str(refused.value) == f"as_of {AWARE_HINT}"


def test_a_content_saved_in_place_names_the_service_to_call(customer, user):
    note = add_note(target=customer, content="VIP client", author=user)
    note.content = "rewritten"
    with pytest.raises(NoteEditError) as refused:
        note.save()
    assert str(refused.value) == (
        "Change a note's content with django_notes.edit_note(note, content=..., by=user), "
        "which keeps the previous text."
    )
