"""Admin: documents are shown read-only, uploaded through attach_document, deleted under the same rules."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from django_documents import attach_document, replace_document
from django_documents.models import Document
from tests.conftest import stored_files
from tests.files import PDF, pdf_file

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:django_documents_document_changelist"
ADD = "admin:django_documents_document_add"


def change_url(document):
    return reverse("admin:django_documents_document_change", args=[document.pk])


def delete_url(document):
    return reverse("admin:django_documents_document_delete", args=[document.pk])


def upload_form(target, **overrides):
    data = {
        "target_type": ContentType.objects.get_for_model(target).pk,
        "target_object_id": str(target.pk),
        "upload": SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
        "retention_policy": "",
    }
    return {**data, **overrides}


def test_the_changelist_lists_documents(admin_client, invoice):
    attach_document(target=invoice, file=pdf_file("listed.pdf"))
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert "listed.pdf" in response.content.decode()


def test_the_document_page_is_view_only_and_shows_the_checksum(admin_client, invoice):
    document = attach_document(target=invoice, file=pdf_file())
    response = admin_client.get(change_url(document))
    content = response.content.decode()
    assert response.status_code == 200
    assert document.sha256 in content
    assert 'name="_save"' not in content
    assert 'type="file"' not in content


def test_the_document_page_shows_its_successor_and_a_missing_target(admin_client, invoice):
    first = attach_document(target=invoice, file=pdf_file())
    second = replace_document(first, file=pdf_file("v2.pdf"))
    type(invoice).objects.all().delete()
    content = admin_client.get(change_url(first)).content.decode()
    assert f"v2.pdf (v2) ({second.pk})" in content
    assert "(missing)" in content


def test_a_posted_change_is_refused(admin_client, invoice):
    document = attach_document(target=invoice, file=pdf_file())
    response = admin_client.post(change_url(document), {"original_filename": "evil.pdf"})
    assert response.status_code == 403
    document.refresh_from_db()
    assert document.original_filename == "invoice.pdf"


def test_uploading_in_the_admin_goes_through_the_service(admin_client, admin_user, invoice, storage):
    response = admin_client.post(reverse(ADD), upload_form(invoice, retention_policy="invoice"))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.target == invoice
    assert document.uploaded_by == admin_user
    assert document.retention_policy == "invoice"
    assert document.sha256 and document.detected_content_type == "application/pdf"
    assert stored_files(storage) == [document.file.name]


def test_an_upload_in_the_admin_may_be_backdated(admin_client, invoice):
    response = admin_client.post(reverse(ADD), upload_form(invoice, effective_at="2026-01-05 09:30:00"))
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.effective_at == datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc)
    assert document.recorded_at > document.effective_at


def test_a_future_effective_time_in_the_admin_is_a_form_error(admin_client, invoice, storage):
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    response = admin_client.post(reverse(ADD), upload_form(invoice, effective_at=tomorrow))
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(storage) == []


def test_the_add_form_offers_the_retention_policies(admin_client):
    content = admin_client.get(reverse(ADD)).content.decode()
    assert 'value="invoice"' in content
    assert 'value="scratch"' in content


def test_a_refused_upload_shows_the_reason_and_stores_nothing(admin_client, invoice, settings, storage):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = ["image/*"]
    response = admin_client.post(reverse(ADD), upload_form(invoice))
    assert response.status_code == 200
    assert "not allowed" in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(storage) == []


def test_an_unknown_target_id_is_a_form_error(admin_client, int_invoice, storage):
    response = admin_client.post(reverse(ADD), upload_form(int_invoice, target_object_id="not-a-number"))
    assert response.status_code == 200
    assert "has this id" in response.content.decode()
    assert stored_files(storage) == []


def test_a_missing_file_is_a_form_error(admin_client, invoice):
    data = upload_form(invoice)
    del data["upload"]
    response = admin_client.post(reverse(ADD), data)
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_a_retained_document_has_no_delete_page(admin_client, invoice):
    document = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")
    assert admin_client.post(delete_url(document), {"post": "yes"}).status_code == 403
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_superseded_document_has_no_delete_page(admin_client, invoice):
    document = attach_document(target=invoice, file=pdf_file())
    replace_document(document, file=pdf_file("v2.pdf"))
    assert admin_client.post(delete_url(document), {"post": "yes"}).status_code == 403


def test_a_deletable_document_is_deleted_with_its_file(
    admin_client, invoice, storage, django_capture_on_commit_callbacks
):
    document = attach_document(target=invoice, file=pdf_file())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(delete_url(document), {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert stored_files(storage) == []


def action(name, documents, **extra):
    return {"action": name, "_selected_action": [str(document.pk) for document in documents], **extra}


def test_deleting_a_selection_with_a_retained_document_deletes_nothing(admin_client, invoice):
    free = attach_document(target=invoice, file=pdf_file("free.pdf"))
    kept = attach_document(target=invoice, file=pdf_file("kept.pdf"), retention_policy="invoice")
    response = admin_client.post(reverse(CHANGELIST), action("delete_selected", [free, kept], post="yes"), follow=True)
    assert "Nothing was deleted" in response.content.decode()
    assert Document.objects.count() == 2


def test_deleting_a_deletable_selection_asks_then_deletes(admin_client, invoice):
    documents = [
        attach_document(target=invoice, file=pdf_file("a.pdf")),
        attach_document(
            target=invoice, file=pdf_file("b.pdf"), retain_until=timezone.now() - datetime.timedelta(seconds=1)
        ),
    ]
    confirmation = admin_client.post(reverse(CHANGELIST), action("delete_selected", documents))
    assert "Are you sure" in confirmation.content.decode()
    admin_client.post(reverse(CHANGELIST), action("delete_selected", documents, post="yes"))
    assert not Document.objects.exists()


def test_the_verify_action_reports_intact_and_altered_files(admin_client, invoice, storage):
    intact = attach_document(target=invoice, file=pdf_file("intact.pdf"))
    altered = attach_document(target=invoice, file=pdf_file("altered.pdf"))
    storage.delete(altered.file.name)
    response = admin_client.post(reverse(CHANGELIST), action("verify_selected", [intact, altered]), follow=True)
    content = response.content.decode()
    assert "1 document(s) verified intact." in content
    assert f"Document {altered.pk}: the stored file" in content


def test_the_changelist_finds_a_document_by_id_or_checksum(admin_client, invoice):
    found = attach_document(target=invoice, file=pdf_file("found.pdf"))
    attach_document(target=invoice, file=pdf_file("other.pdf", content=b"%PDF-other"))
    for query in (str(found.pk), found.sha256, "not-an-id"):
        response = admin_client.get(reverse(CHANGELIST), {"q": query})
        assert response.status_code == 200
        assert ("found.pdf" in response.content.decode()) is (query != "not-an-id")
        assert "other.pdf" not in response.content.decode()
