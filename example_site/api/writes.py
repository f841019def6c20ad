"""Every API write goes through ``write()``: one transaction, one audit entry, and the ``Idempotency-Key``.

``Idempotency-Key`` (1 to 200 visible ASCII characters) is read here and nowhere else. With a key,
the write runs through ``django_decisioning.services.run_idempotent`` (scope ``example_site.api``,
the key prefixed with the user's id): the first request runs and its response body is stored with
the key, in the same transaction as its effects; a retry with the same key and the same request
(method, path with its query string, body) gets that body back, marked ``Idempotent-Replayed: true``, and changes
nothing; the same key with another request raises ``IdempotencyConflict`` (409). A request that
failed releases its key. The key is also handed to the package services that take one
(``idempotency_key=``), so their own guarantee holds for calls made outside the API too.

The audit entry (``django_audit_log.log``) records the action ``api.<operation>``, the object
written, the acting user, the request id and client address (from ``AuditContextMiddleware``),
the request body and the idempotency key; a replay writes none.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

from django.core.files import File
from django.db import models, transaction
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from clinic.observability import count_replay, count_write
from django_audit_log import log, log_event
from django_decisioning import request_fingerprint, to_json_value
from django_decisioning.services import run_idempotent

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
SCOPE = "example_site.api"
_VALID_KEY = re.compile(r"[\x21-\x7e]{1,200}")

#: What ``perform(key)`` returns: the object the audit entry is about (or None) and the response body.
Performed = tuple[models.Model | None, Any]


def raw_idempotency_key(request: Request) -> str | None:
    """The ``Idempotency-Key`` header as sent, or ``None``; a malformed one is a 400."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    if not _VALID_KEY.fullmatch(value):
        raise serializers.ValidationError({HEADER: ["Use 1 to 200 visible ASCII characters (a UUID, for example)."]})
    return value


def idempotency_key(request: Request) -> str | None:
    """The key this request's writes run under: the header scoped to the user, or ``None``."""
    raw = raw_idempotency_key(request)
    return None if raw is None else f"{request.user.pk}:{raw}"


def _plain(data: Any) -> Any:
    """The request body as JSON data: a form's lists flattened, an uploaded file as its name, size and hash."""
    if hasattr(data, "lists"):  # a form or multipart QueryDict
        data = {key: values if len(values) > 1 else values[0] for key, values in data.lists()}
    if isinstance(data, dict):
        data = {key: _file_summary(value) if isinstance(value, File) else value for key, value in data.items()}
    return to_json_value(data, allow_floats=True)


def _file_summary(file: File) -> dict[str, Any]:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return {"name": file.name, "size": file.size, "sha256": digest.hexdigest()}


def write(
    request: Request,
    *,
    operation: str,
    perform: Callable[[str | None], Performed],
    status_code: int = status.HTTP_201_CREATED,
) -> Response:
    """Run ``perform(idempotency_key)`` once per key, audit it, and answer with its body.

    ``perform`` calls the services (passing the key on where a service takes one) and returns
    ``(audited object or None, response body)``. Typed errors it raises go to
    ``api.errors.exception_handler``; nothing is written then.
    """
    key = idempotency_key(request)
    payload = _plain(request.data)
    ran = False

    def once() -> Any:
        nonlocal ran
        ran = True
        target, body = perform(key)
        metadata = {"method": request.method, "path": request.get_full_path(), "payload": payload}
        if key is not None:
            metadata["idempotency_key"] = raw_idempotency_key(request)
        if target is not None:
            log(f"api.{operation}", target, request.user, metadata=metadata)
        else:
            log_event(f"api.{operation}", request.user, metadata=metadata)
        return to_json_value(body, allow_floats=True)

    if key is None:
        with transaction.atomic():
            body = once()
    else:
        fingerprint = request_fingerprint(
            {"method": request.method, "path": request.get_full_path(), "payload": payload}
        )
        body = run_idempotent(scope=SCOPE, key=key, func=once, fingerprint=fingerprint)
    if ran:
        count_write(operation)
    else:
        count_replay(operation)
    response = Response(body, status=status_code)
    if key is not None:
        response[REPLAYED_HEADER] = "false" if ran else "true"
    return response


def validated(serializer_class: type[serializers.Serializer], data: Any, **context: Any) -> dict[str, Any]:
    """The validated data of ``data``; a 400 with field errors when it is not valid."""
    serializer = serializer_class(data=data, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
