"""System checks: settings (E001-E003), relations models declare to notes and tags (E004, E005)."""

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericRelation
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from django_notes.checks import check_relations, check_settings, relation_errors
from django_notes.fields import TagsRelation


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_the_default_settings_pass():
    assert check_settings() == []


def test_valid_settings_pass(settings):
    settings.NOTES_TAG_COLORS = ["#000000", "#FFFFFF"]
    settings.NOTES_MAX_LENGTH = None
    settings.NOTES_DEFAULT_VISIBILITY = "external"
    assert check_settings() == []


@pytest.mark.parametrize("palette", [[], "#ff0000", ["red"], ["#fff"], ("#ff0000", None), None])
def test_a_bad_palette_is_an_error(settings, palette):
    settings.NOTES_TAG_COLORS = palette
    [error] = check_settings()
    assert (error.id, error.level) == ("django_notes.E001", checks.ERROR)


@pytest.mark.parametrize("limit", [0, -5, "100", 10.5, True])
def test_a_bad_max_length_is_an_error(settings, limit):
    settings.NOTES_MAX_LENGTH = limit
    assert ids(check_settings()) == ["django_notes.E002"]


@pytest.mark.parametrize("visibility", ["public", None, "Internal"])
def test_a_bad_default_visibility_is_an_error(settings, visibility):
    settings.NOTES_DEFAULT_VISIBILITY = visibility
    assert ids(check_settings()) == ["django_notes.E003"]


def test_the_settings_check_is_registered(settings):
    settings.NOTES_MAX_LENGTH = 0
    assert "django_notes.E002" in ids(checks.run_checks())


def test_the_test_models_relations_pass():
    assert check_relations() == []
    assert check_relations(app_configs=[apps.get_app_config("testapp")]) == []


@isolate_apps("tests.testapp")
def test_a_relation_for_the_proxy_content_type_is_an_error():
    class Account(models.Model):
        notes = GenericRelation(
            "django_notes.Note", content_type_field="target_type", object_id_field="target_id", for_concrete_model=False
        )

        class Meta:
            app_label = "testapp"

    [error] = relation_errors([Account])
    assert error.id == "django_notes.E004"
    assert "Account.notes" in error.msg


@isolate_apps("tests.testapp")
def test_a_primary_key_longer_than_the_object_id_is_an_error():
    class Document(models.Model):
        key = models.CharField(max_length=300, primary_key=True)
        tags = TagsRelation()

        class Meta:
            app_label = "testapp"

    [error] = relation_errors([Document])
    assert error.id == "django_notes.E005"


@isolate_apps("tests.testapp")
def test_a_composite_primary_key_is_an_error():
    if not hasattr(models, "CompositePrimaryKey"):
        pytest.skip("composite primary keys arrived in Django 5.2")

    class Line(models.Model):
        pk = models.CompositePrimaryKey("order", "number")
        order = models.IntegerField()
        number = models.IntegerField()
        tags = TagsRelation()

        class Meta:
            app_label = "testapp"

    assert ids(relation_errors([Line])) == ["django_notes.E005"]


@isolate_apps("tests.testapp")
def test_models_without_relations_to_notes_are_not_checked():
    class Plain(models.Model):
        key = models.CharField(max_length=300, primary_key=True)
        others = GenericRelation("testapp.Project")

        class Meta:
            app_label = "testapp"

    assert relation_errors([Plain]) == []
