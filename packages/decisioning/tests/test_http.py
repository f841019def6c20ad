"""``django_decisioning.http``: the header, the request's identity and ``respond_once``, without any framework."""

import hashlib
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from django_decisioning import (
    IdempotencyConflictError,
    InvalidIdempotencyKeyError,
    RequestOutcome,
    UnsupportedValueError,
    read_idempotency_key,
    request_idempotency_key,
    request_payload,
    respond_once,
)
from django_decisioning.models import IdempotencyKey
from tests.testapp.models import Payment

factory = RequestFactory()


def test_no_header_is_no_key():
    request = factory.post("/pay/")
    assert read_idempotency_key(request) is None
    assert request_idempotency_key(request) is None


def test_the_header_is_read_as_sent_and_scoped_to_the_user(db):
    request = factory.post("/pay/", headers={"Idempotency-Key": "Order-1"})
    request.user = get_user_model().objects.create_user("clerk")

    assert read_idempotency_key(request) == "Order-1"
    assert request_idempotency_key(request) == f"{request.user.pk}:Order-1"
    request.user = AnonymousUser()
    assert request_idempotency_key(request) == "None:Order-1"


def test_a_malformed_header_names_itself():
    request = factory.post("/pay/", headers={"Idempotency-Key": "a b"})
    with pytest.raises(InvalidIdempotencyKeyError) as refused:
        request_idempotency_key(request)
    assert (refused.value.header, refused.value.value) == ("Idempotency-Key", "a b")
    assert isinstance(refused.value, ValueError)


def test_the_payload_of_a_form_with_a_file():
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.7", content_type="application/pdf")
    request = factory.post("/attach/?to=7", {"tag": ["a", "b"], "title": "Scan", "file": upload})

    payload = request_payload(request)

    assert payload["method"] == "POST" and payload["path"] == "/attach/?to=7"
    assert payload["payload"]["tag"] == ["a", "b"] and payload["payload"]["title"] == "Scan"
    assert payload["payload"]["file"] == {
        "name": "scan.pdf",
        "size": 8,
        "sha256": hashlib.sha256(b"%PDF-1.7").hexdigest(),
    }
    assert request.FILES["file"].read() == b"%PDF-1.7"  # read back from the start


def test_the_payload_of_another_body_is_its_text():
    request = factory.post("/pay/", '{"amount": "1.00"}', content_type="application/json")
    assert request_payload(request)["payload"] == '{"amount": "1.00"}'


@pytest.mark.django_db
def test_respond_once_without_a_key_runs_every_time():
    def perform():
        return 201, {"id": Payment.objects.create(amount=Decimal("1")).pk}

    first = respond_once(scope="test.http", idempotency_key=None, payload={}, perform=perform)
    second = respond_once(scope="test.http", idempotency_key=None, payload={}, perform=perform)

    assert isinstance(first, RequestOutcome) and not first.replayed and not second.replayed
    assert first.body != second.body and isinstance(first.body["id"], str)
    assert Payment.objects.count() == 2


@pytest.mark.django_db
def test_respond_once_with_a_key_replays_status_and_body():
    calls = []

    def perform():
        calls.append(1)
        Payment.objects.create(amount=Decimal("1"))
        return 200, {"total": Decimal("1.50"), "ratio": 0.5}

    first = respond_once(scope="test.http", idempotency_key="k", payload={"a": 1}, perform=perform)
    repeat = respond_once(scope="test.http", idempotency_key="k", payload={"a": 1}, perform=perform)

    assert first == RequestOutcome(status=200, body={"total": "1.50", "ratio": 0.5}, replayed=False)
    assert repeat == RequestOutcome(status=200, body={"total": "1.50", "ratio": 0.5}, replayed=True)
    assert len(calls) == 1 and Payment.objects.count() == 1
    with pytest.raises(IdempotencyConflictError):
        respond_once(scope="test.http", idempotency_key="k", payload={"a": 2}, perform=perform)


@pytest.mark.django_db
@pytest.mark.parametrize("key", [None, "k"])
def test_a_refusal_status_rolls_back_and_is_not_stored(key):
    def perform():
        Payment.objects.create(amount=Decimal("1"))
        return 409, {"detail": "no"}

    outcome = respond_once(scope="test.http", idempotency_key=key, payload={}, perform=perform)

    assert outcome == RequestOutcome(status=409, body={"detail": "no"}, replayed=False)
    assert not Payment.objects.exists()
    assert not IdempotencyKey.objects.filter(state=IdempotencyKey.State.SUCCEEDED).exists()


@pytest.mark.django_db
def test_a_body_with_no_json_form_rolls_back():
    def perform():
        Payment.objects.create(amount=Decimal("1"))
        return 201, {"tags": {"a"}}

    with pytest.raises(UnsupportedValueError):
        respond_once(scope="test.http", idempotency_key="k", payload={}, perform=perform)
    assert not Payment.objects.exists()
