"""Django settings of the benchmark child processes: our packages, the peers' apps and the benchmark app.

The database comes from the environment ``run.py`` gives each child: ``BENCH_DATABASE`` (``SQLite``,
``PostgreSQL`` or ``MariaDB``) and ``BENCH_SCRATCH`` (the run's temporary folder, where the SQLite file
lives). Each benchmark migrates only the apps it uses. django-hordak's migrations are written for
PostgreSQL and MySQL only, so it is installed on the server databases only (and only when it is importable).
"""

import importlib.util
import os

from benchmarks.harness import SERVERS, SQLITE, database_settings

DATABASE = os.environ.get("BENCH_DATABASE") or SQLITE
SCRATCH = os.environ.get("BENCH_SCRATCH") or "."


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


SECRET_KEY = "benchmarks-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {"default": database_settings(DATABASE, SCRATCH)}

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django_basemodels",
    "django_money",
    "django_decisioning",
    "django_sequence",
    "django_audit_log",
    "django_stock",
    *(["django_ledger"] if _installed("django_ledger") else []),
    # the peers
    *(["sequences"] if _installed("sequences") else []),
    *(["auditlog"] if _installed("auditlog") else []),
    *(["mptt", "hordak"] if DATABASE in SERVERS and _installed("hordak") else []),
    "benchmarks.benchapp",
]
AUDIT_LOG_HASH_CHAIN = False
