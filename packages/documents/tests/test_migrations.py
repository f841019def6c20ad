"""The migrations match the models, install the declared guarantees, and can be reversed and applied again."""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_basemodels.guarantees import guarantee_problems
from django_basemodels.testing import trigger_names
from django_documents.models import Document
from tests.testapp.models import UuidInvoice

TABLE = Document._meta.db_table


@pytest.mark.django_db
def test_no_migration_is_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("target", ["0001", "0002", "0003"])
def test_the_migrations_can_be_reversed_and_applied_again(target):
    call_command("migrate", "django_documents", target, verbosity=0)
    if target == "0001":
        assert trigger_names(TABLE) == set()
    else:  # reversing 0003 rebuilds the table on SQLite, and reinstalls its triggers after
        assert guarantee_problems() == []
    call_command("migrate", "django_documents", verbosity=0)
    assert guarantee_problems() == []


@pytest.mark.django_db(transaction=True)
def test_stored_documents_get_both_times_from_their_created_at():
    call_command("migrate", "django_documents", "0003", verbosity=0)
    old_apps = (
        MigrationExecutor(connection).loader.project_state(("django_documents", "0003_target_id_object_id_field")).apps
    )
    old_document = old_apps.get_model("django_documents", "Document")
    stored = datetime.datetime(2025, 3, 1, 8, 15, 30, 123456, tzinfo=datetime.timezone.utc)
    document_id = uuid.uuid4()
    invoice = UuidInvoice.objects.create(number="INV-OLD")
    old_document.objects.create(
        id=document_id,
        target_type_id=ContentType.objects.get_for_model(UuidInvoice).pk,
        target_id=invoice.pk.hex,
        file=f"documents/2025/03/{document_id.hex}-old.pdf",
        original_filename="old.pdf",
        detected_content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        created_at=stored,
        lineage=document_id,
    )

    call_command("migrate", "django_documents", verbosity=0)

    document = Document.objects.get(pk=document_id)
    assert document.recorded_at == stored
    assert document.effective_at == stored
    assert guarantee_problems() == []
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET size = 11")
