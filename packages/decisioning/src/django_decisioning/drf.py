"""``Idempotency-Key`` for Django REST framework views (install the ``drf`` extra).

- ``idempotent_write(request, perform=..., status_code=201)``: run one write once per key and answer
  with its stored response; ``perform(idempotency_key)`` does the write and returns the body.
- ``@idempotent_response``: the same for a whole view function or method that returns a ``Response``.
- ``idempotency_key(request)``: the key the request's write runs under (hand it to services as
  ``idempotency_key=``); a malformed header is a 400.

Refusals are DRF exceptions, answered by any ``EXCEPTION_HANDLER``: a malformed header is a
``ValidationError`` (400, ``{"Idempotency-Key": ["..."]}``); the key used with another request is an
``IdempotentRequestConflictError`` and a key still held by a running request an
``IdempotentRequestInProgressError`` (both 409, and subclasses of decisioning's
``IdempotencyConflictError`` / ``IdempotencyInProgressError``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

try:
    from rest_framework import status
    from rest_framework.exceptions import APIException, ValidationError
    from rest_framework.request import Request
    from rest_framework.response import Response
except ImportError as exc:  # pragma: no cover  (tested in a subprocess without DRF)
    raise ImportError(
        "django_decisioning.drf needs Django REST framework. "
        "Install it with: pip install 'django-primitives-decisioning[drf]'"
    ) from exc

from django.http import HttpResponseBase

from django_decisioning.exceptions import (
    IdempotencyConflictError,
    IdempotencyInProgressError,
    InvalidIdempotencyKeyError,
)
from django_decisioning.http import (
    IDEMPOTENCY_KEY_HEADER,
    REPLAYED_HEADER,
    read_idempotency_key,
    request_idempotency_key,
    request_payload,
    respond_once,
)

__all__ = [
    "DEFAULT_SCOPE",
    "IDEMPOTENCY_KEY_HEADER",
    "REPLAYED_HEADER",
    "IdempotentRequestConflictError",
    "IdempotentRequestInProgressError",
    "IdempotentResponse",
    "idempotency_key",
    "idempotent_response",
    "idempotent_write",
    "raw_idempotency_key",
]

#: The idempotency scope of request keys unless a view names its own.
DEFAULT_SCOPE = "django_decisioning.drf"

F = TypeVar("F", bound=Callable[..., Any])


class IdempotentRequestConflictError(IdempotencyConflictError, APIException):
    """409: the ``Idempotency-Key`` was already used with another request (method, path or body)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "This Idempotency-Key was used with another request; use a new key for a new request."
    default_code = "idempotency_conflict"


class IdempotentRequestInProgressError(IdempotencyInProgressError, APIException):
    """409: a request with this ``Idempotency-Key`` is still running (or the wait for it timed out)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still running; retry in a moment."
    default_code = "idempotency_in_progress"


class IdempotentResponse(Response):
    """A DRF ``Response`` that says whether it was replayed and under which key it ran.

    With a key, the ``Idempotent-Replayed`` header says the same (``true`` / ``false``).
    """

    def __init__(self, data: Any, *, status: int, replayed: bool, idempotency_key: str | None) -> None:
        super().__init__(data, status=status)
        self.replayed = replayed
        self.idempotency_key = idempotency_key
        if idempotency_key is not None:
            self[REPLAYED_HEADER] = "true" if replayed else "false"


def raw_idempotency_key(request: Request) -> str | None:
    """The ``Idempotency-Key`` header as sent, or ``None``; a malformed one raises DRF's ``ValidationError`` (400)."""
    try:
        return read_idempotency_key(request)
    except InvalidIdempotencyKeyError as exc:
        raise ValidationError({exc.header: [str(exc)]}) from exc


def idempotency_key(request: Request) -> str | None:
    """The key this request's writes run under (``"<user pk>:<header>"``), or ``None``; a malformed header is a 400."""
    try:
        return request_idempotency_key(request)
    except InvalidIdempotencyKeyError as exc:
        raise ValidationError({exc.header: [str(exc)]}) from exc


def idempotent_write(
    request: Request,
    *,
    perform: Callable[[str | None], Any],
    status_code: int = status.HTTP_201_CREATED,
    scope: str = DEFAULT_SCOPE,
) -> IdempotentResponse:
    """Run ``perform(idempotency_key)`` once per ``Idempotency-Key`` and answer with its response.

    ``perform`` receives the request's key (``None`` without the header) to hand on to the services
    that take one, writes, and returns the response body (any data ``to_json_value`` converts:
    serializer data, ``Decimal``, ``UUID``, aware datetimes...) answered with ``status_code``, or a
    DRF ``Response`` whose status and data are used (its other headers are not kept).

    - Without the header: ``perform`` runs in one transaction.
    - With it: the first request runs and its status and body are stored with the key
      (``scope``, the key prefixed with the user's pk) in the same transaction as its effects.
      A repeat of the same request (method, path with query string, body) answers the stored status
      and body with ``Idempotent-Replayed: true`` and runs nothing; the first answer has ``false``.
    - An exception from ``perform``, or a returned ``Response`` with a status of 400 or more, rolls
      everything back and releases the key; nothing is stored.

    Raises ``ValidationError`` (400) for a malformed header, before anything runs;
    ``IdempotentRequestConflictError`` (409) when the key was used with another request;
    ``IdempotentRequestInProgressError`` (409) when a request holding the key is still running.
    """
    key = idempotency_key(request)
    payload = request_payload(request)

    def run() -> tuple[int, Any]:
        result = perform(key)
        if isinstance(result, Response):
            return result.status_code, result.data
        if isinstance(result, HttpResponseBase):
            raise TypeError(
                f"perform returned a {type(result).__name__}: return the body, or a DRF Response "
                "(its status and data are what is stored)."
            )
        return status_code, result

    try:
        outcome = respond_once(scope=scope, idempotency_key=key, payload=payload, perform=run)
    except IdempotencyConflictError as exc:
        raise IdempotentRequestConflictError(
            IdempotentRequestConflictError.default_detail, scope=exc.scope, key=exc.key
        ) from exc
    except IdempotencyInProgressError as exc:
        raise IdempotentRequestInProgressError(
            IdempotentRequestInProgressError.default_detail, scope=exc.scope, key=exc.key
        ) from exc
    return IdempotentResponse(outcome.body, status=outcome.status, replayed=outcome.replayed, idempotency_key=key)


def idempotent_response(view: F | None = None, *, scope: str = DEFAULT_SCOPE) -> Any:
    """Decorate a DRF view function or method (``post(self, request, ...)``) to run once per ``Idempotency-Key``.

    The view returns a ``Response``; it runs inside ``idempotent_write`` (same guarantees, same
    refusals), so its status and data are stored and replayed. Inside, ``idempotency_key(request)``
    gives the key to hand on to services. Use as ``@idempotent_response`` or
    ``@idempotent_response(scope="shop.api")``, below ``@api_view`` or ``@action``.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = next((arg for arg in args if isinstance(arg, Request)), None)
            if request is None:
                raise TypeError(f"{func.__qualname__} was called without a DRF Request: decorate a DRF view.")
            return idempotent_write(request, perform=lambda key: func(*args, **kwargs), scope=scope)

        return cast(F, wrapper)

    return decorate(view) if view is not None else decorate
