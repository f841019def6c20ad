"""``/healthz`` and ``/readyz``: what a load balancer and an orchestrator ask before sending traffic.

- ``/healthz``: the process answers (no database query): ``{"status": "ok"}``, always 200.
- ``/readyz``: the database answers, every migration is applied, and every database guarantee the
  packages declare (append-only and guard triggers) is installed: 200 ``{"status": "ready",
  "checks": {...}}``, else 503 with the problems found. No sign-in: the answers name no data.
"""

from __future__ import annotations

import logging

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from django_basemodels.guarantees import guarantee_problems

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def _database(using: str) -> list[str]:
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT 1")
    return []


def _migrations(using: str) -> list[str]:
    executor = MigrationExecutor(connections[using])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"migration {migration.app_label}.{migration.name} is not applied" for migration, _ in pending]


def _guarantees(using: str) -> list[str]:
    return guarantee_problems(using=using)


CHECKS = [("database", _database), ("migrations", _migrations), ("guarantees", _guarantees)]


@never_cache
@require_GET
def readyz(request):
    using = DEFAULT_DB_ALIAS
    checks: dict[str, dict] = {}
    ready = True
    for name, check in CHECKS:
        if not ready:  # without a database the other checks cannot run
            checks[name] = {"ok": False, "problems": ["not checked: the database is not reachable"]}
            continue
        try:
            problems = check(using)
        except DatabaseError as exc:
            problems = [f"the database refused the check: {exc.__class__.__name__}"]
            logger.warning("readyz: %s check failed: %s", name, exc)
            if name == "database":
                ready = False
        checks[name] = {"ok": not problems, "problems": problems}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ready" if ok else "not ready", "checks": checks}, status=200 if ok else 503)
