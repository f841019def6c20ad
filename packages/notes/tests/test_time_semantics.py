"""Every note and revision has effective_at (business time, backdatable) and recorded_at (the server's time)."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_notes import InvalidDatetimeError, NoteEditError, NotesError, add_note, edit_note, notes_for
from django_notes.models import Note, NoteRevision

pytestmark = pytest.mark.django_db

UTC = dt.timezone.utc
LAST_WEEK = dt.timedelta(days=7)


def test_a_note_not_backdated_is_effective_when_recorded(customer):
    before = timezone.now()
    note = add_note(target=customer, content="VIP client")
    assert note.effective_at == note.recorded_at
    assert before <= note.recorded_at <= timezone.now()
    stored = Note.objects.get(pk=note.pk)
    assert (stored.effective_at, stored.recorded_at) == (note.effective_at, note.recorded_at)


def test_a_backdated_note_keeps_its_business_time_and_is_recorded_now(customer):
    last_week = timezone.now() - LAST_WEEK
    note = add_note(target=customer, content="Called about the invoice", effective_at=last_week)
    stored = Note.objects.get(pk=note.pk)
    assert stored.effective_at == last_week
    assert stored.recorded_at > last_week


def test_recorded_at_is_the_servers_whatever_the_caller_gives(customer):
    forged = dt.datetime(2000, 1, 1, tzinfo=UTC)
    note = Note.objects.create(target=customer, content="forged", recorded_at=forged)
    assert note.recorded_at > forged
    assert Note.objects.get(pk=note.pk).recorded_at == note.recorded_at
    assert note.effective_at == note.recorded_at


def test_bulk_created_notes_get_their_times_too(customer):
    [note] = Note.objects.bulk_create([Note(target=customer, content="bulk")])
    stored = Note.objects.get(content="bulk")
    assert stored.recorded_at is not None
    assert stored.effective_at == stored.recorded_at == note.recorded_at


def test_a_naive_effective_at_is_refused_saying_what_to_pass(customer):
    naive = dt.datetime(2026, 1, 5, 9, 30)
    with pytest.raises(InvalidDatetimeError) as refused:
        add_note(target=customer, content="naive", effective_at=naive)
    message = str(refused.value)
    assert "effective_at must be a timezone-aware datetime" in message
    assert "django.utils.timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 30))" in message
    assert "tzinfo=datetime.timezone.utc" in message
    assert isinstance(refused.value, NotesError) and isinstance(refused.value, ValueError)
    assert not Note.objects.exists()


def test_a_future_effective_at_is_refused_before_anything_is_written(customer):
    with pytest.raises(InvalidDatetimeError, match=r"cannot be in the future.*leave effective_at out"):
        add_note(target=customer, content="tomorrow", effective_at=timezone.now() + dt.timedelta(days=1))
    assert not Note.objects.exists()


def test_a_date_for_effective_at_names_the_datetime_to_pass(customer):
    with pytest.raises(InvalidDatetimeError) as refused:
        add_note(target=customer, content="a date", effective_at=dt.date(2026, 1, 5))
    assert str(refused.value) == (
        "effective_at must be a timezone-aware datetime (django.utils.timezone.now() or a datetime with tzinfo), "
        "not the date datetime.date(2026, 1, 5): pass "
        "django.utils.timezone.make_aware(datetime.datetime(2026, 1, 5, 0, 0)) for the start of that day or "
        "django.utils.timezone.make_aware(datetime.datetime(2026, 1, 5, 23, 59, 59, 999999)) for the end of that "
        f"day, in the current time zone ({timezone.get_current_timezone_name()})."
    )
    assert (refused.value.name, refused.value.value) == ("effective_at", dt.date(2026, 1, 5))


def test_an_as_of_that_is_no_datetime_is_refused_by_the_shared_guard(customer):
    with pytest.raises(InvalidDatetimeError, match=r"^as_of must be a timezone-aware datetime \(django") as refused:
        notes_for(customer, as_of="2026-01-05")
    assert refused.value.value == "2026-01-05"


def test_the_database_refuses_an_effective_at_after_recorded_at(customer):
    with pytest.raises(IntegrityError), transaction.atomic():
        Note.objects.create(target=customer, content="future", effective_at=timezone.now() + dt.timedelta(days=1))


@pytest.mark.parametrize("field", ["effective_at", "recorded_at"])
def test_a_notes_times_are_fixed_once_stored(customer, field):
    note = add_note(target=customer, content="VIP client")
    setattr(note, field, getattr(note, field) - LAST_WEEK)
    with pytest.raises(NoteEditError, match=r"fixed when it is added: pass effective_at= to django_notes\.add_note"):
        note.save()
    with pytest.raises(NoteEditError, match="fixed when it is added"):
        note.save(update_fields=[field])
    with pytest.raises(NoteEditError, match="fixed when it is added"):
        Note.objects.filter(pk=note.pk).update(**{field: timezone.now()})


def test_other_fields_of_a_note_still_save(customer):
    note = add_note(target=customer, content="VIP client")
    note.visibility = "external"
    note.save()
    note.save(update_fields=["visibility"])
    assert Note.objects.get(pk=note.pk).visibility == "external"


def test_an_edit_records_its_times_on_the_revision(customer, user):
    note = add_note(target=customer, content="VIP client", effective_at=timezone.now() - LAST_WEEK)
    effective = note.effective_at
    edit_note(note, content="VIP client since 2019", by=user)
    revision = note.revisions.get()
    assert revision.recorded_at == revision.effective_at == revision.edited_at == note.edited_at
    assert Note.objects.get(pk=note.pk).effective_at == effective  # the note's own business time stays


def test_a_backdated_edit_keeps_its_business_time(customer, user):
    note = add_note(target=customer, content="VIP client", effective_at=timezone.now() - 2 * LAST_WEEK)
    yesterday = timezone.now() - dt.timedelta(days=1)
    edit_note(note, content="Lost VIP status", by=user, effective_at=yesterday)
    revision = note.revisions.get()
    assert revision.effective_at == yesterday
    assert revision.recorded_at == revision.edited_at > yesterday


def test_a_naive_effective_at_for_an_edit_writes_nothing(customer, user):
    note = add_note(target=customer, content="VIP client")
    with pytest.raises(InvalidDatetimeError, match="make_aware"):
        edit_note(note, content="changed", by=user, effective_at=dt.datetime(2026, 1, 5))
    assert not NoteRevision.objects.exists()
    assert Note.objects.get(pk=note.pk).content == "VIP client"


def test_the_database_refuses_a_revision_effective_after_it_was_recorded(customer):
    note = add_note(target=customer, content="VIP client")
    with pytest.raises(IntegrityError), transaction.atomic():
        NoteRevision.objects.create(note=note, content="x", effective_at=timezone.now() + dt.timedelta(days=1))


def test_as_of_lists_the_notes_effective_by_then(customer):
    now = timezone.now()
    old = add_note(target=customer, content="old", effective_at=now - 2 * LAST_WEEK)
    recent = add_note(target=customer, content="recent", effective_at=now - dt.timedelta(days=1))
    assert list(Note.objects.as_of(now - LAST_WEEK)) == [old]
    assert list(Note.objects.as_of(timezone.now())) == [recent, old]  # newest effective_at first
    assert list(notes_for(customer, as_of=now - LAST_WEEK)) == [old]
    assert list(notes_for(customer, as_of=old.effective_at)) == [old]  # at or before
    assert list(notes_for(customer, as_of=old.effective_at - dt.timedelta(microseconds=1))) == []


def test_known_at_leaves_out_a_note_backdated_after_that_moment(customer):
    before_recording = timezone.now()
    backdated = add_note(target=customer, content="backdated", effective_at=before_recording - LAST_WEEK)
    # What did we know, before it was recorded, about last week? Nothing yet.
    assert list(Note.objects.as_of(before_recording, known_at=before_recording)) == []
    assert list(notes_for(customer, known_at=before_recording)) == []
    assert list(Note.objects.as_of(before_recording, known_at=backdated.recorded_at)) == [backdated]
    assert list(notes_for(customer, as_of=before_recording, known_at=timezone.now())) == [backdated]


def test_notes_for_lists_a_backdated_note_by_its_business_time(customer):
    first = add_note(target=customer, content="recorded first")
    backdated = add_note(target=customer, content="about last week", effective_at=first.recorded_at - LAST_WEEK)
    assert list(notes_for(customer)) == [first, backdated]


@pytest.mark.parametrize("argument", ["as_of", "known_at"])
def test_a_naive_as_of_or_known_at_is_refused_saying_what_to_pass(customer, argument):
    naive = dt.datetime(2026, 1, 5)
    with pytest.raises(InvalidDatetimeError) as refused:
        notes_for(customer, **{argument: naive})
    assert str(refused.value) == (
        f"{argument} must be a timezone-aware datetime (django.utils.timezone.now() or a datetime with "
        "tzinfo), not the naive datetime.datetime(2026, 1, 5, 0, 0): pass "
        "django.utils.timezone.make_aware(datetime.datetime(2026, 1, 5, 0, 0)) for that time in the current time "
        f"zone ({timezone.get_current_timezone_name()}), or pass "
        "datetime.datetime(2026, 1, 5, 0, 0, tzinfo=datetime.timezone.utc) for that time in UTC."
    )
    with pytest.raises(InvalidDatetimeError, match=f"^{argument} must be"):
        getattr(Note.objects, argument)(naive)


def test_revisions_have_as_of_and_known_at(customer, user):
    note = add_note(target=customer, content="v1", effective_at=timezone.now() - 2 * LAST_WEEK)
    edit_note(note, content="v2", by=user, effective_at=timezone.now() - LAST_WEEK)
    edit_note(note, content="v3", by=user)
    assert list(note.revisions.as_of(timezone.now() - dt.timedelta(days=1)).values_list("content", flat=True)) == ["v1"]
    assert list(NoteRevision.objects.known_at(timezone.now()).values_list("content", flat=True)) == ["v1", "v2"]
    with pytest.raises(InvalidDatetimeError, match="make_aware"):
        NoteRevision.objects.as_of(dt.datetime(2026, 1, 5))
