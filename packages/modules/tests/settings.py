"""Minimal settings for this package's tests. DATABASE_URL selects the database (SQLite in memory by default)."""

import os
from pathlib import Path

import dj_database_url

SECRET_KEY = "tests-only"
USE_TZ = True
# rest_framework is not an app here: DRF's JSON answers need none, and `nox -s migrations` loads
# these settings without DRF installed.
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django_basemodels",
    "django_modules",
    "tests.testapp",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tests.testapp.middleware.OrgFromHeaderMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # tests/templates/403.html prints the PermissionDenied message, as a project's own would.
        "DIRS": [Path(__file__).parent / "templates"],
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
    DATABASES["default"]["TEST"] = {"NAME": "test_django_modules"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The project's organization model: here a test model with a UUID key. django-modules has no default.
MODULES_ORG_MODEL = "testapp.Org"
