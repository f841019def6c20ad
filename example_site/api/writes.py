"""Every API write goes through ``write()``: one transaction, one audit entry, and the ``Idempotency-Key``.

``Idempotency-Key`` (1 to 200 visible ASCII characters) is handled by django-decisioning's reusable
piece, ``django_decisioning.drf.idempotent_write`` (scope ``example_site.api.responses``, the key
prefixed with the user's id): the first request runs and its response (status and body) is stored
with the key, in the same transaction as its effects; a retry with the same key and the same request
(method, path with its query string, body) gets that response back, marked ``Idempotent-Replayed:
true``, and changes nothing; the same key with another request is a 409
(``IdempotencyConflictError``). A request that failed releases its key. (The scope is new with the
stored shape: keys stored by the site's former copy of this logic, which kept the body only, are
never read as responses.) The key is also handed to the package services that take one
(``idempotency_key=``), so their own guarantee holds for calls made outside the API too.

The audit entry (``django_audit_log.log``) records the action ``api.<operation>``, the object
written, the acting user, the request id and client address (from ``AuditContextMiddleware``),
the request body and the idempotency key; a replay writes none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.observability import count_replay, count_write
from django_audit_log import log, log_event
from django_decisioning import request_payload
from django_decisioning.drf import IDEMPOTENCY_KEY_HEADER, idempotent_write, raw_idempotency_key

HEADER = IDEMPOTENCY_KEY_HEADER
SCOPE = "example_site.api.responses"

#: What ``perform(key)`` returns: the object the audit entry is about (or None) and the response body.
Performed = tuple[models.Model | None, Any]


def write(
    request: Request,
    *,
    operation: str,
    perform: Callable[[str | None], Performed],
    status_code: int = status.HTTP_201_CREATED,
) -> Response:
    """Run ``perform(idempotency_key)`` once per key (django_decisioning.drf), audit it, and answer with its body."""
    metadata = request_payload(request)

    def audited(key: str | None) -> Any:
        target, body = perform(key)
        entry = dict(metadata)
        if key is not None:
            entry["idempotency_key"] = raw_idempotency_key(request)
        if target is not None:
            log(f"api.{operation}", target, request.user, metadata=entry)
        else:
            log_event(f"api.{operation}", request.user, metadata=entry)
        return body

    response = idempotent_write(request, perform=audited, status_code=status_code, scope=SCOPE)
    (count_replay if response.replayed else count_write)(operation)
    return response


def validated(serializer_class: type[serializers.Serializer], data: Any, **context: Any) -> dict[str, Any]:
    """The validated data of ``data``; a 400 with field errors when it is not valid."""
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
