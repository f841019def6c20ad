"""Every text notes stores has a limit, checked before anything is written.

A note's content: ``NOTES_MAX_LENGTH`` (this package's text limit, default the shared 10,000), on adding
and on editing. A revision keeps the text the note already had, so it is never longer than what was
accepted. A tag's name and its slug: their 100-character columns.
"""

import pytest

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_notes import conf
from django_notes.exceptions import InvalidTagError, NoteTooLongError
from django_notes.models import Note, NoteRevision, ObjectTag, Tag
from django_notes.services import add_note, edit_note, tag_object

pytestmark = pytest.mark.django_db


def test_the_default_limit_of_a_note_is_the_shared_default():
    assert conf.DEFAULT_MAX_LENGTH == DEFAULT_MAX_TEXT_LENGTH
    assert conf.max_length() == DEFAULT_MAX_TEXT_LENGTH


def test_a_note_at_the_limit_is_stored(customer):
    note = add_note(target=customer, content="x" * DEFAULT_MAX_TEXT_LENGTH)
    assert len(Note.objects.get(pk=note.pk).content) == DEFAULT_MAX_TEXT_LENGTH


def test_a_note_over_the_limit_is_refused_and_nothing_is_stored(customer):
    with pytest.raises(NoteTooLongError, match="has 10,001 characters; at most 10,000"):
        add_note(target=customer, content="x" * (DEFAULT_MAX_TEXT_LENGTH + 1))
    assert not Note.objects.exists()


def test_an_edit_at_the_limit_is_stored(customer):
    note = add_note(target=customer, content="draft")
    edit_note(note, content="x" * DEFAULT_MAX_TEXT_LENGTH, by=None)
    assert len(Note.objects.get(pk=note.pk).content) == DEFAULT_MAX_TEXT_LENGTH


def test_an_edit_over_the_limit_is_refused_and_writes_no_revision(customer):
    note = add_note(target=customer, content="draft")
    with pytest.raises(NoteTooLongError):
        edit_note(note, content="x" * (DEFAULT_MAX_TEXT_LENGTH + 1), by=None)
    assert Note.objects.get(pk=note.pk).content == "draft"
    assert not NoteRevision.objects.exists()


def test_notes_max_length_sets_the_limit_of_an_edit(customer, settings):
    settings.NOTES_MAX_LENGTH = 5
    note = add_note(target=customer, content="draft")
    with pytest.raises(NoteTooLongError, match="at most 5"):
        edit_note(note, content="123456", by=None)
    assert not NoteRevision.objects.exists()

    edit_note(note, content="12345", by=None)
    assert list(NoteRevision.objects.values_list("content", flat=True)) == ["draft"]


def test_a_revision_keeps_text_accepted_under_a_former_larger_limit(customer, settings):
    # The revision copies what is stored, not what the caller sends: refusing it would leave
    # the note impossible to shorten.
    note = add_note(target=customer, content="x" * 50)
    settings.NOTES_MAX_LENGTH = 10

    edit_note(note, content="short", by=None)

    assert NoteRevision.objects.get().content == "x" * 50
    assert Note.objects.get(pk=note.pk).content == "short"


def test_a_tag_name_of_100_characters_is_stored(invoice):
    [tag] = tag_object(target=invoice, tags=["x" * 100])
    assert Tag.objects.get(pk=tag.pk).name == "x" * 100


def test_a_tag_name_over_100_characters_is_refused_and_nothing_is_stored(invoice):
    with pytest.raises(InvalidTagError, match="at most 100"):
        tag_object(target=invoice, tags=["fine", "x" * 101])
    assert not Tag.objects.exists()
    assert not ObjectTag.objects.exists()


def test_a_tag_name_whose_slug_fits_is_stored(invoice):
    [tag] = tag_object(target=invoice, tags=["\ufb00" * 50])  # "ﬀ": one character, two in the slug
    assert Tag.objects.get(pk=tag.pk).slug == "ff" * 50


def test_a_tag_name_whose_slug_is_longer_than_its_column_is_refused(invoice):
    # 51 characters, a slug of 102: PostgreSQL would refuse the row, SQLite would store it.
    with pytest.raises(InvalidTagError, match=r"slug has at most 100 characters; .* gives one of 102"):
        tag_object(target=invoice, tags=["fine", "\ufb00" * 51])
    assert not Tag.objects.exists()
    assert not ObjectTag.objects.exists()


def test_a_tag_saved_directly_with_a_name_whose_slug_is_too_long_is_refused(db):
    with pytest.raises(InvalidTagError):
        Tag.objects.create(name="\ufb00" * 51)
    assert not Tag.objects.exists()
