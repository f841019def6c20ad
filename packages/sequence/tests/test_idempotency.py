"""A call with an idempotency key takes one value; a repeat with the key returns it without advancing the counter."""

import datetime
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from django_sequence import (
    GapPolicy,
    InvalidIdempotencyKeyError,
    define_sequence,
    last_value,
    next_sequence,
    next_value,
)
from django_sequence.models import SequenceIssue
from tests.threads import Caller, wait_until_one_waits_for_a_lock

AT_2026 = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
AT_2027 = datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_repeat_with_the_key_returns_the_value_without_advancing_the_counter():
    assert next_value("invoice", idempotency_key="order-1") == 1
    assert next_value("invoice", idempotency_key="order-1") == 1
    assert last_value("invoice") == 1
    assert next_value("invoice") == 2


@pytest.mark.django_db
def test_another_key_takes_the_next_value():
    assert next_value("invoice", idempotency_key="order-1") == 1
    assert next_value("invoice", idempotency_key="order-2") == 2
    assert SequenceIssue.objects.count() == 2


@pytest.mark.django_db
def test_keys_are_per_scope_and_org():
    assert next_value("invoice", "org-a", idempotency_key="k") == 1
    assert next_value("invoice", "org-b", idempotency_key="k") == 1
    assert next_value("order", "org-a", idempotency_key="k") == 1
    assert next_value("invoice", "org-a", idempotency_key="k") == 1
    assert next_value("invoice", "org-a") == 2


@pytest.mark.django_db
def test_keys_compare_case_sensitively():
    assert next_value("invoice", idempotency_key="Order-1") == 1
    assert next_value("invoice", idempotency_key="order-1") == 2


@pytest.mark.django_db
def test_the_value_and_its_key_are_recorded():
    next_value("invoice", "org-a", idempotency_key="order-1")
    issue = SequenceIssue.objects.get()
    assert (issue.scope, issue.org_key, issue.idempotency_key, issue.value) == ("invoice", "org-a", "order-1", 1)
    assert issue.issued_at is not None
    assert str(issue) == "invoice / org-a / order-1: 1"


@pytest.mark.django_db
def test_a_repeat_of_next_sequence_formats_the_recorded_value_for_the_recorded_date():
    define_sequence(scope="invoice", prefix="INV-", template="{prefix}{year}-{value:04d}")
    assert next_sequence("invoice", at=AT_2026, idempotency_key="order-1") == "INV-2026-0001"
    assert next_sequence("invoice", at=AT_2027, idempotency_key="order-1") == "INV-2026-0001"
    assert next_sequence("invoice", at=AT_2027, idempotency_key="order-2") == "INV-2027-0001"
    assert SequenceIssue.objects.get(idempotency_key="order-1").period_date == datetime.date(2026, 3, 1)


@pytest.mark.django_db
def test_a_repeat_returns_the_number_as_first_handed_out_after_the_definition_changed():
    define_sequence(scope="invoice", prefix="INV-", template="{prefix}{value:04d}")
    assert next_sequence("invoice", idempotency_key="order-1") == "INV-0001"
    define_sequence(scope="invoice", prefix="FAC-", template="{prefix}{value:06d}")
    assert next_sequence("invoice", idempotency_key="order-1") == "INV-0001"
    assert next_sequence("invoice", idempotency_key="order-2") == "FAC-000002"
    assert SequenceIssue.objects.get(idempotency_key="order-1").number == "INV-0001"


@pytest.mark.django_db
def test_a_record_without_its_number_is_formatted_again_for_its_date():
    define_sequence(scope="invoice", prefix="INV-", template="{prefix}{year}-{value:04d}")
    next_value("invoice", at=AT_2026, idempotency_key="order-1")  # a record kept from before numbers were stored
    SequenceIssue.objects.update(number="")
    assert next_sequence("invoice", at=AT_2027, idempotency_key="order-1") == "INV-2026-0001"


@pytest.mark.django_db
def test_a_repeat_of_a_scope_without_dates_formats_without_one():
    assert next_sequence("ticket", idempotency_key="t") == "TICKET-0001"
    assert next_sequence("ticket", idempotency_key="t") == "TICKET-0001"
    assert SequenceIssue.objects.get().period_date is None


@pytest.mark.django_db
def test_a_repeat_is_one_read():
    next_value("invoice", idempotency_key="order-1")
    with CaptureQueriesContext(connection) as queries:
        assert next_value("invoice", idempotency_key="order-1") == 1
    [statement] = [query["sql"] for query in queries]
    assert statement.startswith("SELECT")


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "k" * 256, 42])
def test_a_malformed_key_is_refused_before_anything_is_taken(key):
    with pytest.raises(InvalidIdempotencyKeyError, match="idempotency_key"):
        next_value("invoice", idempotency_key=key)
    assert last_value("invoice") is None


@pytest.mark.django_db
def test_the_longest_key_is_accepted():
    assert next_value("invoice", idempotency_key="k" * 255) == 1
    assert next_value("invoice", idempotency_key="k" * 255) == 1


@pytest.mark.django_db
def test_the_unique_constraint_refuses_a_second_record_of_one_key():
    next_value("invoice", "org-a", idempotency_key="order-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SequenceIssue.objects.create(scope="invoice", org_key="org-a", idempotency_key="order-1", value=7)


@pytest.mark.django_db(transaction=True)
def test_a_gapless_rollback_gives_back_the_value_and_the_key():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_value("invoice", idempotency_key="order-1") == 1
        raise RuntimeError
    assert not SequenceIssue.objects.exists()
    assert next_value("invoice", idempotency_key="order-2") == 1
    assert next_value("invoice", idempotency_key="order-1") == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_record_commits_with_the_value():
    assert next_value("invoice", idempotency_key="order-1") == 1
    assert SequenceIssue.objects.get().value == 1


@pytest.mark.django_db
@pytest.mark.parametrize("vendor_path", ["update_or_insert", "upsert_then_select"])
def test_a_key_works_without_an_upsert_returning(monkeypatch, vendor_path):
    if vendor_path == "upsert_then_select" and connection.vendor != "mysql":
        pytest.skip("MariaDB/MySQL only")
    if vendor_path == "update_or_insert" and connection.vendor == "mysql":
        pytest.skip("the UPDATE-then-INSERT path is not taken on MariaDB/MySQL")
    monkeypatch.setattr("django_sequence.services.upsert_returning_supported", lambda connection: False)
    assert next_value("invoice", idempotency_key="order-1") == 1
    assert next_value("invoice", idempotency_key="order-1") == 1
    assert next_value("invoice", idempotency_key="order-2") == 2


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_allow_gaps_records_the_key_with_the_value_so_a_rollback_keeps_both():
    define_sequence(scope="order", gap_policy=GapPolicy.ALLOW_GAPS)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_value("order", idempotency_key="order-1") == 1
        raise RuntimeError
    assert next_value("order", idempotency_key="order-1") == 1
    assert last_value("order") == 1


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_calls_with_one_key_issue_one_number():
    # The first call holds its transaction open; the second, with the same key, queues on the
    # counter, then meets the first one's record under the unique constraint once it commits.
    first_took, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            value = next_value("invoice", idempotency_key="order-1")
            first_took.set()
            assert release.wait(timeout=30)
        return value

    def second():
        return next_value("invoice", idempotency_key="order-1")

    first_caller = Caller(first)
    first_caller.start()
    assert first_took.wait(timeout=30)
    second_caller = Caller(second)
    second_caller.start()
    wait_until_one_waits_for_a_lock()
    release.set()
    assert first_caller.outcome() == 1
    assert second_caller.outcome() == 1
    assert last_value("invoice") == 1
    assert SequenceIssue.objects.count() == 1
    assert next_value("invoice") == 2


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_eight_threads_with_one_key_each_issue_one_number_per_key():
    from tests.threads import run_all

    start = threading.Barrier(8)

    def take(index):
        start.wait()
        return [next_value("invoice", idempotency_key=f"order-{key}") for key in range(20)]

    results = run_all(take, 8)
    assert all(values == results[0] for values in results)
    assert sorted(results[0]) == list(range(1, 21))
    assert last_value("invoice") == 20
    assert SequenceIssue.objects.count() == 20
