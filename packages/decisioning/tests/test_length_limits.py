"""Length limits on what enters a record: decision evidence, action and outcome, stored results, error text."""

import json
from decimal import Decimal

import pytest
from django.core import checks
from django.test import override_settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_decisioning import InvalidDecision, UnsupportedValue, idempotent
from django_decisioning.checks import check_settings
from django_decisioning.conf import DEFAULT_MAX_JSON_BYTES
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.services import record_decision, run_idempotent
from tests.testapp.models import Account, Payment, Receipt

pytestmark = pytest.mark.django_db


def json_bytes(value):
    return len(json.dumps(value).encode())


def evidence_of(size):
    """Evidence whose stored JSON is exactly ``size`` bytes."""
    return {"note": "x" * (size - json_bytes({"note": ""}))}


def result_of(size):
    """A plain JSON result of exactly ``size`` bytes."""
    return {"rows": "r" * (size - json_bytes({"rows": ""}))}


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user(username="clerk")


# --- evidence ---------------------------------------------------------------------------------


def test_evidence_at_the_default_limit_is_recorded(clerk):
    evidence = evidence_of(DEFAULT_MAX_JSON_BYTES)
    decision = record_decision(action="approve", by=clerk, outcome="approved", evidence=evidence)
    assert Decision.objects.get(pk=decision.pk).evidence == evidence


def test_evidence_one_byte_over_the_limit_is_refused_and_nothing_is_written(clerk):
    with pytest.raises(InvalidDecision, match=r"evidence is 1,048,577 bytes of JSON; at most 1,048,576 are accepted"):
        record_decision(
            action="approve", by=clerk, outcome="approved", evidence=evidence_of(DEFAULT_MAX_JSON_BYTES + 1)
        )
    assert not Decision.objects.exists()


def test_evidence_is_measured_as_stored_after_canonical_conversion(clerk):
    # Decimal("1.50") is stored as the string "1.50": 6 bytes, not 4.
    evidence = {"amount": Decimal("1.50")}
    stored_size = json_bytes({"amount": "1.50"})
    with override_settings(DECISIONING_MAX_JSON_BYTES=stored_size - 1), pytest.raises(InvalidDecision):
        record_decision(action="approve", by=clerk, outcome="approved", evidence=evidence)
    with override_settings(DECISIONING_MAX_JSON_BYTES=stored_size):
        record_decision(action="approve", by=clerk, outcome="approved", evidence=evidence)
    assert Decision.objects.count() == 1


def test_non_ascii_evidence_counts_the_bytes_of_its_escapes(clerk):
    evidence = {"note": "é"}  # stored as "\u00e9": 6 bytes
    with override_settings(DECISIONING_MAX_JSON_BYTES=json_bytes(evidence) - 1), pytest.raises(InvalidDecision):
        record_decision(action="approve", by=clerk, outcome="approved", evidence=evidence)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("limit", [100, 200_000])
def test_the_evidence_limit_follows_decisioning_max_json_bytes(clerk, limit):
    with override_settings(DECISIONING_MAX_JSON_BYTES=limit):
        record_decision(action="approve", by=clerk, outcome="approved", evidence=evidence_of(limit))
        with pytest.raises(InvalidDecision, match="evidence"):
            record_decision(action="approve", by=clerk, outcome="approved", evidence=evidence_of(limit + 1))
    assert Decision.objects.count() == 1


# --- action and outcome: their columns' length ---------------------------------------------------


@pytest.mark.parametrize("name", ["action", "outcome"])
def test_action_and_outcome_at_their_column_length_are_recorded(clerk, name):
    arguments = {"action": "approve", "outcome": "approved", name: "a" * 100}
    decision = record_decision(by=clerk, **arguments)
    assert getattr(Decision.objects.get(pk=decision.pk), name) == "a" * 100


@pytest.mark.parametrize("name", ["action", "outcome"])
def test_action_and_outcome_longer_than_their_column_are_refused(clerk, name):
    arguments = {"action": "approve", "outcome": "approved", name: "a" * 101}
    with pytest.raises(InvalidDecision, match=f"{name} is longer than 100 characters"):
        record_decision(by=clerk, **arguments)
    assert not Decision.objects.exists()


# --- results stored for repeats -----------------------------------------------------------------


def test_a_json_result_at_the_default_limit_is_stored_and_replayed():
    result = result_of(DEFAULT_MAX_JSON_BYTES)
    assert run_idempotent(scope="report", key="k", func=lambda: result) == result
    assert run_idempotent(scope="report", key="k", func=lambda: pytest.fail("ran twice")) == result
    assert IdempotencyKey.objects.get(scope="report").result_snapshot == result


def test_a_json_result_over_the_limit_is_refused_and_the_call_rolled_back():
    @idempotent(scope="report", key_from=lambda: "k")
    def report():
        Receipt.objects.create(number="r1")
        return result_of(DEFAULT_MAX_JSON_BYTES + 1)

    with pytest.raises(UnsupportedValue, match=r"report:k is 1,048,577 bytes of JSON; at most 1,048,576"):
        report()
    assert not Receipt.objects.exists()
    key = IdempotencyKey.objects.get(scope="report")
    assert (key.state, key.result_snapshot) == (IdempotencyKey.State.FAILED, None)


@pytest.mark.parametrize("limit", [50, 100_000])
def test_the_result_limit_follows_decisioning_max_json_bytes(limit):
    with override_settings(DECISIONING_MAX_JSON_BYTES=limit):
        assert run_idempotent(scope="report", key="fits", func=lambda: result_of(limit)) == result_of(limit)
        with pytest.raises(UnsupportedValue):
            run_idempotent(scope="report", key="over", func=lambda: result_of(limit + 1))
    assert IdempotencyKey.objects.get(key="fits").state == IdempotencyKey.State.SUCCEEDED
    assert IdempotencyKey.objects.get(key="over").state == IdempotencyKey.State.FAILED


@override_settings(DECISIONING_MAX_JSON_BYTES=50)
def test_a_list_of_instances_is_stored_as_references_whatever_the_json_limit():
    account = Account.objects.create(name="main")

    def split():
        return [Payment.objects.create(account=account, amount=Decimal(n)) for n in range(1, 6)]

    first = run_idempotent(scope="split", key="k", func=split)
    assert run_idempotent(scope="split", key="k", func=split) == first
    assert Payment.objects.count() == 5


# --- error text of a failed call ----------------------------------------------------------------


def fail_with(message):
    @idempotent(scope="broken", key_from=lambda: "k")
    def broken():
        raise ValueError(message)

    with pytest.raises(ValueError):
        broken()
    return IdempotencyKey.objects.get(scope="broken", key="k").error


def test_the_error_text_of_a_failed_call_is_kept_up_to_the_default_limit():
    error = fail_with("x" * DEFAULT_MAX_TEXT_LENGTH)
    assert error == ("ValueError: " + "x" * DEFAULT_MAX_TEXT_LENGTH)[:DEFAULT_MAX_TEXT_LENGTH]


@override_settings(DECISIONING_MAX_TEXT_LENGTH=20)
def test_the_error_text_is_cut_at_decisioning_max_text_length():
    assert fail_with("x" * 100) == "ValueError: xxxxxxxx"


@override_settings(DECISIONING_MAX_TEXT_LENGTH=20)
def test_an_error_text_within_the_limit_is_kept_whole():
    assert fail_with("short") == "ValueError: short"


@override_settings(DECISIONING_MAX_TEXT_LENGTH="20")
def test_a_bad_text_limit_does_not_hide_the_failure_and_the_default_applies():
    assert len(fail_with("x" * (DEFAULT_MAX_TEXT_LENGTH + 100))) == DEFAULT_MAX_TEXT_LENGTH


# --- system checks --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "check_id"),
    [
        ("DECISIONING_MAX_TEXT_LENGTH", "django_decisioning.E003"),
        ("DECISIONING_MAX_JSON_BYTES", "django_decisioning.E004"),
    ],
)
@pytest.mark.parametrize("value", [0, -1, "1000", 1.5, True, None])
def test_a_limit_that_is_not_a_positive_integer_is_an_error(settings, name, check_id, value):
    setattr(settings, name, value)
    messages = check_settings()
    assert [message.id for message in messages] == [check_id]
    assert isinstance(messages[0], checks.Error)
    assert name in messages[0].msg


@pytest.mark.parametrize("name", ["DECISIONING_MAX_TEXT_LENGTH", "DECISIONING_MAX_JSON_BYTES"])
def test_a_positive_integer_limit_passes_the_checks(settings, name):
    setattr(settings, name, 1)
    assert check_settings() == []
