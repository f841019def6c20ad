"""django_basemodels.generic.GenericForeignKey and the W001 check for Django's plain one."""

import uuid

import pytest
from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey as DjangoGenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from django_basemodels.checks import check_generic_foreign_keys, generic_foreign_key_warnings
from django_basemodels.fields import ObjectIdField
from django_basemodels.generic import GenericForeignKey, _descriptor_matching_by_canonical_object_id
from tests.testapp.models import Invoice, Note, Tag


def test_generic_foreign_key_is_a_drop_in_subclass_of_djangos():
    field = Tag._meta.get_field("target")
    assert isinstance(field, GenericForeignKey)
    assert isinstance(field, DjangoGenericForeignKey)
    assert (field.ct_field, field.fk_field) == ("target_type", "target_id")


@pytest.mark.django_db
def test_prefetch_skips_rows_pointing_at_nothing(invoice):
    Note.objects.create(text="loose", subject_type=None, subject_id="")
    Note.objects.create(text="paid", subject=invoice)
    notes = {note.text: note.subject for note in Note.objects.prefetch_related("subject")}
    assert notes == {"loose": None, "paid": invoice}


@pytest.mark.django_db  # ContentType.objects.get_for_model may query
def test_a_separate_descriptor_is_given_the_canonical_prefetch_keys():
    # Django >= 6.1 installs a descriptor object next to the field; its keys must agree too.
    key = uuid.uuid4()
    field = Tag._meta.get_field("target")

    class DjangoStyleDescriptor:
        def __init__(self, field):
            self.field = field

        def get_prefetch_querysets(self, instances, querysets=None):
            return [], (lambda target: (str(target.pk), type(target))), (lambda row: None), True, "target", False

    descriptor = DjangoStyleDescriptor(field)
    descriptor.__class__ = _descriptor_matching_by_canonical_object_id(DjangoStyleDescriptor)
    _, target_key, row_key, *_ = descriptor.get_prefetch_querysets([])
    row = Tag(name="urgent", target_type=ContentType.objects.get_for_model(Invoice), target_id=str(key))
    assert target_key(Invoice(pk=key)) == row_key(row) == (key.hex, Invoice)


@isolate_apps("tests.testapp")
def test_check_warns_about_djangos_generic_foreign_key_over_an_object_id_field():
    class Pin(models.Model):
        target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        target_id = ObjectIdField()
        target = DjangoGenericForeignKey("target_type", "target_id")

        class Meta:
            app_label = "testapp"

    [warning] = generic_foreign_key_warnings([Pin])
    assert warning.id == "django_basemodels.W001"
    assert warning.level == checks.WARNING
    assert warning.obj is Pin


@isolate_apps("tests.testapp")
def test_check_ignores_djangos_generic_foreign_key_over_a_plain_char_field():
    class LegacyPin(models.Model):
        target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        target_id = models.CharField(max_length=40)
        target = DjangoGenericForeignKey("target_type", "target_id")

        class Meta:
            app_label = "testapp"

    assert generic_foreign_key_warnings([LegacyPin]) == []


@isolate_apps("tests.testapp")
def test_check_leaves_a_missing_object_id_field_to_djangos_own_check():
    class BrokenPin(models.Model):
        target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
        target = DjangoGenericForeignKey("target_type", "no_such_field")

        class Meta:
            app_label = "testapp"

    assert generic_foreign_key_warnings([BrokenPin]) == []


def test_check_passes_for_the_models_of_the_tests():
    assert [message for message in checks.run_checks() if message.id.startswith("django_basemodels")] == []


def test_check_can_be_limited_to_some_apps():
    assert check_generic_foreign_keys(app_configs=[apps.get_app_config("testapp")]) == []


def test_check_is_silent_without_contenttypes(monkeypatch):
    monkeypatch.setattr(apps, "is_installed", lambda name: name != "django.contrib.contenttypes")
    assert check_generic_foreign_keys() == []
