"""API tokens: stored hashed, expiring, revocable; anonymous requests get 401; signing in is throttled."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"


def _sign_in(username="vet", password="demo"):
    return APIClient().post(TOKEN_URL, {"username": username, "password": password}, format="json")


def _with(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_a_token_expires_and_is_stored_hashed(db):
    response = _sign_in()
    assert response.status_code == 200
    token, expiry = response.json()["token"], response.json()["expiry"]
    stored = AuthToken.objects.get(user__username="vet")
    assert token not in {stored.digest, stored.token_key} and token.startswith(stored.token_key)
    assert timezone.now() + timedelta(hours=9) < stored.expiry <= timezone.now() + timedelta(hours=10)
    assert expiry is not None
    assert _with(token).get("/api/v1/parties/persons/").status_code == 200
    AuthToken.objects.filter(pk=stored.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    expired = _with(token).get("/api/v1/parties/persons/")
    assert expired.status_code == 401 and expired["WWW-Authenticate"] == "Token"
    assert expired.json()["error"] == "AuthenticationFailed"


def test_revoke_ends_the_token_of_the_request(db):
    first, second = _sign_in().json()["token"], _sign_in().json()["token"]
    assert _with(first).post("/api/v1/auth/token/revoke/").status_code == 204
    assert _with(first).get("/api/v1/parties/persons/").status_code == 401
    assert _with(second).get("/api/v1/parties/persons/").status_code == 200


def test_revoke_all_ends_every_token_of_the_user(db):
    first, second = _sign_in().json()["token"], _sign_in().json()["token"]
    other = _sign_in("accountant").json()["token"]
    assert _with(first).post("/api/v1/auth/token/revoke-all/").status_code == 204
    assert _with(second).get("/api/v1/parties/persons/").status_code == 401
    assert _with(other).get("/api/v1/ledger/trial-balance/").status_code == 200


def test_revoke_needs_a_token(api):
    response = api("vet").post("/api/v1/auth/token/revoke/")  # signed in without a token
    assert response.status_code == 400 and response.json()["error"] == "ValidationError"
    assert APIClient().post("/api/v1/auth/token/revoke/").status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token " + "f" * 500, "Token ÿÿÿÿ", "Token 0000"])
def test_malformed_tokens_are_401(db, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/parties/persons/")
    assert response.status_code == 401 and response.json()["error"] == "AuthenticationFailed"


def test_wrong_credentials_are_400_and_signing_in_is_throttled(db):
    for _ in range(10):  # API_AUTH_THROTTLE_RATE: 10/minute per client address
        response = _sign_in(password="wrong")
        assert response.status_code == 400 and response.json()["error"] == "ValidationError"
    throttled = _sign_in()  # even with the right password
    assert throttled.status_code == 429 and throttled.json()["error"] == "Throttled"
    assert int(throttled["Retry-After"]) > 0


def test_credentials_are_bounded(db):
    response = APIClient().post(TOKEN_URL, {"username": "x" * 151, "password": "y" * 129}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"username", "password", "error"}
