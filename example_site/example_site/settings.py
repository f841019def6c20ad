"""Settings of the example site, read from the environment; safe for production unless told otherwise.

Environment (the README's "Settings" table says more):

- ``DJANGO_DEBUG``: ``1`` for local use (``python3 dev.py demo`` sets it); anything else, or unset, is
  production: DEBUG off, a ``SECRET_KEY`` of your own required, HTTPS-only cookies, HSTS, redirect to HTTPS;
- ``SECRET_KEY``: required when ``DJANGO_DEBUG`` is off (the built-in key is refused then);
- ``DATABASE_URL``: default SQLite file ``db.sqlite3`` beside ``manage.py``; PostgreSQL with
  ``postgres://user:password@host:5432/name``, MariaDB/MySQL with ``mysql://user:password@host:3306/name``
  (the test database is then ``test_example_site``);
- ``ALLOWED_HOSTS``: comma-separated, default ``127.0.0.1,localhost``;
- ``CSRF_TRUSTED_ORIGINS``: comma-separated origins (``https://clinic.example``), default none;
- ``MEDIA_ROOT``: where uploaded documents are stored, default ``media/`` beside ``manage.py``;
- ``DJANGO_SECURE_SSL_REDIRECT``, ``DJANGO_HSTS_SECONDS``, ``DJANGO_SECURE_PROXY_SSL_HEADER``: HTTPS
  behaviour in production (defaults: ``1``, one year, off);
- ``API_TOKEN_TTL_HOURS`` (default 10), ``API_AUTH_THROTTLE_RATE`` (default ``10/minute``),
  ``API_MAX_PAGE_SIZE`` (default 200), ``API_MAX_TEXT_LENGTH`` (default 10000): the API's limits;
- ``LOG_LEVEL``: the level of the site's log lines on stderr (default ``INFO``).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
INSECURE_KEY = "insecure-example-site-key-for-local-use-only"
TRUE = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None or not value.strip() else value.strip().lower() in TRUE


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _flag("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_KEY)
if not DEBUG and SECRET_KEY == INSECURE_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY: the built-in key is only for DJANGO_DEBUG=1.")
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

# HTTPS in production (``manage.py check --deploy`` is clean with DJANGO_DEBUG unset and a SECRET_KEY).
SECURE_SSL_REDIRECT = _flag("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes speak plain HTTP inside the cluster
SECURE_HSTS_SECONDS = 0 if DEBUG else int(os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if _flag("DJANGO_SECURE_PROXY_SSL_HEADER", False):  # behind a proxy that terminates TLS and sets the header
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Bodies other than file uploads: far more than any form or JSON request of the API needs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",  # API tokens: stored hashed, expiring, revocable
    "django_prometheus",
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
    "django_settlements",
    # composite
    "django_budget",
    # the site
    "accounts",
    "clinic",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",  # request counts and latency, first and last
    "django.middleware.security.SecurityMiddleware",
    "api.parsers.RefuseNulInURLs",  # PostgreSQL stores no NUL: a 400 before any lookup
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_audit_log.middleware.AuditContextMiddleware",  # request id, client address, acting user
    "django_singleton.middleware.SingletonCacheMiddleware",  # one query per singleton per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clinic.observability.LockWaitMiddleware",  # time spent taking row and database locks
    "django_prometheus.middleware.PrometheusAfterMiddleware",
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
                "clinic.access.navigation",  # the pages the user may open
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.mysql":
    # utf8mb4: Django's default connection charset there (utf8mb3) cannot carry four-byte characters (emoji).
    DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4"}
    DATABASES["default"]["TEST"]["CHARSET"] = "utf8mb4"

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
# Reversing a payment or refund and cancelling an obligation need this permission (the seeded Accountant and
# Director roles hold it; clinic/seed.py), like the ledger's reversals.
SETTLEMENTS_REVERSE_PERMISSION = "django_settlements.reverse_settlement"
# The clinic's budget spends on discretionary buckets (priority C and D, not essentials) only while the clinic
# owes nothing overdue: django-settlements answers for the budget's owner (clinic/settlements.py).
BUDGET_SPENDING_POLICY = "django_budget.policies.block_discretionary_until_obligations_covered"
BUDGET_OBLIGATIONS_COVERED = "django_settlements.obligations_covered"
SETTLEMENTS_BUDGET_DEBTOR = "clinic.settlements.budget_debtor"
# Natural keys unique per database on purpose (django_basemodels.W020 flags every other one: keys are
# unique per organization, docs/architecture.md "Many organizations").
BASEMODELS_UNIQUE_PER_DATABASE = [
    "accounts.User.username",  # a login names one person whatever organization they work for
]

# The API's limits (read by api/limits.py).
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "200"))
API_MAX_TEXT_LENGTH = int(os.environ.get("API_MAX_TEXT_LENGTH", "10000"))
API_MAX_JSON_DEPTH = 20  # deeper JSON bodies are refused (400) before they reach a serializer

REST_FRAMEWORK = {
    # The token first: an anonymous request gets 401 with ``WWW-Authenticate: Token``.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Every API view names its RBAC module (api.permissions.ModuleAPIView): signed in AND allowed.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "django_rbac.drf.HasModulePermission",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {"auth": os.environ.get("API_AUTH_THROTTLE_RATE", "10/minute")},
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(os.environ.get("API_TOKEN_TTL_HOURS", "10"))),
    "TOKEN_LIMIT_PER_USER": 20,
    "AUTO_REFRESH": False,
}
# The throttles count in this cache: per process. Several processes or hosts share a Redis or memcached cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "example-site"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "clinic.observability.RequestIdFilter"}},
    "formatters": {
        "site": {"format": "%(asctime)s %(levelname)s %(name)s [request_id=%(request_id)s] %(message)s"},
    },
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "site", "filters": ["request_id"]},
    },
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "INFO"), "propagate": False},
        "django.server": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "django-primitives example site API",
    "DESCRIPTION": (
        "The example clinic: parties, encounters, catalog, worklog, stock, ledger, budget, settlements (who owes "
        "whom), sequences and the audit log. "
        "Authenticate with a session or `Authorization: Token <key>` (POST /api/v1/auth/token/; tokens expire and "
        'can be revoked). Errors are JSON: `{"detail": ..., "error": ...}` or field errors. '
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
        "SettlementKindEnum": "django_settlements.SettlementKind",
    },
}
