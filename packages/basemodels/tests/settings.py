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
    "tests.testapp",
]
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://:memory:")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": "test_django_basemodels"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The models of the older tests keep natural keys unique per database (django_basemodels.W020 otherwise).
BASEMODELS_UNIQUE_PER_DATABASE = ["testapp.Invoice", "testapp.Shift", "testapp.Code"]

# The swappable model of testapp.Assignment.team (a SwappableForeignKey), like AUTH_USER_MODEL.
TESTAPP_TEAM_MODEL = "auth.Group"

# The admin, for the SoftDeleteAdminMixin tests.
ROOT_URLCONF = "tests.urls"
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
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
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
