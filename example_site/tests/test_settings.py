"""Settings come from the environment, with safe local defaults and a refusal to run unsafely."""

import runpy
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

SETTINGS = Path(__file__).resolve().parent.parent / "example_site" / "settings.py"


def _load(monkeypatch, **environ):
    for name in ("DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_debug_off_with_the_built_in_key_refuses_to_start(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _load(monkeypatch, DJANGO_DEBUG="0")


def test_debug_off_with_a_key_of_its_own(monkeypatch):
    settings = _load(
        monkeypatch, DJANGO_DEBUG="false", SECRET_KEY="s3cret", ALLOWED_HOSTS="clinic.example, ,www.clinic.example"
    )
    assert settings["DEBUG"] is False and settings["SECRET_KEY"] == "s3cret"
    assert settings["ALLOWED_HOSTS"] == ["clinic.example", "www.clinic.example"]


def test_local_defaults(monkeypatch):
    settings = _load(monkeypatch)
    assert settings["DEBUG"] is True and settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3" and str(database["NAME"]).endswith("db.sqlite3")
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_postgres_from_database_url(monkeypatch):
    settings = _load(monkeypatch, DATABASE_URL="postgres://app:pw@db.internal:5432/clinic")
    database = settings["DATABASES"]["default"]
    assert (database["ENGINE"], database["NAME"], database["HOST"]) == (
        "django.db.backends.postgresql",
        "clinic",
        "db.internal",
    )
    assert database["TEST"] == {"NAME": "test_example_site"}
