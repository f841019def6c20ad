"""Retention: a policy sets retain_until; nothing deletes a document before it; deletion removes row and file."""

import datetime
import inspect
import logging

import pytest
from django.db import transaction
from django.utils import timezone

from django_documents import (
    NewerVersionExistsError,
    RetentionActiveError,
    attach_document,
    delete_document,
    replace_document,
)
from django_documents.models import Document
from tests.conftest import stored_files
from tests.files import pdf_file

pytestmark = pytest.mark.django_db

PAST = datetime.timedelta(seconds=1)


def expired(invoice, name="old.pdf"):
    return attach_document(target=invoice, file=pdf_file(name), retain_until=timezone.now() - PAST)


def test_a_retention_policy_sets_retain_until_from_now(invoice):
    before = timezone.now()
    document = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    assert document.retention_policy == "invoice"
    assert (
        before + datetime.timedelta(days=3650)
        <= document.retain_until
        <= timezone.now() + datetime.timedelta(days=3650)
    )


def test_retain_until_can_be_given_directly(invoice):
    until = timezone.now() + datetime.timedelta(days=30)
    document = attach_document(target=invoice, file=pdf_file(), retain_until=until)
    assert Document.objects.get(pk=document.pk).retain_until == until


def test_without_retention_a_document_has_no_retain_until(invoice):
    document = attach_document(target=invoice, file=pdf_file())
    assert (document.retention_policy, document.retain_until) == ("", None)


def test_retained_lists_the_documents_not_yet_deletable(invoice):
    kept = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    expired(invoice)
    attach_document(target=invoice, file=pdf_file("free.pdf"))
    assert list(Document.objects.retained()) == [kept]


def test_deleting_before_retain_until_is_refused(invoice, storage, django_capture_on_commit_callbacks):
    document = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RetentionActiveError) as raised:
        delete_document(document)
    assert raised.value.retain_until == document.retain_until
    assert Document.objects.filter(pk=document.pk).exists()
    assert stored_files(storage) == [document.file.name]


def test_deleting_removes_the_row_and_after_commit_the_file(invoice, storage, django_capture_on_commit_callbacks):
    document = expired(invoice)
    name = document.file.name
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        delete_document(document)
        assert not Document.objects.filter(pk=document.pk).exists()
        assert stored_files(storage) == [name]
    for callback in callbacks:
        callback()
    assert stored_files(storage) == []


def test_a_rolled_back_deletion_keeps_the_row_and_the_file(invoice, storage, django_capture_on_commit_callbacks):
    document = expired(invoice)
    pk, name = document.pk, document.file.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        delete_document(document)
        raise RuntimeError("roll back")
    assert Document.objects.filter(pk=pk).exists()
    assert stored_files(storage) == [name]


def test_the_deletion_and_who_deleted_are_logged(invoice, user, caplog):
    document = expired(invoice)
    pk = document.pk
    with caplog.at_level(logging.INFO, logger="django_documents"):
        delete_document(document, by=user)
    assert f"Deleted document {pk} (old.pdf), by alice." in caplog.text


def test_deleted_by_still_works_with_a_deprecation_warning(invoice, user, caplog):
    document = expired(invoice)
    pk = document.pk
    with (
        caplog.at_level(logging.INFO, logger="django_documents"),
        pytest.warns(DeprecationWarning, match="pass by= instead"),
    ):
        delete_document(document, deleted_by=user)
    assert f"Deleted document {pk} (old.pdf), by alice." in caplog.text
    assert "deleted_by" not in inspect.signature(delete_document).parameters


def test_model_delete_is_guarded_the_same_way(invoice):
    document = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    with pytest.raises(RetentionActiveError):
        document.delete()
    assert Document.objects.filter(pk=document.pk).exists()


def test_deleting_an_unsaved_document_is_a_value_error():
    with pytest.raises(ValueError, match="id attribute is None"):
        Document(id=None).delete()


def test_queryset_delete_deletes_nothing_if_one_document_is_retained(invoice, storage):
    expired(invoice)
    attach_document(target=invoice, file=pdf_file("kept.pdf"), retention_policy="invoice")
    with pytest.raises(RetentionActiveError):
        Document.objects.all().delete()
    assert Document.objects.count() == 2


def test_queryset_delete_removes_rows_and_files(invoice, storage, django_capture_on_commit_callbacks):
    expired(invoice, "a.pdf")
    expired(invoice, "b.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        deleted, _by_model = Document.objects.all().delete()
    assert deleted == 2
    assert stored_files(storage) == []


def test_deleting_an_empty_queryset_deletes_nothing(db):
    assert Document.objects.all().delete() == (0, {})


def test_an_old_version_alone_cannot_be_deleted(invoice):
    first = expired(invoice)
    second = replace_document(first, file=pdf_file("v2.pdf"))
    with pytest.raises(NewerVersionExistsError) as raised:
        delete_document(first)
    assert raised.value.successor_id == second.pk
    assert Document.objects.count() == 2


def test_the_newest_version_then_the_older_one_can_be_deleted(invoice):
    first = expired(invoice)
    second = replace_document(first, file=pdf_file("v2.pdf"))
    delete_document(second)
    delete_document(Document.objects.get(pk=first.pk))
    assert not Document.objects.exists()


def test_a_whole_history_can_be_deleted_at_once(invoice):
    # MariaDB checks the supersedes key at each deleted row: newer versions must go before the ones they replace.
    first = expired(invoice)
    second = replace_document(first, file=pdf_file("v2.pdf"))
    replace_document(second, file=pdf_file("v3.pdf"))
    other_history = expired(invoice)
    replace_document(other_history, file=pdf_file("other-v2.pdf"))
    assert Document.objects.all().delete() == (5, {"django_documents.Document": 5})
    assert not Document.objects.exists()


def test_deleting_the_newest_version_makes_the_previous_one_current(invoice):
    first = expired(invoice)
    second = replace_document(first, file=pdf_file("v2.pdf"))
    delete_document(second)
    assert list(Document.objects.current()) == [first]


def test_an_uploader_with_documents_cannot_be_deleted(invoice, user):
    from django.db.models import ProtectedError

    attach_document(target=invoice, file=pdf_file(), uploaded_by=user)
    with pytest.raises(ProtectedError):
        user.delete()
