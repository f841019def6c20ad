"""Every document has effective_at (business time, may be backdated) and recorded_at (set by the server);
``as_of`` reads the versions in force at a time, ``known_at`` what the system had recorded by then."""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from django_documents import InvalidDatetimeError, attach_document, documents_for, replace_document
from django_documents.models import Document
from tests.conftest import stored_files
from tests.files import PDF, pdf_file

pytestmark = pytest.mark.django_db

UTC = datetime.timezone.utc


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def hand_built(target, **fields):
    """A document built without attach_document (as a data import would)."""
    document_id = uuid.uuid4()
    values = {
        "id": document_id,
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": target.pk,
        "file": f"documents/{document_id.hex}.pdf",
        "original_filename": "imported.pdf",
        "detected_content_type": "application/pdf",
        "size": len(PDF),
        "sha256": "0" * 64,
        "lineage": document_id,
        **fields,
    }
    return Document(**values)


# Recording: recorded_at by the server, effective_at the business time.


def test_recorded_at_is_set_by_the_server_and_effective_at_defaults_to_it(invoice):
    before = timezone.now()
    document = attach_document(target=invoice, file=pdf_file())
    stored = Document.objects.get(pk=document.pk)
    assert before <= stored.recorded_at <= timezone.now()
    assert stored.effective_at == stored.recorded_at
    assert (document.effective_at, document.recorded_at) == (stored.effective_at, stored.recorded_at)


def test_a_backdated_document_keeps_its_effective_at_and_is_recorded_now(invoice):
    signed = days_ago(30)
    before = timezone.now()
    document = attach_document(target=invoice, file=pdf_file("contract.pdf"), effective_at=signed)
    stored = Document.objects.get(pk=document.pk)
    assert stored.effective_at == signed
    assert stored.recorded_at >= before


def test_a_new_version_takes_its_own_effective_at(invoice):
    first = attach_document(target=invoice, file=pdf_file(), effective_at=days_ago(10))
    second = replace_document(first, file=pdf_file("v2.pdf"), effective_at=days_ago(3))
    assert Document.objects.get(pk=second.pk).effective_at == second.effective_at
    third = replace_document(second, file=pdf_file("v3.pdf"))
    assert third.effective_at == third.recorded_at


def test_a_recorded_at_given_by_a_caller_is_overwritten(invoice):
    document = hand_built(invoice, recorded_at=days_ago(100), effective_at=days_ago(100))
    before = timezone.now()
    document.save()
    stored = Document.objects.get(pk=document.pk)
    assert stored.recorded_at >= before
    assert stored.effective_at < before  # the business time is the caller's


def test_bulk_create_also_gets_recorded_at_from_the_server(invoice):
    before = timezone.now()
    [document] = Document.objects.bulk_create([hand_built(invoice, recorded_at=days_ago(100))])
    stored = Document.objects.get(pk=document.pk)
    assert stored.recorded_at >= before
    assert stored.effective_at == stored.recorded_at


def test_the_database_refuses_an_effective_at_after_recorded_at(invoice):
    document = hand_built(invoice, effective_at=timezone.now() + datetime.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        document.save()


# Refused effective_at: a typed error saying what to pass, nothing written.


@pytest.fixture
def assert_nothing_written(storage):
    yield
    assert not Document.objects.exists()
    assert stored_files(storage) == []


def test_a_naive_effective_at_is_refused_with_the_aware_value_to_pass(invoice, assert_nothing_written):
    with pytest.raises(InvalidDatetimeError) as raised:
        attach_document(target=invoice, file=pdf_file(), effective_at=datetime.datetime(2026, 1, 5, 9, 30))
    message = str(raised.value)
    assert "effective_at must be a timezone-aware datetime" in message
    assert "pass datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.timezone.utc) for that time in UTC" in message
    assert "django.utils.timezone.make_aware(datetime.datetime(2026, 1, 5, 9, 30))" in message
    assert raised.value.name == "effective_at"
    assert raised.value.value == datetime.datetime(2026, 1, 5, 9, 30)
    assert isinstance(raised.value, ValueError)


def test_a_date_effective_at_is_refused_with_the_datetime_to_pass(invoice, assert_nothing_written):
    with pytest.raises(
        InvalidDatetimeError,
        match=r"pass django\.utils\.timezone\.make_aware\(datetime\.datetime\(2026, 1, 5, 0, 0\)\) for the start",
    ):
        attach_document(target=invoice, file=pdf_file(), effective_at=datetime.date(2026, 1, 5))


def test_an_effective_at_that_is_no_datetime_is_refused(invoice, assert_nothing_written):
    with pytest.raises(InvalidDatetimeError, match=r"timezone-aware datetime .*not '2026-01-05'"):
        attach_document(target=invoice, file=pdf_file(), effective_at="2026-01-05")


def test_a_future_effective_at_is_refused(invoice, assert_nothing_written):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(InvalidDatetimeError, match=r"cannot be in the future .*leave effective_at out"):
        attach_document(target=invoice, file=pdf_file(), effective_at=tomorrow)


def test_a_new_version_with_a_naive_effective_at_is_refused(invoice, storage):
    first = attach_document(target=invoice, file=pdf_file())
    with pytest.raises(InvalidDatetimeError):
        replace_document(first, file=pdf_file("v2.pdf"), effective_at=datetime.datetime(2026, 1, 5))
    assert list(Document.objects.all()) == [first]
    assert stored_files(storage) == [first.file.name]


def test_without_time_zones_a_naive_effective_at_is_stored(invoice, settings):
    settings.USE_TZ = False
    signed = datetime.datetime.now() - datetime.timedelta(days=2)  # USE_TZ = False: naive
    document = attach_document(target=invoice, file=pdf_file(), effective_at=signed)
    assert document.effective_at == signed
    with pytest.raises(InvalidDatetimeError, match=r"must be a datetime, not the date .*datetime\(2026, 1, 5, 0, 0\)"):
        attach_document(target=invoice, file=pdf_file(), effective_at=datetime.date(2026, 1, 5))
    with pytest.raises(InvalidDatetimeError, match=r"must be a datetime \(django"):
        attach_document(target=invoice, file=pdf_file(), effective_at="yesterday")


# as_of: the versions in force at a time.


@pytest.fixture
def contract_history(invoice):
    """v1 effective 10 days ago; v2 effective 5 days ago; v3 recorded now, backdated to 7 days ago."""
    v1 = attach_document(target=invoice, file=pdf_file("v1.pdf"), effective_at=days_ago(10))
    v2 = replace_document(v1, file=pdf_file("v2.pdf"), effective_at=days_ago(5))
    known_before_v3 = timezone.now()
    v3 = replace_document(v2, file=pdf_file("v3.pdf"), effective_at=days_ago(7))
    return v1, v2, v3, known_before_v3


def test_as_of_gives_the_newest_version_effective_by_then(invoice, contract_history):
    v1, _v2, v3, _ = contract_history
    assert list(Document.objects.as_of(days_ago(11))) == []
    assert list(Document.objects.as_of(days_ago(9))) == [v1]
    assert list(Document.objects.as_of(days_ago(6))) == [v3]  # backdated before v2: in force since day 7
    assert list(Document.objects.as_of(timezone.now())) == [v3]


def test_as_of_with_known_at_answers_as_the_system_knew_it(invoice, contract_history):
    v1, v2, v3, known_before_v3 = contract_history
    assert list(Document.objects.as_of(days_ago(6), known_at=known_before_v3)) == [v1]
    assert list(Document.objects.as_of(timezone.now(), known_at=known_before_v3)) == [v2]
    assert list(Document.objects.as_of(timezone.now(), known_at=timezone.now())) == [v3]


def test_known_at_gives_every_version_recorded_by_then(invoice, contract_history):
    v1, v2, v3, known_before_v3 = contract_history
    assert set(Document.objects.known_at(known_before_v3)) == {v1, v2}
    assert set(Document.objects.known_at(timezone.now())) == {v1, v2, v3}


def test_as_of_keeps_each_history_apart(invoice, contract_history):
    v1, _v2, v3, _ = contract_history
    other = attach_document(target=invoice, file=pdf_file("other.pdf"), effective_at=days_ago(8))
    assert set(Document.objects.as_of(days_ago(6))) == {v3, other}
    assert set(Document.objects.for_target(invoice).as_of(days_ago(9))) == {v1}


def test_documents_for_as_of(invoice, contract_history):
    v1, v2, v3, known_before_v3 = contract_history
    assert list(documents_for(invoice, as_of=days_ago(9))) == [v1]
    assert list(documents_for(invoice, as_of=days_ago(6), known_at=known_before_v3)) == [v1]
    assert list(documents_for(invoice, known_at=known_before_v3)) == [v2]  # what the system showed then
    assert set(documents_for(invoice, as_of=days_ago(6), include_superseded=True)) == {v1, v3}
    assert set(documents_for(invoice, as_of=timezone.now(), include_superseded=True, known_at=known_before_v3)) == {
        v1,
        v2,
    }


def test_a_deleted_newest_version_puts_the_one_it_replaced_back_in_force(invoice):
    v1 = attach_document(target=invoice, file=pdf_file("v1.pdf"), effective_at=days_ago(3))
    v2 = replace_document(v1, file=pdf_file("v2.pdf"), retain_until=days_ago(1))
    v2.delete()
    assert list(Document.objects.as_of(timezone.now())) == [v1]


@pytest.mark.parametrize(
    "read",
    [
        lambda when: Document.objects.as_of(when),
        lambda when: Document.objects.as_of(timezone.now(), known_at=when),
        lambda when: Document.objects.known_at(when),
    ],
    ids=["as_of", "as_of-known_at", "known_at"],
)
def test_a_naive_time_to_read_at_is_refused_with_the_aware_value_to_pass(read):
    with pytest.raises(InvalidDatetimeError) as raised:
        read(datetime.datetime(2024, 12, 31))
    assert "pass datetime.datetime(2024, 12, 31, 0, 0, tzinfo=datetime.timezone.utc)" in str(raised.value)
    assert "make_aware(datetime.datetime(2024, 12, 31, 0, 0))" in str(raised.value)


def test_documents_for_names_the_naive_argument(invoice):
    with pytest.raises(InvalidDatetimeError, match=r"^known_at must be"):
        documents_for(invoice, known_at=datetime.datetime(2024, 12, 31))
    with pytest.raises(InvalidDatetimeError, match=r"^as_of must be"):
        documents_for(invoice, as_of=datetime.datetime(2024, 12, 31), include_superseded=True)
    with pytest.raises(InvalidDatetimeError, match=r"^as_of must be"):
        documents_for(invoice, as_of=datetime.date(2024, 12, 31))


def test_an_aware_time_in_another_zone_reads_the_same_instant(invoice):
    document = attach_document(
        target=invoice, file=pdf_file(), effective_at=datetime.datetime(2026, 1, 5, 12, tzinfo=UTC)
    )
    plus_two = datetime.timezone(datetime.timedelta(hours=2))
    assert list(Document.objects.as_of(datetime.datetime(2026, 1, 5, 14, tzinfo=plus_two))) == [document]
    assert list(Document.objects.as_of(datetime.datetime(2026, 1, 5, 13, 59, tzinfo=plus_two))) == []


def test_recorded_at_is_stamped_once_per_insert_and_never_on_an_update():
    field = Document._meta.get_field("recorded_at")
    document = Document()
    first = field.pre_save(document, add=True)
    assert field.pre_save(document, add=True) is first  # Django 6.1 calls pre_save twice for one insert
    assert document.effective_at == first
    assert field.pre_save(document, add=False) is first  # not an insert: left as it is
