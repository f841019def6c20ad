"""Minimal settings for this package's tests. DATABASE_URL selects the database (SQLite in memory by default)."""

import os

import dj_database_url

SECRET_KEY = "tests-only"
USE_TZ = True
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django_basemodels",
    "django_money",
    "django_decisioning",
    "django_ledger",
    "tests.testapp",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
ROOT_URLCONF = "tests.urls"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://:memory:")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # LEDGER_TEST_DATABASE_NAME: another name, for runs that overlap on one server.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("LEDGER_TEST_DATABASE_NAME") or "test_django_ledger"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
