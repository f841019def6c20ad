"""Minimal settings for this package's tests. DATABASE_URL selects the database (SQLite in memory by default)."""

import os

import dj_database_url

SECRET_KEY = "tests-only"
USE_TZ = True
INSTALLED_APPS = [
    "django_money",
    "tests.testapp",
]
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://:memory:")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": "test_django_money"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
MONEY_CUSTOM_CURRENCIES = {"BTC": 8}
