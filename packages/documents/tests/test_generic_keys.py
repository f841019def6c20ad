"""The target key: UUID, integer and text primary keys, one canonical text form, on every database."""

import pytest
from django.contrib.contenttypes.models import ContentType

from django_documents import MissingTargetError, attach_document, documents_for
from django_documents.models import Document
from tests.files import pdf_file
from tests.testapp.models import CodedInvoice, IntInvoice, ProxyIntInvoice, UuidInvoice

pytestmark = pytest.mark.django_db


def test_a_uuid_target_is_stored_as_32_lowercase_hex_digits(uuid_invoice):
    document = attach_document(target=uuid_invoice, file=pdf_file())
    assert Document.objects.values_list("target_id", flat=True).get(pk=document.pk) == uuid_invoice.pk.hex


def test_an_integer_target_is_stored_as_its_decimal_text(int_invoice):
    document = attach_document(target=int_invoice, file=pdf_file())
    assert Document.objects.values_list("target_id", flat=True).get(pk=document.pk) == str(int_invoice.pk)


def test_a_proxy_target_is_stored_under_its_concrete_model(int_invoice):
    document = attach_document(target=ProxyIntInvoice.objects.get(pk=int_invoice.pk), file=pdf_file())
    stored = Document.objects.get(pk=document.pk)
    assert (stored.target_type.model_class(), stored.target_id) == (IntInvoice, str(int_invoice.pk))


def test_documents_for_finds_a_uuid_target_whatever_the_spelling_of_its_pk(uuid_invoice):
    document = attach_document(target=uuid_invoice, file=pdf_file())
    same_row = UuidInvoice(pk=str(uuid_invoice.pk), number="same")
    assert list(documents_for(same_row)) == [document]


def test_a_lookup_by_any_spelling_of_a_uuid_target_finds_its_documents(uuid_invoice):
    document = attach_document(target=uuid_invoice, file=pdf_file())
    for spelling in (uuid_invoice.pk, str(uuid_invoice.pk), uuid_invoice.pk.hex.upper()):
        assert list(Document.objects.filter(target_id=spelling)) == [document]


def test_a_document_built_with_a_dashed_uuid_stores_the_canonical_target_id(uuid_invoice):
    assert Document(target_id=str(uuid_invoice.pk)).target_id == uuid_invoice.pk.hex


def test_documents_for_keeps_targets_apart(db):
    uuid_target = UuidInvoice.objects.create(number="U")
    int_target = IntInvoice.objects.create(number="I")
    other_int_target = IntInvoice.objects.create(number="I2")
    uuid_document = attach_document(target=uuid_target, file=pdf_file())
    int_document = attach_document(target=int_target, file=pdf_file())
    assert list(documents_for(uuid_target)) == [uuid_document]
    assert list(documents_for(int_target)) == [int_document]
    assert list(documents_for(other_int_target)) == []


def test_text_keys_that_differ_only_in_case_are_two_targets(db):
    lower, upper = CodedInvoice.objects.create(code="abc"), CodedInvoice.objects.create(code="ABC")
    lower_document = attach_document(target=lower, file=pdf_file())
    upper_document = attach_document(target=upper, file=pdf_file())
    assert list(documents_for(lower)) == [lower_document]
    assert list(documents_for(upper)) == [upper_document]
    assert Document.objects.get(pk=upper_document.pk).target == upper


def test_documents_for_a_proxy_finds_the_documents_of_its_concrete_row(int_invoice):
    document = attach_document(target=int_invoice, file=pdf_file())
    assert list(documents_for(ProxyIntInvoice.objects.get(pk=int_invoice.pk))) == [document]


def test_documents_for_an_unsaved_object_is_refused(db):
    with pytest.raises(MissingTargetError):
        documents_for(IntInvoice(number="draft"))


def test_documents_for_something_that_is_not_a_model_instance_is_refused(db):
    with pytest.raises(MissingTargetError):
        documents_for("invoice")


def test_prefetching_targets_of_both_key_kinds_finds_each_target(db, django_assert_num_queries):
    uuid_target = UuidInvoice.objects.create(number="U")
    int_target = IntInvoice.objects.create(number="I")
    attach_document(target=uuid_target, file=pdf_file())
    attach_document(target=int_target, file=pdf_file())
    ContentType.objects.clear_cache()
    documents = list(Document.objects.prefetch_related("target").order_by("target_type__model"))
    with django_assert_num_queries(0):
        targets = [document.target for document in documents]
    assert targets == [int_target, uuid_target]


def test_the_target_of_a_document_whose_target_is_gone_is_none(invoice):
    document = attach_document(target=invoice, file=pdf_file())
    type(invoice).objects.all().delete()
    assert Document.objects.get(pk=document.pk).target is None


def test_a_prefetched_target_that_is_gone_is_none(invoice):
    attach_document(target=invoice, file=pdf_file())
    type(invoice).objects.all().delete()
    [document] = Document.objects.prefetch_related("target")
    assert document.target is None
