"""Small helpers shared by the API tests."""

from __future__ import annotations

from rest_framework.test import APIClient

from django_audit_log.models import AuditLog


def post(client: APIClient, path: str, data: dict | None = None, *, key: str | None = None):
    """POST JSON to ``/api/v1/<path>``, with an ``Idempotency-Key`` when ``key`` is given."""
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"/api/v1/{path}", data or {}, format="json", **headers)


def get(client: APIClient, path: str, **params):
    return client.get(f"/api/v1/{path}", params)


def api_entries(response) -> list[AuditLog]:
    """The audit entries written by the request that gave ``response``."""
    return list(AuditLog.objects.filter(request_id=response["X-Request-ID"]).filter(action__startswith="api."))
