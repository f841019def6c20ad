"""edit_note() keeps the previous text as an append-only NoteRevision; nothing else changes a note's content."""

import threading

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import ProtectedError

from django_notes.exceptions import EmptyNoteError, NoteEditError, RevisionImmutableError
from django_notes.models import Note, NoteRevision
from django_notes.services import add_note, edit_note
from tests.testapp.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def note(customer, user) -> Note:
    return add_note(target=customer, content="VIP client", author=user)


def test_edit_note_keeps_the_previous_text_as_a_revision(note, other_user):
    edit_note(note, content="VIP client since 2019", by=other_user)
    [revision] = note.revisions.all()
    assert (revision.content, revision.edited_by) == ("VIP client", other_user)
    assert Note.objects.get(pk=note.pk).content == "VIP client since 2019"


def test_edit_note_updates_the_callers_instance(note, user):
    returned = edit_note(note, content="new text", by=user)
    assert returned is note
    assert note.content == "new text"
    assert note.edited_at == note.revisions.get().edited_at


def test_successive_edits_keep_every_previous_text_in_order(note, user):
    edit_note(note, content="second", by=user)
    edit_note(note, content="third", by=None)
    assert list(note.revisions.values_list("content", flat=True)) == ["VIP client", "second"]
    assert note.content == "third"


def test_an_edit_from_a_stale_instance_keeps_the_text_actually_replaced(note, user):
    stale = Note.objects.get(pk=note.pk)
    edit_note(note, content="second", by=user)
    edit_note(stale, content="third", by=user)
    assert list(note.revisions.values_list("content", flat=True)) == ["VIP client", "second"]


def test_an_edit_to_the_same_text_writes_nothing(note, user):
    edit_note(note, content="VIP client", by=user)
    assert not NoteRevision.objects.exists()
    assert Note.objects.get(pk=note.pk).edited_at is None


def test_an_edit_to_empty_text_is_refused(note, user):
    with pytest.raises(EmptyNoteError):
        edit_note(note, content="  ", by=user)
    assert not NoteRevision.objects.exists()


def test_an_edit_of_a_note_not_stored_raises(customer, user):
    with pytest.raises(Note.DoesNotExist):
        edit_note(Note(target=customer, content="never saved"), content="x", by=user)


def test_saving_a_changed_content_is_refused(note):
    note.content = "rewritten quietly"
    with pytest.raises(NoteEditError, match="edit_note"):
        note.save()
    assert Note.objects.get(pk=note.pk).content == "VIP client"


def test_saving_other_fields_of_a_note_is_allowed(note):
    note.visibility = "external"
    note.save()
    assert Note.objects.get(pk=note.pk).visibility == "external"


def test_updating_content_through_the_queryset_is_refused(note):
    with pytest.raises(NoteEditError):
        Note.objects.filter(pk=note.pk).update(content="rewritten")
    assert Note.objects.filter(pk=note.pk).update(visibility="external") == 1


def test_a_stored_revision_cannot_be_saved_again(note, user):
    edit_note(note, content="second", by=user)
    revision = note.revisions.get()
    revision.content = "forged"
    with pytest.raises(RevisionImmutableError):
        revision.save()


def test_a_revision_cannot_be_deleted(note, user):
    edit_note(note, content="second", by=user)
    with pytest.raises(RevisionImmutableError):
        note.revisions.get().delete()
    with pytest.raises(RevisionImmutableError):
        NoteRevision.objects.all().delete()
    with pytest.raises(RevisionImmutableError):
        note.revisions.all().delete()
    assert NoteRevision.objects.count() == 1


def test_revisions_cannot_be_updated_through_the_queryset(note, user):
    edit_note(note, content="second", by=user)
    with pytest.raises(RevisionImmutableError):
        NoteRevision.objects.update(content="forged")


def test_a_note_with_revisions_cannot_be_deleted(note, user):
    edit_note(note, content="second", by=user)
    with pytest.raises(ProtectedError):
        note.delete()


def test_a_note_never_edited_can_be_deleted(note):
    note.delete()
    assert not Note.objects.exists()


def test_deleting_the_editing_user_keeps_the_revision(note):
    editor = User.objects.create_user("carol")
    edit_note(note, content="second", by=editor)
    editor_id = editor.pk
    editor.delete()
    assert NoteRevision.objects.get().edited_by_id == editor_id


def test_a_revision_reads_as_its_note_and_time(note, user):
    edit_note(note, content="second", by=user)
    assert str(note.revisions.get()).startswith(f"Revision of note {note.pk} at ")


@pytest.mark.server
@pytest.mark.usefixtures("autocommit_db")
def test_concurrent_edits_each_keep_the_text_they_replaced():
    note = add_note(target=Customer.objects.create(name="ACME"), content="original")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def edit(number: int) -> None:
        try:
            barrier.wait()
            edit_note(Note.objects.get(pk=note.pk), content=f"edit {number}", by=None)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    kept = list(NoteRevision.objects.values_list("content", flat=True))
    final = Note.objects.get(pk=note.pk).content
    # No edit was lost: the kept texts and the current one are the original and all eight edits.
    assert sorted([*kept, final]) == sorted(["original", *(f"edit {number}" for number in range(8))])
