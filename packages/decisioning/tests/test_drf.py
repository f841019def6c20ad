"""``django_decisioning.drf``: a DRF write runs once per ``Idempotency-Key`` and its response is replayed."""

import threading

import pytest
from django.contrib.auth import get_user_model
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.request import Request
from rest_framework.test import APIClient, APIRequestFactory

from django_basemodels.testing import (
    PATIENCE,
    join_threads,
    run_without_settings,
    start_concurrently,
    wait_for_lock_waiters,
)
from django_decisioning import IdempotencyConflictError, IdempotencyInProgressError, request_fingerprint
from django_decisioning.drf import (
    DEFAULT_SCOPE,
    IdempotentRequestConflictError,
    IdempotentRequestInProgressError,
    idempotent_response,
    raw_idempotency_key,
)
from django_decisioning.models import IdempotencyKey
from tests.testapp import drf_views
from tests.testapp.models import Account, Payment
from tests.testapp.services import pay

pytestmark = pytest.mark.urls("tests.drf_urls")

KEY = "3f2c9a8e-0b1d-4c5e-9f7a-6b8d2e1c4a90"


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("clerk")


@pytest.fixture
def client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client, path="/api/payments/", data=None, key=KEY, **extra):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, data if data is not None else {"amount": "10.00"}, format="json", **headers, **extra)


def test_without_a_key_every_request_writes(client):
    first, second = post(client, key=None), post(client, key=None)

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in first
    assert first.json()["id"] != second.json()["id"]
    assert Payment.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


def test_a_repeat_with_the_key_replays_the_first_response_and_writes_nothing(client, user):
    first = post(client)
    repeat = post(client)

    assert (first.status_code, first["Idempotent-Replayed"]) == (201, "false")
    assert (repeat.status_code, repeat["Idempotent-Replayed"]) == (201, "true")
    assert repeat.json() == first.json()
    payment = Payment.objects.get()
    assert first.json() == {"id": str(payment.pk), "amount": "10.00", "recorded_at": first.json()["recorded_at"]}
    row = IdempotencyKey.objects.get()
    assert (row.scope, row.key, row.state) == (DEFAULT_SCOPE, f"{user.pk}:{KEY}", IdempotencyKey.State.SUCCEEDED)
    assert row.result_snapshot == {"status": 201, "body": first.json()}


def test_the_replay_says_so_on_the_response_object(user):
    factory = APIRequestFactory()

    def call():
        request = factory.post("/api/payments/", {"amount": "1.00"}, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        request.user = user
        return drf_views.PaymentsAPI.as_view()(request)

    first, repeat = call(), call()
    assert (first.replayed, repeat.replayed) == (False, True)
    assert first.idempotency_key == repeat.idempotency_key == f"{user.pk}:{KEY}"


def test_the_same_key_with_another_body_is_a_409(client):
    post(client)
    conflict = post(client, data={"amount": "99.00"})

    assert conflict.status_code == 409
    assert conflict.json() == {
        "detail": "This Idempotency-Key was used with another request; use a new key for a new request."
    }
    assert Payment.objects.count() == 1


def test_the_same_key_on_another_path_is_a_409(client):
    post(client)
    assert post(client, path="/api/payments/?again=1").status_code == 409
    assert post(client, path="/api/receipt/").status_code == 409
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("key", ["", "two words", "clé", "x" * 201, "tab\there"])
def test_a_malformed_key_is_a_400_before_anything_runs(client, key):
    response = post(client, key=key)

    assert response.status_code == 400
    assert response.json() == {"Idempotency-Key": ["Use 1 to 200 visible ASCII characters (a UUID, for example)."]}
    assert not Payment.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_key_of_200_visible_characters_is_accepted(client):
    key = "~" * 200
    assert post(client, key=key).status_code == 201
    assert post(client, key=key)["Idempotent-Replayed"] == "true"


def test_two_users_with_the_same_key_do_not_meet(client):
    other = APIClient()
    other.force_authenticate(get_user_model().objects.create_user("nurse"))

    mine, theirs = post(client), post(other)

    assert mine.json()["id"] != theirs.json()["id"]
    assert theirs["Idempotent-Replayed"] == "false"
    assert Payment.objects.count() == 2


def test_an_anonymous_key_is_scoped_as_anonymous(db):
    assert post(APIClient()).status_code == 201
    assert IdempotencyKey.objects.get().key == f"None:{KEY}"


def test_the_key_is_handed_to_the_services(client, user):
    account = Account.objects.create(name="main")
    path = f"/api/accounts/{account.pk}/payments/"

    first, repeat = post(client, path=path), post(client, path=path)

    assert first.status_code == repeat.status_code == 200
    assert repeat["Idempotent-Replayed"] == "true"
    key = f"{user.pk}:{KEY}"
    assert set(IdempotencyKey.objects.values_list("scope", "key")) == {("testapp.account_payments", key), ("pay", key)}
    # A later call of the service with the request's key, outside the API, finds the same payment.
    assert pay(account=account, amount="10.00", request_id=key) == Payment.objects.get()


def test_a_refusal_the_view_answers_itself_rolls_back_and_releases_the_key(client):
    refused = post(client, path="/api/refusing/")

    assert (refused.status_code, refused.json(), refused["Idempotent-Replayed"]) == (
        422,
        {"detail": "refused"},
        "false",
    )
    assert not Payment.objects.exists()
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.FAILED
    # Released: the key may be used again, even for another request.
    assert post(client).status_code == 201


def test_an_exception_rolls_back_and_releases_the_key(client):
    failed = post(client, path="/api/failing/")

    assert (failed.status_code, failed.json()) == (400, {"amount": ["too much"]})
    assert not Payment.objects.exists()
    assert IdempotencyKey.objects.get().state == IdempotencyKey.State.FAILED
    assert post(client, path="/api/failing/").status_code == 400  # runs again, no replay of a failure


def test_a_django_response_from_perform_is_refused(client):
    with pytest.raises(TypeError, match="return the body, or a DRF Response"):
        post(client, path="/api/plain/")


def test_a_key_held_by_an_unfinished_request_is_a_409(client, user):
    payload = {"method": "POST", "path": "/api/payments/", "payload": {"amount": "10.00"}}
    IdempotencyKey.objects.create(
        scope=DEFAULT_SCOPE,
        key=f"{user.pk}:{KEY}",
        state=IdempotencyKey.State.PENDING,
        request_fingerprint=request_fingerprint(payload),
    )

    response = post(client)

    assert response.status_code == 409
    assert response.json() == {"detail": "A request with this Idempotency-Key is still running; retry in a moment."}
    assert not Payment.objects.exists()


def test_the_refusals_are_decisioning_errors_and_drf_exceptions():
    conflict = IdempotentRequestConflictError("used", scope="s", key="k")
    busy = IdempotentRequestInProgressError("busy", scope="s", key="k")

    assert isinstance(conflict, IdempotencyConflictError) and isinstance(conflict, APIException)
    assert isinstance(busy, IdempotencyInProgressError) and isinstance(busy, APIException)
    assert (conflict.status_code, conflict.scope, conflict.key, str(conflict)) == (409, "s", "k", "used")
    assert (busy.status_code, busy.get_codes()) == (409, "idempotency_in_progress")


def test_a_decorated_view_function_stores_its_response(client, user):
    first = post(client, path="/api/receipt/")
    repeat = post(client, path="/api/receipt/")

    assert first.status_code == repeat.status_code == 202
    assert repeat["Idempotent-Replayed"] == "true"
    assert repeat.json() == first.json() == {"id": str(Payment.objects.get().pk), "key": f"{user.pk}:{KEY}"}


def test_a_decorated_view_method_uses_its_scope(client):
    assert post(client, path="/api/receipts/").status_code == 200
    assert post(client, path="/api/receipts/")["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.get().scope == "testapp.receipts"
    assert Payment.objects.count() == 1


def test_a_decorated_view_without_a_drf_request_is_refused():
    @idempotent_response
    def view(request):
        raise AssertionError("not reached")

    with pytest.raises(TypeError, match="without a DRF Request"):
        view(object())


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_write_once():
    user = get_user_model().objects.create_user("clerk")
    drf_views.PAUSE.update(entered=threading.Event(), release=threading.Event())

    def request():
        client = APIClient()
        client.force_authenticate(user)
        return post(client)

    try:
        outcomes, threads = start_concurrently(request, workers=2)
        assert drf_views.PAUSE["entered"].wait(PATIENCE)
        waiting = wait_for_lock_waiters(1)
        drf_views.PAUSE["release"].set()
        join_threads(threads)
    finally:
        drf_views.PAUSE.clear()

    assert waiting >= 1, "the duplicate did not wait for the first request"
    assert sorted(response["Idempotent-Replayed"] for response in outcomes) == ["false", "true"]
    assert outcomes[0].json() == outcomes[1].json()
    assert {response.status_code for response in outcomes} == {201}
    assert Payment.objects.count() == 1


def test_importing_the_package_does_not_import_drf():
    result = run_without_settings(
        "import sys, django_decisioning, django_decisioning.http\n"
        "assert django_decisioning.read_idempotency_key is django_decisioning.http.read_idempotency_key\n"
        "print('rest_framework' in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_importing_the_drf_module_without_drf_names_the_extra():
    result = run_without_settings(
        "import sys; sys.modules['rest_framework'] = None\n"
        "try:\n"
        "    import django_decisioning.drf\n"
        "except ImportError as exc:\n"
        "    print(exc)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "pip install 'django-primitives-decisioning[drf]'" in result.stdout


def test_the_raw_header_is_read_as_sent_and_a_malformed_one_is_a_validation_error(user):
    factory = APIRequestFactory()
    assert raw_idempotency_key(Request(factory.post("/", HTTP_IDEMPOTENCY_KEY=KEY))) == KEY
    assert raw_idempotency_key(Request(factory.post("/"))) is None
    with pytest.raises(ValidationError) as refused:
        raw_idempotency_key(Request(factory.post("/", HTTP_IDEMPOTENCY_KEY="a b")))
    assert list(refused.value.detail) == ["Idempotency-Key"]


def test_a_multipart_form_is_identified_by_its_fields(client):
    first = client.post("/api/payments/", {"amount": "5.00"}, format="multipart", HTTP_IDEMPOTENCY_KEY=KEY)
    repeat = client.post("/api/payments/", {"amount": "5.00"}, format="multipart", HTTP_IDEMPOTENCY_KEY=KEY)
    other = client.post("/api/payments/", {"amount": "6.00"}, format="multipart", HTTP_IDEMPOTENCY_KEY=KEY)

    assert (first.status_code, repeat["Idempotent-Replayed"], other.status_code) == (201, "true", 409)
    assert Payment.objects.count() == 1
