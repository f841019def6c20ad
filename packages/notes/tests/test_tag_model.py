"""Tag and ObjectTag invariants: slug and colour filled and checked, uniqueness held by the database."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, connection, transaction

from django_notes import conf
from django_notes.exceptions import InvalidTagColorError, InvalidTagError
from django_notes.models import ObjectTag, Tag, palette_color, tag_slug
from django_notes.services import tag_object

pytestmark = pytest.mark.django_db


def test_a_tag_gets_its_slug_from_its_name():
    assert Tag.objects.create(name="  Review needed! ").slug == "review-needed"


def test_a_tag_without_a_name_is_named_by_its_slug():
    assert Tag.objects.create(slug="urgent").name == "urgent"


def test_a_tag_whose_name_gives_no_slug_is_refused():
    with pytest.raises(InvalidTagError):
        Tag.objects.create(name="???")


@pytest.mark.parametrize("slug", ["Urgent", "two words", "urgent!"])
def test_a_given_slug_that_is_not_a_slug_is_refused(slug):
    with pytest.raises(InvalidTagError, match="not a slug"):
        Tag.objects.create(name="urgent", slug=slug)


def test_full_clean_reports_a_name_without_a_slug_on_the_name():
    with pytest.raises(ValidationError) as excinfo:
        Tag(name="???").full_clean()
    assert "name" in excinfo.value.message_dict


def test_a_tag_without_a_colour_takes_one_from_the_palette(settings):
    settings.NOTES_TAG_COLORS = ("#ABCDEF",)
    assert Tag.objects.create(name="urgent").color == "#abcdef"


def test_the_palette_colour_depends_on_the_slug_only():
    assert palette_color("urgent") == palette_color("urgent")
    assert len({palette_color(f"tag-{number}") for number in range(50)}) > 1


def test_a_bad_palette_is_reported_when_a_colour_is_needed(settings):
    settings.NOTES_TAG_COLORS = []
    with pytest.raises(ImproperlyConfigured, match="NOTES_TAG_COLORS"):
        Tag.objects.create(name="urgent")


def test_a_given_colour_is_stored_in_lower_case():
    assert Tag.objects.create(name="urgent", color="#FF00AA").color == "#ff00aa"


@pytest.mark.parametrize("color", ["red", "#fff", "#12345g", "ff00aa", "#ff00aa0"])
def test_a_colour_that_is_not_hex_rrggbb_is_refused(color):
    with pytest.raises(InvalidTagColorError):
        Tag.objects.create(name="urgent", color=color)
    assert not Tag.objects.exists()


def test_full_clean_reports_a_bad_colour():
    with pytest.raises(ValidationError) as excinfo:
        Tag(name="urgent", color="red").full_clean()
    assert "color" in excinfo.value.message_dict


def test_full_clean_fills_slug_and_colour_before_checking_constraints():
    tag = Tag(name="Urgent")
    tag.full_clean()
    assert tag.slug == "urgent"
    assert conf.is_hex_color(tag.color)


def test_the_database_refuses_a_bad_colour_that_bypasses_save():
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.bulk_create([Tag(slug="urgent", name="urgent", color="red")])


def test_the_database_refuses_a_bad_colour_in_raw_sql():
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_notes_tag (org_key, slug, name, color, created_at) "
            "VALUES (%s, %s, %s, %s, CURRENT_TIMESTAMP)",
            ["", "urgent", "urgent", "#zzzzzz"],
        )


def test_the_slug_is_unique_in_the_database():
    Tag.objects.create(name="urgent")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name="Urgent!")


def test_a_tag_is_on_an_object_at_most_once_in_the_database(invoice):
    [tag] = tag_object(target=invoice, tags=["urgent"])
    link = ObjectTag.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ObjectTag.objects.create(tag=tag, target_type=link.target_type, target_id=str(invoice.pk))


def test_deleting_a_tag_takes_it_off_every_object(invoice, ticket):
    tag_object(target=invoice, tags=["urgent"])
    tag_object(target=ticket, tags=["urgent", "later"])
    Tag.objects.get(slug="urgent").delete()
    assert list(ObjectTag.objects.values_list("tag__slug", flat=True)) == ["later"]


def test_tags_and_links_read_as_text(invoice):
    [tag] = tag_object(target=invoice, tags=["Urgent"])
    assert str(tag) == "Urgent"
    assert str(ObjectTag.objects.get()).endswith(f":{invoice.pk.hex}")


def test_tag_slug_is_the_unicode_slug_of_the_name():
    assert tag_slug("Ça va  bien") == "ça-va-bien"
