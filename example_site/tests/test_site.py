"""The site answers: home, pages, admin, API root, schema and docs; sign-in by session and by token."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

PAGES = ["/", "/board/", "/stock/", "/ledger/trial-balance/", "/budget/", "/settlements/"]


@pytest.fixture
def signed_in(client, user):
    client.force_login(user("demo"))
    return client


def test_home_is_public_and_links_every_page(client, db):
    response = client.get("/")
    assert response.status_code == 200
    for href in [
        "/board/",
        "/stock/",
        "/ledger/trial-balance/",
        "/budget/",
        "/settlements/",
        "/api/v1/",
        "/api/v1/docs/",
        "/admin/",
    ]:
        assert f'href="{href}"' in response.content.decode()


def test_pages_need_a_sign_in(client, db):
    for path in PAGES[1:]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_pages_answer_when_signed_in(signed_in):
    contents = {path: signed_in.get(path).content.decode() for path in PAGES}
    assert "Checked in" in contents["/board/"] and "Maria Gomez" in contents["/board/"]
    assert "AMX-2401" in contents["/stock/"] and "expires soon" in contents["/stock/"]
    assert "Balanced" in contents["/ledger/trial-balance/"]
    assert "Medical supplies" in contents["/budget/"]
    assert "Riverside Cleaning Co." in contents["/settlements/"]
    assert signed_in.get("/ledger/trial-balance/?as_of=2020-13-45").status_code == 400
    assert signed_in.get("/budget/2026-99/").status_code == 404


def test_login_page_signs_in(client, db):
    response = client.post("/accounts/login/", {"username": "demo", "password": "demo", "next": "/board/"})
    assert response.status_code == 302 and response["Location"] == "/board/"
    assert client.get("/board/").status_code == 200


def test_admin_lists_every_registered_model(signed_in):
    assert signed_in.get("/admin/").status_code == 200
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = signed_in.get(url, follow=True)
        assert response.status_code == 200, url


def test_every_package_with_models_is_in_the_admin(db):
    registered = {model._meta.app_label for model in admin.site._registry}
    for app in [
        "django_audit_log",
        "django_sequence",
        "django_documents",
        "django_notes",
        "django_parties",
        "django_rbac",
        "django_decisioning",
        "django_modules",
        "django_encounters",
        "django_catalog",
        "django_worklog",
        "django_stock",
        "django_ledger",
        "django_agreements",
        "django_budget",
        "accounts",
        "clinic",
    ]:
        assert app in registered, app


def test_api_root_schema_and_docs(signed_in):
    assert signed_in.get("/api/v1/").status_code == 200
    assert signed_in.get("/api/v1/schema/").status_code == 200
    docs = signed_in.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()


def test_api_needs_authentication(client, db):
    for path in ("/api/v1/", "/api/v1/parties/persons/"):
        response = client.get(path)
        assert response.status_code == 401, path
        assert response["WWW-Authenticate"] == "Token"
        assert response.json() == {
            "detail": "Authentication credentials were not provided.",
            "error": "NotAuthenticated",
        }
    assert client.get("/api/v1/docs/").status_code == 302
    assert client.get("/api/v1/schema/").status_code == 200  # the contract is public


def test_token_authentication(db):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "auditor", "password": "demo"}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/ledger/trial-balance/").status_code == 200
    assert client.post("/api/v1/parties/persons/", {"given_name": "X"}, format="json").status_code == 403
    assert APIClient().post("/api/v1/auth/token/", {"username": "auditor", "password": "no"}).status_code == 400


def test_session_authentication_enforces_csrf(db, user):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user("vet"))
    assert client.get("/api/v1/parties/persons/").status_code == 200
    assert client.post("/api/v1/parties/persons/", {"given_name": "X"}, format="json").status_code == 403


def test_the_site_models_match_their_migrations(db):
    call_command("makemigrations", "accounts", "clinic", "--check", "--dry-run", verbosity=0)
