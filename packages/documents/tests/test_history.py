"""A new file is a new document that supersedes the old one; the history is kept, linear, per target."""

import datetime
import inspect

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from django_documents import (
    AlreadySupersededError,
    MissingPreviousVersionError,
    MissingTargetError,
    SupersedesOtherTargetError,
    attach_document,
    current_version,
    documents_for,
    history,
    replace_document,
)
from django_documents.models import Document
from tests.conftest import stored_files
from tests.files import PDF, pdf_file
from tests.testapp.models import IntInvoice

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(invoice):
    return attach_document(target=invoice, file=pdf_file("v1.pdf"))


def test_replacing_creates_a_new_document_that_supersedes_the_old_one(first):
    second = replace_document(first, file=pdf_file("v2.pdf"))
    assert second.pk != first.pk
    assert second.supersedes == first
    assert (second.version, second.lineage) == (2, first.pk)


def test_the_new_version_records_who_replaced_it(first, user):
    second = replace_document(first, file=pdf_file("v2.pdf"), by=user)
    assert Document.objects.get(pk=second.pk).uploaded_by == user


def test_uploaded_by_still_works_with_a_deprecation_warning(first, user):
    with pytest.warns(DeprecationWarning, match="pass by= instead"):
        second = replace_document(first, file=pdf_file("v2.pdf"), uploaded_by=user)
    assert Document.objects.get(pk=second.pk).uploaded_by == user
    assert "uploaded_by" not in inspect.signature(replace_document).parameters


def test_the_superseded_document_and_its_file_are_kept_unchanged(first, storage):
    before = Document.objects.filter(pk=first.pk).values().get()
    second = replace_document(first, file=ContentFile(b"%PDF-2", name="v2.pdf"))
    assert Document.objects.filter(pk=first.pk).values().get() == before
    assert stored_files(storage) == sorted([first.file.name, second.file.name])


def test_documents_for_returns_current_versions_only(invoice, first):
    other = attach_document(target=invoice, file=pdf_file("other.pdf"))
    second = replace_document(first, file=pdf_file("v2.pdf"))
    assert set(documents_for(invoice)) == {second, other}


def test_documents_for_can_include_the_superseded_versions(invoice, first):
    second = replace_document(first, file=pdf_file("v2.pdf"))
    assert set(documents_for(invoice, include_superseded=True)) == {first, second}


def test_documents_for_lists_the_newest_first(invoice):
    older = attach_document(target=invoice, file=pdf_file("a.pdf"))
    newer = attach_document(target=invoice, file=pdf_file("b.pdf"))
    assert list(documents_for(invoice)) == [newer, older]


def test_history_lists_every_version_oldest_first(first):
    second = replace_document(first, file=pdf_file("v2.pdf"))
    third = replace_document(second, file=pdf_file("v3.pdf"))
    assert list(history(second)) == [first, second, third]
    assert [document.version for document in history(first)] == [1, 2, 3]


def test_the_current_version_is_the_newest_of_the_history(first):
    second = replace_document(first, file=pdf_file("v2.pdf"))
    assert current_version(first) == second
    assert current_version(second) == second


def test_is_current_tells_whether_a_newer_version_exists(first):
    replace_document(first, file=pdf_file("v2.pdf"))
    first.refresh_from_db()
    assert not first.is_current
    assert Document.objects.get(version=2).is_current


def test_current_and_superseded_split_the_documents(first):
    second = replace_document(first, file=pdf_file("v2.pdf"))
    assert list(Document.objects.current()) == [second]
    assert list(Document.objects.superseded()) == [first]


def test_a_document_can_be_superseded_only_once(first):
    second = replace_document(first, file=pdf_file("v2.pdf"))
    with pytest.raises(AlreadySupersededError) as raised:
        replace_document(first, file=pdf_file("branch.pdf"))
    assert raised.value.successor_id == second.pk
    assert Document.objects.count() == 2


def test_attach_with_supersedes_is_the_same_as_replace(invoice, first):
    second = attach_document(target=invoice, file=pdf_file("v2.pdf"), supersedes=first)
    assert (second.supersedes, second.version) == (first, 2)


def test_a_version_of_another_target_is_refused(first, storage):
    other_target = IntInvoice.objects.create(number="OTHER")
    with pytest.raises(SupersedesOtherTargetError):
        attach_document(target=other_target, file=pdf_file("v2.pdf"), supersedes=first)
    assert stored_files(storage) == [first.file.name]


def test_superseding_a_deleted_document_is_refused(invoice, first, storage):
    Document.objects.filter(pk=first.pk).delete()
    with pytest.raises(MissingPreviousVersionError, match="does not exist"):
        attach_document(target=invoice, file=pdf_file("v2.pdf"), supersedes=first)


def test_superseding_an_unsaved_document_is_refused(invoice):
    with pytest.raises(MissingPreviousVersionError, match="saved Document"):
        attach_document(target=invoice, file=pdf_file("v2.pdf"), supersedes=Document(id=None))


def test_superseding_something_that_is_not_a_document_is_refused(invoice):
    with pytest.raises(MissingPreviousVersionError):
        attach_document(target=invoice, file=pdf_file("v2.pdf"), supersedes=invoice)


def test_replacing_a_document_whose_target_is_gone_is_refused(first, storage):
    type(first.target).objects.all().delete()
    first = Document.objects.get(pk=first.pk)
    with pytest.raises(MissingTargetError):
        replace_document(first, file=pdf_file("v2.pdf"))
    assert stored_files(storage) == [first.file.name]


def test_a_new_version_takes_the_retention_policy_of_the_old_one(invoice):
    first = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    second = replace_document(first, file=pdf_file("v2.pdf"))
    assert second.retention_policy == "invoice"
    assert second.retain_until > first.retain_until


def test_a_new_version_can_name_another_retention_policy(invoice):
    first = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    second = replace_document(first, file=pdf_file("v2.pdf"), retention_policy="scratch")
    assert second.retention_policy == "scratch"


def test_a_new_version_with_its_own_retain_until_has_no_policy(invoice):
    first = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    until = timezone.now() + datetime.timedelta(days=1)
    second = replace_document(first, file=pdf_file("v2.pdf"), retain_until=until)
    assert (second.retention_policy, second.retain_until) == ("", until)


def test_the_str_of_a_document_shows_its_filename_and_later_versions(first):
    second = replace_document(first, file=ContentFile(PDF, name="v2.pdf"))
    assert (str(first), str(second)) == ("v1.pdf", "v2.pdf (v2)")
