import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from django_basemodels.models import unique_among_live
from tests.testapp.models import Invoice

pytestmark = pytest.mark.django_db


def test_a_live_duplicate_raises_integrity_error(invoice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(number=invoice.number)


def test_a_deleted_row_keeps_its_value_and_frees_it_for_a_live_row(invoice):
    invoice.delete()
    successor = Invoice.objects.create(number=invoice.number)
    assert Invoice.all_objects.get(pk=invoice.pk).number == successor.number


def test_two_deleted_rows_may_share_a_value(invoice):
    invoice.delete()
    Invoice.objects.create(number=invoice.number).delete()
    assert Invoice.deleted_objects.filter(number=invoice.number).count() == 2


def test_restoring_a_row_whose_value_was_taken_raises_integrity_error(invoice):
    invoice.delete()
    Invoice.objects.create(number=invoice.number)
    with pytest.raises(IntegrityError), transaction.atomic():
        invoice.restore()


def test_a_failed_restore_leaves_the_instance_deleted(invoice):
    invoice.delete()
    deleted_at = invoice.deleted_at
    Invoice.objects.create(number=invoice.number)
    with pytest.raises(IntegrityError), transaction.atomic():
        invoice.restore()
    assert invoice.deleted_at == deleted_at


def test_bulk_restore_of_a_taken_value_raises_and_restores_nothing(invoice):
    invoice.delete()
    Invoice.objects.create(number=invoice.number)
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.deleted_objects.restore()
    assert Invoice.deleted_objects.count() == 1


def test_model_validation_reports_a_live_duplicate(invoice):
    with pytest.raises(ValidationError):
        Invoice(number=invoice.number).full_clean()


def test_model_validation_ignores_a_deleted_duplicate(invoice):
    invoice.delete()
    Invoice(number=invoice.number).full_clean()


def test_constraint_is_partial_on_deleted_at_is_null():
    constraint = unique_among_live("number", name="live_number")
    assert constraint.fields == ("number",)
    assert constraint.condition == Q(deleted_at__isnull=True)


def test_extra_condition_is_anded_with_liveness():
    constraint = unique_among_live("number", name="live_number", condition=Q(number__startswith="INV"))
    assert constraint.condition == Q(deleted_at__isnull=True) & Q(number__startswith="INV")


def test_options_reach_the_unique_constraint():
    constraint = unique_among_live("number", name="live_number", violation_error_message="taken")
    assert isinstance(constraint, models.UniqueConstraint)
    assert constraint.violation_error_message == "taken"
