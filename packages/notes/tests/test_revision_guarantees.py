"""The database keeps note revisions append-only (``NoteRevision.Meta.guarantees``), whoever sends the SQL."""

import datetime

import pytest
from django.core import checks
from django.db import IntegrityError, connection

from django_basemodels.guarantees import AppendOnly, guarantee_problems, guarantees_of, install_guarantees
from django_basemodels.testing import assert_write_paths_refused, trigger_names
from django_notes.models import REVISIONS_APPEND_ONLY, Note, NoteRevision
from django_notes.services import add_note, edit_note

pytestmark = pytest.mark.django_db

TABLE = NoteRevision._meta.db_table


@pytest.fixture
def revision(customer, user) -> NoteRevision:
    note = add_note(target=customer, content="VIP client", author=user)
    edit_note(note, content="VIP client since 2019", by=user)
    return note.revisions.get()


def test_note_revisions_declare_that_they_are_append_only():
    assert guarantees_of(NoteRevision) == [AppendOnly(message=REVISIONS_APPEND_ONLY)]
    assert [guarantee.name for guarantee in guarantees_of(NoteRevision)] == ["append_only"]


def test_the_migrations_install_every_declared_guarantee():
    assert guarantee_problems() == []


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("content", "forged"),
        ("edited_at", datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)),
        # Later, not earlier: an earlier recorded_at would also break the check effective_at <= recorded_at.
        ("recorded_at", datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)),
        ("effective_at", datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)),
        ("edited_by_id", 999),
        ("note_id", 999),
    ],
)
def test_every_raw_write_path_of_a_revision_is_refused(revision, column, value):
    refused = assert_write_paths_refused(revision, changes={column: value}, match="note revisions are append-only")

    expected = {
        "sqlite": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"},
    }[connection.vendor]
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)


def test_a_revision_is_still_appended_by_edit_note(revision, user):
    note = revision.note
    edit_note(note, content="VIP client since 2018", by=user)
    assert list(note.revisions.values_list("content", flat=True)) == ["VIP client", "VIP client since 2019"]


def test_the_database_accepts_a_raw_insert_of_a_revision(customer):
    note = add_note(target=customer, content="hello")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (note_id, content, edited_at, recorded_at, effective_at) VALUES (%s, %s, %s, %s, %s)",
            [note.pk, "inserted", note.recorded_at, note.recorded_at, note.effective_at],
        )
    assert NoteRevision.objects.get().content == "inserted"


def test_notes_and_tags_themselves_stay_writable(revision):
    note = revision.note
    assert Note.objects.filter(pk=note.pk).update(visibility="external") == 1
    fresh = add_note(target=note.target, content="never edited")
    fresh.delete()
    assert not Note.objects.filter(pk=fresh.pk).exists()


def test_the_database_check_reports_a_missing_trigger(autocommit_db):
    [update_trigger] = [name for name in trigger_names(TABLE) if name.endswith("_append_only_update")]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER "{update_trigger}" ON "{TABLE}"')
        else:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(update_trigger)}")
    try:
        messages = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    finally:
        install_guarantees()
    assert [(message.id, update_trigger in message.msg) for message in messages] == [("django_basemodels.E011", True)]
    assert guarantee_problems() == []
