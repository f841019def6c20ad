"""Every entry has ``recorded_at`` (the server's) and ``effective_at`` (backdatable); ``as_of()`` reads by
``effective_at``, ``known_at()`` by ``recorded_at``; naive datetimes are refused saying what to pass."""

import datetime
import warnings

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.utils import timezone

from django_audit_log import (
    InvalidAuditEntryError,
    InvalidAuditQueryError,
    audit_context,
    backdate,
    current_context,
    log,
    log_event,
)
from django_audit_log.context import context_from_request, reset_context, set_context
from django_audit_log.fields import stamp_recorded_at
from django_audit_log.models import AuditLog
from tests.testapp.models import Customer

pytestmark = pytest.mark.django_db

NAIVE = datetime.datetime(2026, 1, 1, 9, 30)


@pytest.fixture
def yesterday():
    return timezone.now() - datetime.timedelta(days=1)


@pytest.fixture
def customer():
    return Customer.objects.create(name="Ada")


# --- recorded_at: the server's -------------------------------------------------------------------


def test_an_entry_is_effective_when_it_is_recorded_by_default(user):
    before = timezone.now()
    entry = log_event("login", user)
    stored = AuditLog.objects.get(pk=entry.pk)
    assert before <= stored.recorded_at <= timezone.now()
    assert stored.effective_at == stored.recorded_at == entry.recorded_at


def test_a_recorded_at_given_by_a_caller_is_replaced_on_insert(yesterday):
    before = timezone.now()
    saved = AuditLog.objects.create(action="direct", recorded_at=yesterday)
    [bulk] = AuditLog.objects.bulk_create([AuditLog(action="bulk", recorded_at=yesterday)])
    for entry in (saved, bulk):
        stored = AuditLog.objects.get(pk=entry.pk)
        assert stored.recorded_at >= before
        assert stored.effective_at == stored.recorded_at


def test_a_caller_saving_an_entry_itself_may_backdate_it_but_not_its_recording(yesterday):
    entry = AuditLog.objects.create(action="direct", effective_at=yesterday, recorded_at=yesterday)
    stored = AuditLog.objects.get(pk=entry.pk)
    assert stored.effective_at == yesterday
    assert stored.recorded_at > yesterday + datetime.timedelta(hours=23)


def test_a_stamped_entry_keeps_its_stamp_and_an_emptied_effective_at_becomes_it():
    entry = AuditLog(action="direct")
    stamped = stamp_recorded_at(entry)
    entry.effective_at = None
    entry.save()
    stored = AuditLog.objects.get(pk=entry.pk)
    assert stored.recorded_at == stored.effective_at == stamped


def test_the_database_refuses_an_entry_effective_after_it_was_recorded():
    entry = AuditLog(action="raw")
    now = stamp_recorded_at(entry)
    entry.effective_at = now + datetime.timedelta(seconds=1)
    fields = AuditLog._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {AuditLog._meta.db_table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})", values
        )
    assert not AuditLog.objects.exists()


def test_created_at_is_a_deprecated_alias_of_recorded_at(user):
    entry = log_event("login", user)
    with pytest.warns(DeprecationWarning, match="read recorded_at"):
        assert entry.created_at == entry.recorded_at


# --- effective_at: backdating ------------------------------------------------------------------


def test_log_event_backdates_an_entry(user, yesterday):
    before = timezone.now()
    entry = log_event("consent_signed", user, effective_at=yesterday)
    stored = AuditLog.objects.get(pk=entry.pk)
    assert stored.effective_at == yesterday
    assert stored.recorded_at >= before


def test_log_backdates_an_entry(customer, user, yesterday):
    entry = log("approve", customer, user, effective_at=yesterday)
    assert AuditLog.objects.get(pk=entry.pk).effective_at == yesterday


def test_an_effective_at_in_another_time_zone_is_the_same_instant(user, yesterday):
    tokyo = yesterday.astimezone(datetime.timezone(datetime.timedelta(hours=9)))
    entry = log_event("login", user, effective_at=tokyo)
    assert AuditLog.objects.get(pk=entry.pk).effective_at == yesterday


def test_a_naive_effective_at_is_refused_saying_what_to_pass(user):
    with pytest.raises(InvalidAuditEntryError) as refused:
        log_event("login", user, effective_at=NAIVE)
    message = str(refused.value)
    assert message.startswith(
        "effective_at must be a timezone-aware datetime (django.utils.timezone.now() or a datetime with "
        "tzinfo), not the naive datetime.datetime(2026,"
    )
    assert "django.utils.timezone.make_aware(datetime.datetime(2026, 1, 1, 9, 30))" in message
    assert "datetime.datetime(2026, 1, 1, 9, 30, tzinfo=datetime.timezone.utc) for that time in UTC" in message
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("value", ["2026-01-01T00:00:00Z", datetime.date(2026, 1, 1), 1767225600])
def test_an_effective_at_that_is_not_a_datetime_is_refused(user, value):
    with pytest.raises(InvalidAuditEntryError, match="effective_at must be a timezone-aware datetime"):
        log_event("login", user, effective_at=value)
    assert not AuditLog.objects.exists()


def test_an_effective_at_in_the_future_is_refused(customer, user):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    with pytest.raises(InvalidAuditEntryError, match=r"cannot be in the future .*leave effective_at out"):
        log("approve", customer, user, effective_at=tomorrow)
    assert not AuditLog.objects.filter(action="approve").exists()


def test_audit_context_backdates_tracked_writes_and_log_calls(user, yesterday):
    with audit_context(actor=user, request_id="job-7", effective_at=yesterday):
        customer = Customer.objects.create(name="Ada")
        Customer.objects.filter(pk=customer.pk).update(visits=3)
        event = log_event("imported")
    entries = list(AuditLog.objects.chronological())
    assert [entry.action for entry in entries] == ["create", "update", "imported"]
    assert {entry.effective_at for entry in entries} == {yesterday}
    assert {entry.request_id for entry in entries} == {"job-7"}
    assert all(entry.recorded_at > yesterday + datetime.timedelta(hours=23) for entry in entries)
    assert event.effective_at == yesterday


def test_an_explicit_effective_at_wins_over_the_contexts(user, yesterday):
    earlier = yesterday - datetime.timedelta(days=1)
    with audit_context(actor=user, effective_at=yesterday):
        entry = log_event("login", effective_at=earlier)
    assert entry.effective_at == earlier


def test_backdate_keeps_the_request_context(user, yesterday):
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4", HTTP_X_REQUEST_ID="req-1")
    request.user = user
    token = set_context(context_from_request(request))
    try:
        with backdate(yesterday) as context:
            assert current_context() is context
            Customer.objects.bulk_create([Customer(name="Bob"), Customer(name="Cy")])
        after = log_event("viewed")
    finally:
        reset_context(token)
    created = list(AuditLog.objects.with_action("create"))
    assert len(created) == 2
    for entry in created:
        assert (entry.effective_at, entry.ip_address, entry.request_id, entry.actor) == (
            yesterday,
            "198.51.100.4",
            "req-1",
            user,
        )
    assert after.effective_at == after.recorded_at  # the block is over


def test_backdate_also_applies_to_a_log_call_given_its_request(customer, user, yesterday):
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    request.user = user
    with backdate(yesterday):
        entry = log("approve", customer, request=request)
    assert (entry.effective_at, entry.ip_address, entry.actor) == (yesterday, "198.51.100.4", user)


def test_backdate_outside_any_context(yesterday):
    assert current_context() is None
    with backdate(yesterday):
        entry = log_event("nightly")
    assert current_context() is None
    assert (entry.effective_at, entry.request_id, entry.actor) == (yesterday, "", None)


@pytest.mark.parametrize("value", [None, NAIVE, "yesterday"])
def test_backdate_refuses_what_is_not_an_aware_past_datetime_before_the_block_runs(value):
    ran = False
    with pytest.raises(InvalidAuditEntryError), backdate(value):
        ran = True
    assert not ran


def test_audit_context_refuses_a_naive_effective_at_before_the_block_runs():
    with pytest.raises(InvalidAuditEntryError, match="make_aware"), audit_context(effective_at=NAIVE):
        pytest.fail("the block ran")  # pragma: no cover


# --- reading: as_of and known_at ---------------------------------------------------------------


@pytest.fixture
def history(user, yesterday):
    """An entry recorded (and effective) before ``mark``, then one recorded after it, backdated to yesterday."""
    first = log_event("first", user)
    mark = timezone.now()
    backdated = log_event("backdated", user, effective_at=yesterday)
    return first, mark, backdated


def test_as_of_lists_the_entries_effective_by_then(history, yesterday):
    first, mark, backdated = history
    assert set(AuditLog.objects.as_of(mark)) == {first, backdated}
    assert list(AuditLog.objects.as_of(yesterday)) == [backdated]
    assert not AuditLog.objects.as_of(yesterday - datetime.timedelta(seconds=1)).exists()


def test_known_at_lists_the_entries_recorded_by_then(history, yesterday):
    first, mark, backdated = history
    assert list(AuditLog.objects.known_at(mark)) == [first]
    assert set(AuditLog.objects.known_at(timezone.now())) == {first, backdated}


def test_as_of_with_known_at_is_the_log_as_it_stood(history, yesterday):
    first, mark, backdated = history
    assert list(AuditLog.objects.as_of(mark, known_at=mark)) == [first]
    assert not AuditLog.objects.as_of(yesterday, known_at=mark).exists()
    assert list(AuditLog.objects.as_of(yesterday, known_at=timezone.now())) == [backdated]


def test_as_of_chains_with_the_other_filters(history, user):
    first, mark, _ = history
    assert list(AuditLog.objects.by_actor(user).with_action("first").as_of(mark)) == [first]


def test_as_of_refuses_a_naive_datetime_saying_what_to_pass():
    with pytest.raises(InvalidAuditQueryError) as refused:
        AuditLog.objects.as_of(NAIVE)
    message = str(refused.value)
    assert message.startswith(
        "as_of must be a timezone-aware datetime (django.utils.timezone.now() or a datetime with tzinfo), "
        "not the naive datetime.datetime(2026, 1, 1, 9, 30):"
    )
    assert "pass django.utils.timezone.make_aware(datetime.datetime(2026, 1, 1, 9, 30)) for that time" in message
    assert f"current time zone ({timezone.get_current_timezone_name()})" in message
    assert "or pass datetime.datetime(2026, 1, 1, 9, 30, tzinfo=datetime.timezone.utc) for that time in UTC" in message
    assert isinstance(refused.value, ValueError)  # as django-decisioning's as_of() raises


def test_the_aware_values_the_message_suggests_are_accepted():
    AuditLog.objects.as_of(timezone.make_aware(NAIVE)).count()
    AuditLog.objects.as_of(NAIVE.replace(tzinfo=datetime.timezone.utc)).count()


def test_as_of_refuses_a_date_saying_which_datetime_ends_it():
    with pytest.raises(InvalidAuditQueryError) as refused:
        AuditLog.objects.as_of(datetime.date(2026, 1, 1))
    message = str(refused.value)
    end = "datetime.datetime(2026, 1, 1, 23, 59, 59, 999999"
    assert message.startswith(
        "as_of must be a timezone-aware datetime (django.utils.timezone.now() or a datetime with tzinfo), "
        "not the date datetime.date(2026, 1, 1): pass"
    )
    assert f"django.utils.timezone.make_aware({end})) for the end of that day" in message
    assert "django.utils.timezone.make_aware(datetime.datetime(2026, 1, 1, 0, 0)) for the start of that day" in message


@pytest.mark.parametrize("value", [None, "2026-01-01", 1767225600])
def test_as_of_refuses_what_is_not_a_datetime(value):
    with pytest.raises(InvalidAuditQueryError, match="as_of must be a timezone-aware datetime"):
        AuditLog.objects.as_of(value)


def test_known_at_refuses_a_naive_datetime_in_either_place():
    with pytest.raises(InvalidAuditQueryError, match=r"known_at must be a timezone-aware datetime.*make_aware"):
        AuditLog.objects.known_at(NAIVE)
    with pytest.raises(InvalidAuditQueryError, match=r"known_at must be a timezone-aware datetime.*make_aware"):
        AuditLog.objects.as_of(timezone.now(), known_at=NAIVE)


def test_for_object_of_an_unsaved_instance_is_a_query_error():
    with pytest.raises(InvalidAuditQueryError, match="no primary key"):
        AuditLog.objects.for_object(Customer(name="Ada", id=None))


def test_a_query_error_is_an_audit_log_error():
    from django_audit_log import AuditLogError

    assert issubclass(InvalidAuditQueryError, AuditLogError)


def test_no_warning_is_raised_by_the_services(user):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_event("login", user)
