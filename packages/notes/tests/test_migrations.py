"""The migrations match the models; 0003 makes a tag's slug unique per (org, slug), 0004 gives notes and revisions
their two times; forwards and backwards."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_notes import add_note, edit_note, tag_object
from django_notes.models import Tag

BEFORE = ("django_notes", "0002_guarantees")
AFTER = ("django_notes", "0003_tag_slug_per_org")


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def tag_model_at(migration):
    """``Tag`` as the database has it after ``migration``."""
    return MigrationExecutor(connection).loader.project_state(migration).apps.get_model("django_notes", "Tag")


@pytest.fixture
def migrated_back(transactional_db):
    call_command("migrate", "django_notes", BEFORE[1], verbosity=0)
    yield
    call_command("migrate", "django_notes", verbosity=0)


@pytest.mark.usefixtures("migrated_back")
def test_existing_tags_belong_to_no_org_and_orgs_can_then_reuse_their_slugs(invoice):
    tag_model_at(BEFORE).objects.create(slug="urgent", name="Urgent", color="#ff0000")

    call_command("migrate", "django_notes", AFTER[1], verbosity=0)

    assert list(Tag.objects.values_list("org_key", "slug")) == [("", "urgent")]
    assert [tag.name for tag in tag_object(target=invoice, tags=["urgent"])] == ["Urgent"]
    Tag.objects.create(org="org-a", name="urgent")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="URGENT")


@pytest.mark.usefixtures("migrated_back")
def test_backwards_the_slug_is_unique_again_once_orgs_hold_no_second_tag():
    call_command("migrate", "django_notes", AFTER[1], verbosity=0)
    Tag.objects.create(name="urgent")
    Tag.objects.create(org="org-a", name="urgent")

    # Two tags of one slug cannot become unique per slug: the reversal is refused.
    with pytest.raises(IntegrityError):
        call_command("migrate", "django_notes", BEFORE[1], verbosity=0)
    Tag.objects.filter(org_key="org-a").delete()
    call_command("migrate", "django_notes", BEFORE[1], verbosity=0)

    before = tag_model_at(BEFORE)
    assert list(before.objects.values_list("slug", "name")) == [("urgent", "urgent")]
    with pytest.raises(IntegrityError), transaction.atomic():
        before.objects.create(slug="urgent", name="again", color="#ff0000")


TIMES_BEFORE = ("django_notes", "0003_tag_slug_per_org")
TIMES_AFTER = ("django_notes", "0004_note_times")


def model_at(migration, name):
    """The model ``name`` as the database has it after ``migration``."""
    return MigrationExecutor(connection).loader.project_state(migration).apps.get_model("django_notes", name)


@pytest.fixture
def before_the_times(autocommit_db):
    """The database at 0003, then migrated forward again; revisions emptied at the end (autocommit_db)."""
    call_command("migrate", "django_notes", TIMES_BEFORE[1], verbosity=0)
    yield
    call_command("migrate", "django_notes", verbosity=0)


def test_existing_notes_and_revisions_get_both_times_from_their_timestamps(before_the_times, customer, user):
    from django.contrib.contenttypes.models import ContentType

    from django_basemodels.guarantees import guarantee_problems
    from django_notes.models import Note, NoteRevision

    old_note, old_revision = model_at(TIMES_BEFORE, "Note"), model_at(TIMES_BEFORE, "NoteRevision")
    created = datetime.datetime(2024, 3, 1, 9, 0, tzinfo=datetime.timezone.utc)
    edited = datetime.datetime(2024, 3, 2, 10, 30, tzinfo=datetime.timezone.utc)
    customer_type = ContentType.objects.get_for_model(customer)
    note = old_note.objects.create(
        target_type_id=customer_type.pk, target_id=customer.pk.hex, content="VIP client since 2019", created_at=created
    )
    old_revision.objects.create(note_id=note.pk, content="VIP client", edited_at=edited, edited_by_id=user.pk)

    call_command("migrate", "django_notes", TIMES_AFTER[1], verbosity=0)

    stored = Note.objects.get(pk=note.pk)
    assert (stored.effective_at, stored.recorded_at) == (created, created)
    revision = NoteRevision.objects.get()
    assert (revision.effective_at, revision.recorded_at, revision.edited_at) == (edited, edited, edited)
    # The append-only guarantee is back, on every database, after the UPDATE that filled the revisions.
    assert guarantee_problems() == []
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {NoteRevision._meta.db_table} SET content = 'forged'")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Note._meta.db_table} SET effective_at = NULL")  # NOT NULL now


def test_backwards_the_times_go_and_the_revisions_stay_append_only(before_the_times, customer, user):
    from django_basemodels.guarantees import guarantee_problems
    from django_notes.models import NoteRevision

    call_command("migrate", "django_notes", TIMES_AFTER[1], verbosity=0)
    note = add_note(target=customer, content="v1")
    edit_note(note, content="v2", by=user)

    call_command("migrate", "django_notes", TIMES_BEFORE[1], verbosity=0)

    old_revision = model_at(TIMES_BEFORE, "NoteRevision")
    assert [f.name for f in old_revision._meta.concrete_fields if f.name.endswith("_at")] == ["edited_at"]
    assert list(old_revision.objects.values_list("content", flat=True)) == ["v1"]
    assert guarantee_problems() == []
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {NoteRevision._meta.db_table}")
