"""Two concurrent replacements of one document: one version wins, the other is refused and leaves no file."""

import threading

import pytest
from django.db import connection

from django_documents import AlreadySupersededError, attach_document, replace_document
from django_documents.models import Document
from tests.conftest import stored_files
from tests.files import pdf_file
from tests.testapp.models import UuidInvoice


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_replacements_make_one_version_and_leave_no_orphan(storage):
    invoice = UuidInvoice.objects.create(number="INV-RACE")
    first = attach_document(target=invoice, file=pdf_file("v1.pdf"))
    barrier = threading.Barrier(4)
    outcomes = []

    def replace(index):
        try:
            barrier.wait()
            outcomes.append(replace_document(first, file=pdf_file(f"v2-{index}.pdf")))
        except AlreadySupersededError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=replace, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    winners = [outcome for outcome in outcomes if isinstance(outcome, Document)]
    assert len(winners) == 1
    assert len(outcomes) == 4
    assert list(Document.objects.filter(supersedes=first)) == winners
    assert stored_files(storage) == sorted([first.file.name, winners[0].file.name])
