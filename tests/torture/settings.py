"""Settings of the torture suite: every package with a decision surface, assembled as a site would.

``DATABASE_URL`` picks the database (SQLite in memory by default; on PostgreSQL or MariaDB the test
database is ``test_torture``, or ``TORTURE_TEST_DATABASE``). The catalog's baskets belong to
django-encounters' ``Encounter``: at the root the packages may meet, as in the example site.
"""

import os

import dj_database_url

SECRET_KEY = "torture-tests-only"
USE_TZ = True
# Not UTC on purpose: a date that becomes a datetime (a budget's `date`) must use the current zone.
TIME_ZONE = "America/Sao_Paulo"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    # foundation
    "django_basemodels",
    "django_money",
    "django_singleton",
    "django_sequence",
    # core
    "django_parties",
    "django_rbac",
    "django_decisioning",
    # domain
    "django_encounters",
    "django_catalog",
    "django_stock",
    "django_ledger",
    "django_agreements",
    "django_worklog",
    "django_settlements",
    # composite
    "django_budget",
]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "django_rbac.backends.RoleBackend",  # the reversal permissions are granted through an RBAC role
]

DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or "sqlite://:memory:")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TORTURE_TEST_DATABASE", "test_torture")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4"}

CATALOG_ENCOUNTER_MODEL = "django_encounters.Encounter"
