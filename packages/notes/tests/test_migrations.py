"""The migrations match the models; 0003 makes a tag's slug unique per (org, slug), forwards and backwards."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_notes import tag_object
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
