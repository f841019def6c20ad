"""Settings come from the environment; without it the site runs as in production, or refuses to start."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SITE = Path(__file__).resolve().parent.parent
SETTINGS = SITE / "example_site" / "settings.py"
VARIABLES = (
    "DJANGO_DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_SECURE_PROXY_SSL_HEADER",
    "CSRF_TRUSTED_ORIGINS",
)


def _load(monkeypatch, **environ):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_a_secret_key_production_refuses_to_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load(monkeypatch)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load(monkeypatch, DJANGO_DEBUG="0")


def test_debug_is_off_unless_asked_for(monkeypatch):
    settings = _load(monkeypatch, SECRET_KEY="s3cret", ALLOWED_HOSTS="clinic.example, ,www.clinic.example")
    assert settings["DEBUG"] is False and settings["SECRET_KEY"] == "s3cret"
    assert settings["ALLOWED_HOSTS"] == ["clinic.example", "www.clinic.example"]
    assert settings["SECURE_SSL_REDIRECT"] and settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert _load(monkeypatch, SECRET_KEY="s3cret", DJANGO_DEBUG="yes-please")["DEBUG"] is False


def test_https_behind_a_proxy(monkeypatch):
    settings = _load(
        monkeypatch, SECRET_KEY="s3cret", DJANGO_SECURE_SSL_REDIRECT="0", DJANGO_SECURE_PROXY_SSL_HEADER="1"
    )
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_local_defaults_with_django_debug(monkeypatch):
    settings = _load(monkeypatch, DJANGO_DEBUG="1")
    assert settings["DEBUG"] is True and settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert not settings["SECURE_SSL_REDIRECT"] and not settings["SESSION_COOKIE_SECURE"]
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]).endswith("db.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_from_database_url(monkeypatch):
    settings = _load(monkeypatch, DJANGO_DEBUG="1", DATABASE_URL="postgres://app:pw@db.internal:5432/clinic")
    database = settings["DATABASES"]["default"]
    assert (database["ENGINE"], database["NAME"], database["HOST"]) == (
        "django.db.backends.postgresql",
        "clinic",
        "db.internal",
    )
    assert database["TEST"] == {"NAME": "test_example_site"}


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    """``manage.py check --deploy`` with what production sets: no warning at all (drf-spectacular's included)."""
    environ = {name: value for name, value in os.environ.items() if name not in VARIABLES}
    environ.pop("DJANGO_SETTINGS_MODULE", None)
    environ.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="clinic.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    )
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=SITE,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "System check identified no issues" in completed.stdout
