import datetime as dt

import pytest
from django.utils import timezone

from django_decisioning.testing import assert_backdate_coherent
from tests.testapp.models import Payment

T0 = dt.datetime(2025, 1, 10, 12, 0, tzinfo=dt.timezone.utc)


def record_at(monkeypatch, moment, **fields):
    """Create a Payment as if the server clock read ``moment`` when it was recorded."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
    try:
        return Payment.objects.create(amount="1.00", **fields)
    finally:
        monkeypatch.undo()


@pytest.mark.django_db
def test_effective_at_defaults_to_recorded_moment(monkeypatch):
    payment = record_at(monkeypatch, T0)
    assert payment.effective_at == T0
    assert payment.recorded_at == T0


@pytest.mark.django_db
def test_recorded_at_given_by_caller_is_replaced_by_server_time(monkeypatch):
    payment = record_at(monkeypatch, T0, recorded_at=T0 - dt.timedelta(days=30))
    payment.refresh_from_db()
    assert payment.recorded_at == T0


@pytest.mark.django_db
def test_as_of_includes_facts_effective_until_then_and_excludes_later_ones():
    early = Payment.objects.create(amount="1.00", effective_at=T0)
    late = Payment.objects.create(amount="2.00", effective_at=T0 + dt.timedelta(days=1))
    assert set(Payment.objects.as_of(T0)) == {early}
    assert set(Payment.objects.as_of(T0 + dt.timedelta(days=1))) == {early, late}
    assert not Payment.objects.as_of(T0 - dt.timedelta(microseconds=1)).exists()


@pytest.mark.django_db
def test_as_of_known_at_leaves_out_a_backdated_fact_recorded_afterwards(monkeypatch):
    yesterday, today = T0 - dt.timedelta(days=1), T0
    known = record_at(monkeypatch, yesterday, effective_at=yesterday - dt.timedelta(days=1))
    backdated = record_at(monkeypatch, today, effective_at=yesterday - dt.timedelta(hours=1))
    belief_yesterday = Payment.objects.as_of(yesterday, known_at=yesterday)
    belief_today = Payment.objects.as_of(yesterday, known_at=today)
    assert set(belief_yesterday) == {known}
    assert set(belief_today) == {known, backdated}


@pytest.mark.django_db
def test_known_at_selects_facts_recorded_by_then_whatever_their_effective_time(monkeypatch):
    first = record_at(monkeypatch, T0, effective_at=T0 + dt.timedelta(days=5))
    record_at(monkeypatch, T0 + dt.timedelta(days=1))
    assert list(Payment.objects.known_at(T0)) == [first]


@pytest.mark.django_db
def test_as_of_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        Payment.objects.as_of(dt.datetime(2025, 1, 1))


@pytest.mark.django_db
def test_known_at_refuses_a_date():
    with pytest.raises(ValueError, match="known_at must be a timezone-aware datetime"):
        Payment.objects.as_of(T0, known_at=dt.date(2025, 1, 1))


@pytest.mark.django_db
def test_backdated_fact_passes_the_backdate_torture_test(monkeypatch):
    payment = record_at(monkeypatch, T0, effective_at=T0 - dt.timedelta(days=1))
    assert_backdate_coherent(payment)


@pytest.mark.django_db
def test_backdate_torture_test_rejects_a_fact_that_is_not_backdated(monkeypatch):
    payment = record_at(monkeypatch, T0)
    with pytest.raises(AssertionError, match="not backdated"):
        assert_backdate_coherent(payment)


@pytest.mark.django_db
def test_backdate_torture_test_catches_a_queryset_that_ignores_effective_at(monkeypatch):
    class Blind:
        def as_of(self, when, known_at=None):
            return Payment.objects.all()

    payment = record_at(monkeypatch, T0, effective_at=T0 - dt.timedelta(days=1))
    with pytest.raises(AssertionError, match="before its effective_at"):
        assert_backdate_coherent(payment, queryset=Blind())


@pytest.mark.django_db
def test_bulk_created_facts_get_server_record_time_and_matching_effective_time(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: T0)
    payments = Payment.objects.bulk_create(
        [Payment(amount="1.00"), Payment(amount="2.00", effective_at=T0 - dt.timedelta(days=2))]
    )
    monkeypatch.undo()
    stored = {
        p.amount: (p.effective_at, p.recorded_at) for p in Payment.objects.filter(pk__in=[p.pk for p in payments])
    }
    assert stored == {1: (T0, T0), 2: (T0 - dt.timedelta(days=2), T0)}


@pytest.mark.django_db
def test_saving_a_fact_again_keeps_its_recorded_at(monkeypatch):
    payment = record_at(monkeypatch, T0)
    payment.amount = "2.00"
    payment.save()
    payment.refresh_from_db()
    assert payment.recorded_at == T0
