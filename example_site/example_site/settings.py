"""Settings of the example site, read from the environment with safe local defaults.

Environment:

- ``DATABASE_URL``: default SQLite file ``db.sqlite3`` beside ``manage.py``; PostgreSQL with
  ``postgres://user:password@host:5432/name`` (the test database is then ``test_example_site``);
- ``SECRET_KEY``: required when ``DJANGO_DEBUG`` is off (the built-in key is refused then);
- ``DJANGO_DEBUG``: ``1`` (default, local use) or ``0``;
- ``ALLOWED_HOSTS``: comma-separated, default ``127.0.0.1,localhost``;
- ``MEDIA_ROOT``: where uploaded documents are stored, default ``media/`` beside ``manage.py``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
INSECURE_KEY = "insecure-example-site-key-for-local-use-only"

DEBUG = os.environ.get("DJANGO_DEBUG", "1").lower() in {"1", "true", "yes", "on"}
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_KEY)
if not DEBUG and SECRET_KEY == INSECURE_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the built-in key is only for DJANGO_DEBUG=1.")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by the site itself: the docs page works offline
    # foundation
    "django_basemodels",
    "django_money",
    "django_audit_log",
    "django_sequence",
    "django_singleton",
    "django_documents",
    "django_notes",
    # core
    "django_parties",
    "django_rbac",
    "django_decisioning",
    "django_modules",
    # domain
    "django_encounters",
    "django_catalog",
    "django_worklog",
    "django_stock",
    "django_ledger",
    "django_agreements",
    # composite
    "django_budget",
    # the site
    "accounts",
    "clinic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_audit_log.middleware.AuditContextMiddleware",  # request id, client address, acting user
    "django_singleton.middleware.SingletonCacheMiddleware",  # one query per singleton per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "example_site.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
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
WSGI_APPLICATION = "example_site.wsgi.application"

DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Take the write lock at BEGIN and wait for it, so two requests never deadlock upgrading a read.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": "test_example_site"}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "django_rbac.backends.RoleBackend",  # user.has_perm() and the admin honour roles
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_ROOT = Path(
    os.environ.get("MEDIA_ROOT") or BASE_DIR / "media"
)  # documents' files; example_site/media is gitignored
MEDIA_URL = "media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The packages' settings.
CATALOG_ENCOUNTER_MODEL = "django_encounters.Encounter"  # baskets belong to encounters (set before migrate)
WORKLOG_CONTEXT_MODELS = ["django_catalog.WorkItem", "django_encounters.Encounter"]
STOCK_EXPIRY_WARNING_DAYS = 30
MODULES_ORG_MODEL = "django_parties.Organization"  # modules are switched per organization (set before migrate)
MODULES_ORG_RESOLVER = "clinic.organizations.clinic_of_request"  # this site serves one clinic
DOCUMENTS_MAX_FILE_SIZE = 10 * 1024 * 1024
DOCUMENTS_ALLOWED_CONTENT_TYPES = ["application/pdf", "image/*", "text/plain"]
DOCUMENTS_RETENTION_POLICIES = {"invoice": timedelta(days=3650), "clinical": timedelta(days=3650)}
AUDIT_LOG_REQUEST_ID_HEADER = "X-Request-ID"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    # Every API view names its RBAC module (api.permissions.ModuleAPIView): signed in AND allowed.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "django_rbac.drf.HasModulePermission",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "django-primitives example site API",
    "DESCRIPTION": (
        "The example clinic: parties, encounters, catalog, worklog, stock, ledger, sequences and the audit log. "
        "Authenticate with a session or `Authorization: Token <key>` (POST /api/v1/auth/token/). "
        "Every POST accepts an `Idempotency-Key` header: a retry with the same key replays the first response."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "WorkItemStatusEnum": "django_catalog.models.WorkItem.Status",
        "LotStatusEnum": "django_stock.LotStatus",
        "CatalogItemKindEnum": "django_catalog.models.CatalogItem.Kind",
        "ContactPointKindEnum": "django_parties.models.ContactPoint.Kind",
        "AgreementVersionKindEnum": "django_agreements.models.AgreementVersion.Kind",
        "BucketKindEnum": "django_budget.BucketKind",
        "BudgetTransactionKindEnum": "django_budget.TransactionKind",
    },
}
