"""The database keeps documents immutable and retained (``Document.Meta.guarantees``), whoever sends the SQL."""

import datetime

import pytest
from django.core import checks
from django.db import IntegrityError, connection
from django.utils import timezone

from django_basemodels.guarantees import guarantee_problems, guarantees_of, install_guarantees
from django_basemodels.testing import assert_write_paths_refused, trigger_names
from django_documents import attach_document, replace_document
from django_documents.models import Document
from tests.files import pdf_file

pytestmark = pytest.mark.django_db

TABLE = Document._meta.db_table
PAST = datetime.timedelta(seconds=1)
# A change to each kind of column: the content, its record, the target and the retention itself.
CHANGES = [
    ("sha256", "0" * 64),
    ("file", "documents/elsewhere.pdf"),
    ("size", 1),
    ("target_id", "other"),
    ("retain_until", datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)),
]


def expected_paths(*, delete: bool) -> set[str]:
    paths = {
        "sqlite": {"UPDATE", "INSERT ... ON CONFLICT DO UPDATE", "INSERT OR REPLACE", "REPLACE"},
        "postgresql": {"UPDATE", "INSERT ... ON CONFLICT DO UPDATE"},
        "mysql": {"UPDATE", "INSERT ... ON DUPLICATE KEY UPDATE"},
    }[connection.vendor]
    # MariaDB's REPLACE is a delete and an insert (the delete triggers fire): refused where DELETE is.
    replace = {"REPLACE"} if delete and connection.vendor == "mysql" else set()
    return paths | replace | ({"DELETE"} if delete else set())


def test_documents_declare_that_they_are_immutable_and_retained():
    assert [guarantee.name for guarantee in guarantees_of(Document)] == ["immutable", "retained"]


def test_the_migrations_install_every_declared_guarantee():
    assert guarantee_problems() == []


@pytest.mark.parametrize(("column", "value"), CHANGES)
def test_every_raw_write_path_of_a_retained_document_is_refused(invoice, column, value):
    document = attach_document(target=invoice, file=pdf_file(), retention_policy="invoice")

    refused = assert_write_paths_refused(
        document,
        changes={column: value},
        match="django_documents_document is immutable|cannot be deleted before its retain_until",
    )

    assert {write.path for write in refused} == expected_paths(delete=True)
    assert all(isinstance(write.error, IntegrityError) for write in refused)


@pytest.mark.parametrize("retain_until", [None, "past"], ids=["no retention", "retention over"])
@pytest.mark.parametrize(("column", "value"), CHANGES)
def test_every_raw_rewrite_of_a_deletable_document_is_refused(invoice, retain_until, column, value):
    if retain_until == "past":
        retain_until = timezone.now() - PAST
    document = attach_document(target=invoice, file=pdf_file(), retain_until=retain_until)

    refused = assert_write_paths_refused(
        document, changes={column: value}, delete=False, match="django_documents_document is immutable"
    )

    assert {write.path for write in refused} == expected_paths(delete=False)


def test_a_raw_delete_of_a_deletable_document_goes_through(invoice):
    kept = attach_document(target=invoice, file=pdf_file("kept.pdf"), retention_policy="invoice")
    unretained = attach_document(target=invoice, file=pdf_file("free.pdf"))
    expired = attach_document(target=invoice, file=pdf_file("old.pdf"), retain_until=timezone.now() - PAST)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE retain_until IS NULL OR id = %s", [expired.pk.hex])
    assert list(Document.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Document.objects.filter(pk__in=[unretained.pk, expired.pk]).exists()


def test_new_versions_are_still_inserted(invoice):
    first = attach_document(target=invoice, file=pdf_file("v1.pdf"), retention_policy="invoice")
    second = replace_document(first, file=pdf_file("v2.pdf"))
    assert (second.supersedes, second.version) == (first, 2)


def test_the_database_check_reports_a_missing_trigger(invoice, autocommit_db):
    [delete_trigger] = [name for name in trigger_names(TABLE) if name.endswith("_retained_delete")]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER "{delete_trigger}" ON "{TABLE}"')
        else:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(delete_trigger)}")
    try:
        messages = checks.run_checks(tags=[checks.Tags.database], databases=["default"])
    finally:
        install_guarantees()
    assert [(message.id, delete_trigger in message.msg) for message in messages] == [("django_basemodels.E011", True)]
    assert guarantee_problems() == []
