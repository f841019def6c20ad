"""Least privilege: each role opens exactly its pages, and no one but a superuser reads a secret."""

import pytest
from django.contrib import admin
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import NoReverseMatch, reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from api.root import ENDPOINTS

PAGES = {
    "board": "/board/",
    "stock": "/stock/",
    "trial-balance": "/ledger/trial-balance/",
    "budget": "/budget/",
    "settlements": "/settlements/",
}
ALLOWED_PAGES = {
    "demo": {"board", "stock", "trial-balance", "budget", "settlements"},
    "vet": {"board", "stock"},
    "accountant": {"board", "trial-balance", "budget", "settlements"},
    "auditor": {"board", "stock", "trial-balance", "budget", "settlements"},
}
STAFF = ["vet", "accountant", "auditor"]


@pytest.mark.parametrize("username", sorted(ALLOWED_PAGES))
def test_each_role_opens_exactly_its_pages(client, user, username):
    client.force_login(user(username))
    for name, path in PAGES.items():
        expected = 200 if name in ALLOWED_PAGES[username] else 403
        assert client.get(path).status_code == expected, (username, path)
    home = client.get("/").content.decode()
    linked = {name for name, path in PAGES.items() if f'id="page-{name}"' in home}
    assert linked == ALLOWED_PAGES[username]
    assert {name for name in PAGES if f'id="nav-{name}"' in home} == ALLOWED_PAGES[username]


def test_the_board_shows_only_what_the_role_may_read(client, user):
    client.force_login(user("accountant"))  # visits and invoices, not the work or the work sessions
    board = client.get("/board/").content.decode()
    assert 'id="latest-invoices"' in board
    assert 'id="open-work"' not in board and 'id="working-now"' not in board
    client.force_login(user("vet"))  # visits, work, sessions, invoices (clinic.view)
    board = client.get("/board/").content.decode()
    assert 'id="open-work"' in board and 'id="working-now"' in board and 'id="latest-invoices"' in board


def test_pages_and_api_decide_alike(api, user, client):
    """The accountant reads neither stock page nor stock API; the clinician neither books page nor ledger API."""
    client.force_login(user("accountant"))
    assert client.get("/stock/").status_code == 403
    assert api("accountant").get("/api/v1/stock/balances/").status_code == 403
    client.force_login(user("vet"))
    assert client.get("/ledger/trial-balance/").status_code == 403
    assert api("vet").get("/api/v1/ledger/trial-balance/").status_code == 403


@pytest.fixture
def secrets(db, user):
    """Every secret there is: API tokens (plain, key and digest), password hashes, session keys."""
    demo_token, demo_plain = AuthToken.objects.create(user=user("demo"))
    _, vet_plain = AuthToken.objects.create(user=user("vet"))
    superuser = Client()
    superuser.force_login(user("demo"))
    values = {demo_plain, demo_token.digest, demo_token.token_key, vet_plain}
    for account in [user(name) for name in ["demo", *STAFF]]:
        values.add(account.password.rsplit("$", 1)[-1])  # the hash itself, whatever the hasher
    values.update(Session.objects.values_list("session_key", flat=True))
    return values


def _admin_urls(client) -> list[str]:
    urls = ["/admin/"]
    for model in admin.site._registry:
        try:
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        except NoReverseMatch:
            continue
        first = model._default_manager.order_by("pk").first() if hasattr(model, "_default_manager") else None
        if first is not None:
            urls.append(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[first.pk]))
    return urls


@pytest.mark.parametrize("username", STAFF)
def test_no_staff_role_reads_a_secret_in_the_admin(client, user, secrets, username):
    client.force_login(user(username))
    secrets = secrets | {client.session.session_key}
    for url in _admin_urls(client):
        response = client.get(url, follow=True)
        assert response.status_code in {200, 403}, url
        content = response.content.decode()
        leaked = [secret for secret in secrets if secret and secret in content]
        assert not leaked, (username, url)
    index = client.get("/admin/").content.decode()
    for hidden in ("/admin/knox/", "/admin/accounts/user/", "/admin/django_rbac/", "/admin/sessions/"):
        assert hidden not in index, (username, hidden)


@pytest.mark.parametrize("username", STAFF)
def test_no_staff_role_reads_a_secret_in_the_api(user, secrets, username):
    client = APIClient()
    client.force_authenticate(user(username))
    for url_name in ENDPOINTS.values():
        path = reverse(url_name)
        if url_name in {"api-token", "api-docs"}:
            continue
        response = client.get(path, {"limit": 200})
        content = response.content.decode()
        leaked = [secret for secret in secrets if secret in content]
        assert not leaked, (username, path)


def test_the_superuser_sees_the_tokens_table(client, user, secrets):
    client.force_login(user("demo"))
    assert client.get("/admin/knox/authtoken/").status_code == 200
