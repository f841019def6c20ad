import datetime

import pytest
from django.utils import timezone

from django_audit_log import by_actor, for_object, log, log_event
from django_audit_log.models import AuditLog
from tests.testapp.models import Account, Customer, Plain, Voucher

pytestmark = pytest.mark.django_db


@pytest.fixture
def timeline(monkeypatch, user, other_user):
    """Entries at known times: day 1 login (alice), day 2 approve plain (alice), day 3 export (bob).

    Entries cannot be updated, so the times are chosen when they are written.
    """
    plain = Plain.objects.create(name="p")
    start = datetime.datetime(2026, 3, 1, tzinfo=datetime.timezone.utc)
    made = []
    for day, (action, actor, obj) in enumerate(
        [("login", user, None), ("approve", user, plain), ("export", other_user, None)], start=1
    ):
        monkeypatch.setattr(timezone, "now", lambda day=day: start + datetime.timedelta(days=day))
        made.append(log(action, obj, actor) if obj is not None else log_event(action, actor))
    monkeypatch.undo()
    return {"plain": plain, "start": start, "entries": made}


def test_for_object_finds_the_entries_of_a_uuid_keyed_object():
    customer = Customer.objects.create(name="Ada")
    Customer.objects.create(name="Bob")
    customer.name = "Ada L."
    customer.save()
    assert [entry.action for entry in for_object(customer)] == ["update", "create"]


def test_keys_that_differ_only_in_case_are_two_objects():
    lower, upper = Voucher.objects.create(code="abc"), Voucher.objects.create(code="ABC")
    log("redeem", lower)
    log("void", upper)
    assert [entry.action for entry in for_object(lower)] == ["redeem"]
    assert [entry.action for entry in for_object(upper)] == ["void"]
    assert not AuditLog.objects.for_model("testapp.voucher").exists()


def test_for_object_finds_the_entries_of_an_integer_keyed_object():
    customer = Customer.objects.create(name="Ada")
    first = Account.objects.create(customer=customer, number="A-1")
    Account.objects.create(customer=customer, number="A-2")
    assert [(e.action, e.object_id) for e in for_object(first)] == [("create", str(first.pk))]


def test_for_object_refuses_an_unsaved_object():
    with pytest.raises(ValueError):
        AuditLog.objects.for_object(Plain(name="p"))


def test_by_actor_finds_the_actors_entries_newest_first(timeline, user):
    assert [entry.action for entry in by_actor(user)] == ["approve", "login"]


def test_between_is_half_open(timeline):
    start = timeline["start"]
    selected = AuditLog.objects.between(start + datetime.timedelta(days=2), start + datetime.timedelta(days=3))
    assert [entry.action for entry in selected] == ["approve"]


def test_between_accepts_open_bounds(timeline):
    start = timeline["start"]
    assert [e.action for e in AuditLog.objects.between(start=start + datetime.timedelta(days=2))] == [
        "export",
        "approve",
    ]
    assert [e.action for e in AuditLog.objects.between(end=start + datetime.timedelta(days=2))] == ["login"]


def test_with_action_filters_by_action(timeline):
    assert [e.action for e in AuditLog.objects.with_action("login", "export")] == ["export", "login"]


def test_with_sensitivity_filters_by_level():
    log_event("export", sensitivity="critical")
    log_event("login")
    assert [e.action for e in AuditLog.objects.with_sensitivity("critical", "high")] == ["export"]


def test_default_order_is_newest_first_and_chronological_reverses_it(timeline):
    assert [e.action for e in AuditLog.objects.all()] == ["export", "approve", "login"]
    assert [e.action for e in AuditLog.objects.chronological()] == ["login", "approve", "export"]


def test_filters_chain(timeline, user):
    assert [e.action for e in for_object(timeline["plain"]).by_actor(user).with_action("approve")] == ["approve"]


def test_for_model_accepts_a_class_or_a_label(timeline):
    assert AuditLog.objects.for_model(Plain).count() == AuditLog.objects.for_model("testapp.Plain").count() == 1


def test_entry_str_says_what_happened(timeline):
    assert str(timeline["entries"][1]) == f"approve testapp.Plain {timeline['plain'].pk} by alice"
    assert str(log_event("cron")) == "cron event by system"
