import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from django_decisioning import (
    IdempotencyConflict,
    IdempotencyInProgress,
    StoredResultUnavailable,
    UnsupportedValue,
    idempotent,
    request_fingerprint,
)
from django_decisioning.models import IdempotencyKey, IdempotencyKeyQuerySet
from django_decisioning.services import purge_expired_idempotency_keys, run_idempotent
from tests.testapp import services
from tests.testapp.models import Account, Payment, Receipt

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def calls():
    services.CALLS.clear()
    return services.CALLS


@pytest.fixture
def account():
    return Account.objects.create(name="main")


def test_first_call_runs_and_returns_the_function_result(account, calls):
    payment = services.pay(account=account, amount="10.00", request_id="r1")
    assert isinstance(payment, Payment)
    assert payment.amount == Decimal("10.00")
    assert calls == ["pay"]


def test_first_call_commits_the_key_as_succeeded_with_a_reference_to_the_result(account):
    payment = services.pay(account=account, amount="10.00", request_id="r1")
    key = IdempotencyKey.objects.get(scope="pay", key="r1")
    assert key.state == IdempotencyKey.State.SUCCEEDED
    assert key.result == payment
    assert key.completed_at is not None
    assert len(key.request_fingerprint) == 64


def test_repeat_returns_the_same_instance_without_running_again(account, calls):
    first = services.pay(account=account, amount="10.00", request_id="r1")
    second = services.pay(account=account, amount="10.00", request_id="r1")
    assert second == first
    assert second is not first
    assert calls == ["pay"]
    assert Payment.objects.count() == 1


def test_repeat_refetches_the_instance_from_the_database(account):
    first = services.pay(account=account, amount="10.00", request_id="r1")
    Payment.objects.filter(pk=first.pk).update(amount=Decimal("11.00"))
    assert services.pay(account=account, amount="10.00", request_id="r1").amount == Decimal("11.00")


def test_repeat_replays_an_integer_pk_instance(calls):
    first = services.issue_receipt("A-1", "r1")
    assert services.issue_receipt("A-1", "r1") == first
    assert calls == ["receipt"]


def test_repeat_replays_a_list_of_instances_in_order(account, calls):
    first = services.split(account, ["1.00", "2.00", "3.00"], "r1")
    again = services.split(account, ["1.00", "2.00", "3.00"], "r1")
    assert again == first
    assert isinstance(again, list)
    assert calls == ["split"]


def test_repeat_replays_a_tuple_of_instances_of_different_models(calls):
    first = services.pair("r1")
    again = services.pair("r1")
    assert isinstance(again, tuple)
    assert again == first
    assert calls == ["pair"]


def test_repeat_replays_a_json_result_as_a_snapshot(calls):
    first = services.quote("5", "r1")
    assert services.quote("5", "r1") == first == {"amount": "5", "lines": [1, 2.5, None, True]}
    assert calls == ["quote"]
    assert Receipt.objects.count() == 1


def test_repeat_replays_a_none_result(calls):
    @idempotent(scope="noop", key_from=lambda: "k")
    def noop():
        calls.append("noop")

    assert noop() is None
    assert noop() is None
    assert calls == ["noop"]


def test_repeat_replays_a_soft_deleted_instance():
    @idempotent(scope="open", key_from=lambda name: name)
    def open_account(name):
        return Account.objects.create(name=name)

    created = open_account("x")
    created.delete()
    assert open_account("x") == created


def test_repeat_replays_an_empty_list(account, calls):
    assert services.split(account, [], "r1") == []
    assert services.split(account, [], "r1") == []
    assert calls == ["split"]


def test_same_key_with_a_different_payload_raises_conflict_and_makes_no_effect(account, calls):
    services.pay(account=account, amount="10.00", request_id="r1")
    with pytest.raises(IdempotencyConflict) as caught:
        services.pay(account=account, amount="99.00", request_id="r1")
    assert (caught.value.scope, caught.value.key) == ("pay", "r1")
    assert calls == ["pay"]
    assert Payment.objects.count() == 1


def test_same_key_in_another_scope_is_another_key(account, calls):
    services.pay(account=account, amount="10.00", request_id="r1")
    services.issue_receipt("A-1", "r1")
    assert calls == ["pay", "receipt"]


def test_keys_and_scopes_differing_only_in_case_are_distinct(account, calls):
    first = services.pay(account=account, amount="10.00", request_id="Order-1")
    second = services.pay(account=account, amount="10.00", request_id="order-1")
    run_idempotent(scope="PAY", key="Order-1", func=lambda: Receipt.objects.create(number="upper scope"))

    assert first != second
    assert calls == ["pay", "pay"]
    assert Receipt.objects.get().number == "upper scope"
    assert sorted(IdempotencyKey.objects.values_list("scope", "key")) == [
        ("PAY", "Order-1"),
        ("pay", "Order-1"),
        ("pay", "order-1"),
    ]
    assert IdempotencyKey.objects.filter(scope="pay", key="ORDER-1").count() == 0


def test_default_fingerprint_counts_instances_by_reference_not_by_their_fields(account, calls):
    services.pay(account=account, amount="10.00", request_id="r1")
    account.name = "renamed"
    account.save()
    services.pay(account=account, amount="10.00", request_id="r1")
    assert calls == ["pay"]


def test_fingerprint_from_limits_the_payload_that_must_match(account, calls):
    services.split(account, ["1.00"], "r1")
    with pytest.raises(IdempotencyConflict):
        services.split(account, ["2.00"], "r1")
    assert calls == ["split"]


def test_failed_first_attempt_rolls_back_its_effects_and_a_retry_runs(account, calls):
    attempts = []

    @idempotent(scope="flaky", key_from=lambda: "k")
    def flaky():
        attempts.append(1)
        Payment.objects.create(account=account, amount=Decimal("1"))
        if len(attempts) == 1:
            raise RuntimeError("gateway down")
        return "done"

    with pytest.raises(RuntimeError, match="gateway down"):
        flaky()
    assert Payment.objects.count() == 0
    assert flaky() == "done"
    assert flaky() == "done"
    assert len(attempts) == 2
    assert Payment.objects.count() == 1


def test_failed_attempt_is_recorded_with_its_error():
    @idempotent(scope="broken", key_from=lambda: "k")
    def broken():
        raise ValueError("bad input")

    with pytest.raises(ValueError):
        broken()
    key = IdempotencyKey.objects.get(scope="broken", key="k")
    assert key.state == IdempotencyKey.State.FAILED
    assert key.error == "ValueError: bad input"


def test_second_failure_updates_the_failed_record():
    errors = iter(["first", "second"])

    @idempotent(scope="broken", key_from=lambda: "k")
    def broken():
        raise ValueError(next(errors))

    for _ in range(2):
        with pytest.raises(ValueError):
            broken()
    assert IdempotencyKey.objects.get(scope="broken", key="k").error == "ValueError: second"


def test_failed_key_may_run_again_with_another_payload(calls):
    @idempotent(scope="charge", key_from=lambda amount: "k")
    def charge(amount):
        calls.append(amount)
        if amount == "1":
            raise RuntimeError("declined")
        return amount

    with pytest.raises(RuntimeError):
        charge("1")
    assert charge("2") == "2"
    assert IdempotencyKey.objects.get(scope="charge").state == IdempotencyKey.State.SUCCEEDED


def test_failure_bookkeeping_that_cannot_be_written_does_not_hide_the_error(monkeypatch, caplog):
    def refuse(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(IdempotencyKeyQuerySet, "bulk_create", refuse)

    @idempotent(scope="broken", key_from=lambda: "k")
    def broken():
        raise ValueError("bad input")

    with caplog.at_level(logging.WARNING, logger="django_decisioning.services"), pytest.raises(ValueError):
        broken()
    assert "broken:k" in caplog.text


def test_key_from_returning_none_runs_the_call_without_idempotency(account, calls):
    services.pay(account=account, amount="1.00", request_id=None)
    services.pay(account=account, amount="1.00", request_id=None)
    assert calls == ["pay", "pay"]
    assert not IdempotencyKey.objects.exists()


def test_result_that_cannot_be_replayed_raises_and_rolls_the_effect_back(calls):
    @idempotent(scope="decimal", key_from=lambda: "k")
    def decimal_result():
        Receipt.objects.create(number="x")
        return Decimal("1.50")

    with pytest.raises(UnsupportedValue, match="Decimal"):
        decimal_result()
    assert not Receipt.objects.exists()
    assert IdempotencyKey.objects.get(scope="decimal").state == IdempotencyKey.State.FAILED


@pytest.mark.parametrize("result", [{1: "int key"}, ("a", "tuple"), {"x": float("nan")}, {"s"}])
def test_results_without_an_exact_json_form_are_refused(result):
    with pytest.raises(UnsupportedValue):
        run_idempotent(scope="s", key="k", func=lambda: result)


def test_unsaved_instance_result_is_refused():
    with pytest.raises(UnsupportedValue, match="unsaved"):
        run_idempotent(scope="s", key="k", func=lambda: Payment(amount=Decimal("1")))


def test_key_held_by_a_committed_processing_row_raises_in_progress(calls):
    IdempotencyKey.objects.create(
        scope="quote",
        key="r1",
        state=IdempotencyKey.State.PROCESSING,
        request_fingerprint=request_fingerprint({"args": ["5", "r1"], "kwargs": {}}),
    )
    with pytest.raises(IdempotencyInProgress) as caught:
        services.quote("5", "r1")
    assert (caught.value.scope, caught.value.key) == ("quote", "r1")
    assert calls == []


def test_pending_key_counts_as_in_progress():
    IdempotencyKey.objects.create(
        scope="s", key="k", request_fingerprint=request_fingerprint({"args": [], "kwargs": {}})
    )
    with pytest.raises(IdempotencyInProgress):
        run_idempotent(scope="s", key="k", func=lambda: 1)


def test_reentrant_call_with_the_same_key_raises_in_progress():
    seen = []

    @idempotent(scope="outer", key_from=lambda: "k")
    def outer():
        try:
            outer()
        except IdempotencyInProgress as exc:
            seen.append(exc)
        return "ok"

    assert outer() == "ok"
    assert len(seen) == 1


def test_nested_idempotent_calls_each_run_once(account, calls):
    @idempotent(scope="checkout", key_from=lambda request_id: request_id)
    def checkout(request_id):
        calls.append("checkout")
        payment = services.pay(account=account, amount="5.00", request_id=f"{request_id}-pay")
        return [payment]

    first = checkout("c1")
    assert checkout("c1") == first
    assert calls == ["checkout", "pay"]


def test_nested_key_rolls_back_with_a_failing_outer_call(account, calls):
    outcomes = iter([RuntimeError("boom"), None])

    @idempotent(scope="checkout", key_from=lambda request_id: request_id)
    def checkout(request_id):
        payment = services.pay(account=account, amount="5.00", request_id=f"{request_id}-pay")
        error = next(outcomes)
        if error:
            raise error
        return payment

    with pytest.raises(RuntimeError):
        checkout("c1")
    assert not IdempotencyKey.objects.filter(scope="pay").exists()
    checkout("c1")
    assert calls == ["pay", "pay"]
    assert Payment.objects.count() == 1


def test_call_inside_a_callers_transaction_commits_with_it(account):
    with transaction.atomic():
        services.pay(account=account, amount="1.00", request_id="r1")
        assert IdempotencyKey.objects.get(scope="pay").state == IdempotencyKey.State.SUCCEEDED
    assert services.pay(account=account, amount="1.00", request_id="r1").amount == Decimal("1.00")


def test_expired_key_is_treated_as_absent(account, calls):
    services.pay(account=account, amount="1.00", request_id="r1")
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    services.pay(account=account, amount="2.00", request_id="r1")
    assert calls == ["pay", "pay"]
    assert IdempotencyKey.objects.get().expires_at > timezone.now()


def test_default_ttl_comes_from_the_setting(settings):
    settings.DECISIONING_IDEMPOTENCY_TTL = dt.timedelta(hours=2)
    run_idempotent(scope="s", key="k", func=lambda: 1)
    key = IdempotencyKey.objects.get()
    assert key.expires_at - key.created_at == pytest.approx(dt.timedelta(hours=2), abs=dt.timedelta(seconds=60))


def test_ttl_none_keeps_the_key_forever():
    run_idempotent(scope="s", key="k", func=lambda: 1, ttl=None)
    assert IdempotencyKey.objects.get().expires_at is None


def test_decorator_ttl_overrides_the_setting():
    @idempotent(scope="s", key_from=lambda: "k", ttl=None)
    def forever():
        return 1

    forever()
    assert IdempotencyKey.objects.get().expires_at is None


def test_purge_deletes_only_expired_keys():
    now = timezone.now()
    run_idempotent(scope="s", key="old", func=lambda: 1)
    run_idempotent(scope="s", key="new", func=lambda: 1)
    run_idempotent(scope="s", key="forever", func=lambda: 1, ttl=None)
    IdempotencyKey.objects.filter(key="old").update(expires_at=now - dt.timedelta(seconds=1))
    assert purge_expired_idempotency_keys(now=now) == 1
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"new", "forever"}


def test_purge_command_reports_how_many_keys_it_deleted(capsys):
    run_idempotent(scope="s", key="old", func=lambda: 1)
    IdempotencyKey.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    call_command("purge_idempotency_keys")
    assert "Deleted 1 expired idempotency key(s)." in capsys.readouterr().out
    assert not IdempotencyKey.objects.exists()


def test_repeat_whose_stored_instance_is_gone_raises_result_unavailable(account):
    payment = services.pay(account=account, amount="1.00", request_id="r1")
    Payment.objects.filter(pk=payment.pk).delete()
    with pytest.raises(StoredResultUnavailable):
        services.pay(account=account, amount="1.00", request_id="r1")


def test_repeat_whose_stored_model_is_gone_raises_result_unavailable(account):
    services.split(account, ["1.00"], "r1")
    key = IdempotencyKey.objects.get()
    key.result_snapshot = [{"model": "testapp.vanished", "pk": "1"}]
    key.save()
    with pytest.raises(StoredResultUnavailable):
        services.split(account, ["1.00"], "r1")


def test_run_idempotent_fingerprints_the_arguments_by_default(calls):
    def add(a, *, b):
        calls.append("add")
        return a + b

    assert run_idempotent(scope="add", key="k", func=add, args=(1,), kwargs={"b": 2}) == 3
    assert run_idempotent(scope="add", key="k", func=add, args=(1,), kwargs={"b": 2}) == 3
    with pytest.raises(IdempotencyConflict):
        run_idempotent(scope="add", key="k", func=add, args=(1,), kwargs={"b": 3})
    assert calls == ["add"]


def test_explicit_fingerprint_is_compared_as_given(calls):
    run_idempotent(scope="s", key="k", func=lambda: calls.append("x"), fingerprint="a" * 64)
    with pytest.raises(IdempotencyConflict):
        run_idempotent(scope="s", key="k", func=lambda: calls.append("y"), fingerprint="b" * 64)
    assert calls == ["x"]


@pytest.mark.parametrize(("scope", "key"), [("", "k"), ("s", ""), ("s", 7), ("s" * 101, "k"), ("s", "k" * 256)])
def test_invalid_scope_or_key_is_refused_before_anything_runs(scope, key, calls):
    with pytest.raises(ValueError):
        run_idempotent(scope=scope, key=key, func=lambda: calls.append("ran"))
    assert calls == []


def test_decorator_refuses_an_empty_scope():
    with pytest.raises(ValueError):
        idempotent(scope="", key_from=lambda: "k")


def test_decorator_refuses_a_coroutine_function():
    async def later():
        return 1

    with pytest.raises(TypeError, match="coroutine"):
        idempotent(scope="s", key_from=lambda: "k")(later)


def test_decorated_function_keeps_its_name_and_scope():
    assert services.pay.__name__ == "pay"
    assert services.pay.idempotency_scope == "pay"


def test_lock_timeout_setting_is_harmless_without_contention(settings, calls):
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = dt.timedelta(milliseconds=200)
    assert services.quote("1", "r1") == services.quote("1", "r1")
    assert calls == ["quote"]
