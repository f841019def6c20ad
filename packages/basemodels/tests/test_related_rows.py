"""What a soft delete does, and does not do, to related rows."""

import pytest

from tests.testapp.models import Invoice, InvoiceLine, Tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(invoice) -> InvoiceLine:
    return InvoiceLine.objects.create(invoice=invoice, amount=10)


def test_soft_delete_of_a_parent_does_not_cascade_to_children(invoice, line):
    invoice.delete()
    assert InvoiceLine.objects.get(pk=line.pk).deleted_at is None


def test_soft_delete_of_a_parent_leaves_its_generic_tags(invoice):
    Tag.objects.create(name="urgent", target=invoice)
    invoice.delete()
    assert Tag.objects.count() == 1


def test_queryset_soft_delete_does_not_cascade_either(invoice, line):
    Invoice.objects.all().delete()
    assert InvoiceLine.objects.filter(pk=line.pk).exists()


def test_hard_delete_of_a_parent_cascades_to_children(invoice, line):
    invoice.hard_delete()
    assert not InvoiceLine.all_objects.exists()


def test_hard_delete_cascades_to_soft_deleted_children_too(invoice, line):
    line.delete()
    invoice.hard_delete()
    assert not InvoiceLine.all_objects.exists()


def test_queryset_hard_delete_cascades_to_children(invoice, line):
    Invoice.all_objects.all().hard_delete()
    assert not InvoiceLine.all_objects.exists()


def test_hard_delete_removes_generic_tags_through_the_generic_relation(invoice):
    Tag.objects.create(name="urgent", target=invoice)
    invoice.hard_delete()
    assert not Tag.objects.exists()


def test_reverse_manager_hides_soft_deleted_children(invoice, line):
    InvoiceLine.objects.create(invoice=invoice, amount=20)
    line.delete()
    assert list(invoice.lines.values_list("amount", flat=True)) == [20]


def test_prefetched_reverse_relation_hides_soft_deleted_children(invoice, line):
    InvoiceLine.objects.create(invoice=invoice, amount=20)
    line.delete()
    [fetched] = Invoice.objects.prefetch_related("lines")
    assert [child.amount for child in fetched.lines.all()] == [20]


def test_forward_access_to_a_soft_deleted_parent_still_returns_it(invoice, line):
    invoice.delete()
    child = InvoiceLine.objects.get(pk=line.pk)
    assert child.invoice == invoice
    assert child.invoice.is_deleted


def test_select_related_to_a_soft_deleted_parent_still_returns_it(invoice, line):
    invoice.delete()
    child = InvoiceLine.objects.select_related("invoice").get(pk=line.pk)
    assert child.invoice.is_deleted


def test_filters_across_a_relation_do_not_hide_soft_deleted_parents(invoice, line):
    invoice.delete()
    assert InvoiceLine.objects.filter(invoice__number="INV-1").exists()
    assert not InvoiceLine.objects.filter(invoice__number="INV-1", invoice__deleted_at__isnull=True).exists()


def test_generic_foreign_key_to_a_soft_deleted_target_still_returns_it(invoice):
    tag = Tag.objects.create(name="urgent", target=invoice)
    invoice.delete()
    assert Tag.objects.get(pk=tag.pk).target == invoice
