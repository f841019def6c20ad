"""Request-level idempotency for any Django view: the ``Idempotency-Key`` header, and a response stored with it.

A client that may retry a write (a timeout, a double click) sends ``Idempotency-Key: <token>``. The
first request with the key runs and its response (status and JSON body) is stored with the key, in
the transaction of its effects; a retry of the same request gets that response back and writes
nothing; the same key with another request is refused. ``django_decisioning.drf`` puts this into a
Django REST framework view in one call; this module needs no framework and imports no models, so it
is safe to import anywhere.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import router, transaction

from django_decisioning.canonical import to_json_value
from django_decisioning.exceptions import InvalidIdempotencyKeyError

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
#: The longest header value accepted: room is left in the 255-character key column for the user prefix.
MAX_HEADER_KEY_LENGTH = 200
_VISIBLE_ASCII = re.compile(r"[\x21-\x7e]+")
_FORMS = ("multipart/form-data", "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class RequestOutcome:
    """What a request run by ``respond_once`` answers: the status, the JSON body, and whether it was replayed."""

    status: int
    body: Any
    replayed: bool


def read_idempotency_key(request: Any) -> str | None:
    """The ``Idempotency-Key`` header of ``request`` (a Django or DRF request) as sent, or ``None`` without one.

    Accepted: 1 to ``MAX_HEADER_KEY_LENGTH`` (200) visible ASCII characters (a UUID, for example).
    Raises ``InvalidIdempotencyKeyError`` for anything else (an empty value, spaces, non-ASCII, too long).
    """
    value = request.headers.get(IDEMPOTENCY_KEY_HEADER)
    if value is None:
        return None
    if len(value) > MAX_HEADER_KEY_LENGTH or not _VISIBLE_ASCII.fullmatch(value):
        raise InvalidIdempotencyKeyError(
            f"Use 1 to {MAX_HEADER_KEY_LENGTH} visible ASCII characters (a UUID, for example).",
            header=IDEMPOTENCY_KEY_HEADER,
            value=value,
        )
    return value


def request_idempotency_key(request: Any) -> str | None:
    """The key a request's write runs under: ``"<user pk>:<header>"``, or ``None`` without the header.

    Prefixed with the user's primary key (``None`` when anonymous), so that one user's key never
    replays another user's response. This is the key to hand on to services (``idempotency_key=``).
    Raises ``InvalidIdempotencyKeyError`` like ``read_idempotency_key``.
    """
    raw = read_idempotency_key(request)
    if raw is None:
        return None
    user = getattr(request, "user", None)
    owner = user.pk if user is not None and user.is_authenticated else None
    return f"{owner}:{raw}"


def request_payload(request: Any) -> dict[str, Any]:
    """What identifies a request for its key: ``{"method", "path" (with the query string), "payload"}``.

    ``payload`` is the body as JSON data: DRF's ``request.data``, or a Django form's fields (a
    field sent once as its value, several times as a list), an uploaded file as its name, size and
    sha256, any other body as its text. Floats are kept (they are only hashed and shown).
    """
    return {"method": request.method, "path": request.get_full_path(), "payload": _body_as_json(request)}


def _body_as_json(request: Any) -> Any:
    if hasattr(type(request), "data"):  # Django REST framework's parsed body
        data = request.data
    elif request.content_type in _FORMS:
        data = {**_flat(request.POST), **_flat(request.FILES)}
    else:
        data = request.body.decode("utf-8", errors="replace")
    if hasattr(data, "lists"):  # a form or multipart QueryDict
        data = _flat(data)
    if isinstance(data, dict):
        data = {key: _file_summary(value) if isinstance(value, File) else value for key, value in data.items()}
    return to_json_value(data, allow_floats=True)


def _flat(multi: Any) -> dict[str, Any]:
    return {key: values if len(values) > 1 else values[0] for key, values in multi.lists()}


def _file_summary(file: File) -> dict[str, Any]:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return {"name": file.name, "size": file.size, "sha256": digest.hexdigest()}


class _NotStored(Exception):
    """A refusal the view answered itself (status 400 or more): its writes roll back and the key is released."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"the request was answered with status {status}")
        self.status = status
        self.body = body


def respond_once(
    *,
    scope: str,
    idempotency_key: str | None,
    payload: Any,
    perform: Callable[[], tuple[int, Any]],
) -> RequestOutcome:
    """Run ``perform()`` (the whole write; it returns ``(status, body)``) once per key, and answer for it.

    Without a key, ``perform`` runs in one ``transaction.atomic()``. With one, it runs through
    ``run_once(scope=scope, ...)``: its effects and the stored response (the status and the body as
    JSON data, ``to_json_value(body, allow_floats=True)``) commit together; a repeat with the same
    ``payload`` (use ``request_payload(request)``) returns the stored response with ``replayed``
    true and runs nothing, for as long as the key is kept (``DECISIONING_IDEMPOTENCY_TTL``).

    A status of 400 or more is a refusal: everything ``perform`` wrote rolls back, nothing is stored,
    the key is released, and the outcome carries that status and body. An exception from ``perform``
    rolls back too, releases the key and propagates.

    Raises ``IdempotencyConflictError`` when the key was used with another payload,
    ``IdempotencyInProgressError`` when a request holding the key has not finished (see
    ``run_idempotent``), and ``UnsupportedValueError`` (rolled back) for a body with no JSON form or
    larger than ``DECISIONING_MAX_JSON_BYTES``.
    """
    from django_decisioning.models import IdempotencyKey  # models need the app registry
    from django_decisioning.services import run_once

    produced: list[dict[str, Any]] = []

    def once() -> dict[str, Any]:
        with transaction.atomic(using=router.db_for_write(IdempotencyKey)):
            status, body = perform()
            if status >= 400:
                raise _NotStored(status, body)
            response = {"status": status, "body": to_json_value(body, allow_floats=True)}
        produced.append(response)
        return response

    try:
        stored = run_once(scope=scope, idempotency_key=idempotency_key, func=once, payload=payload)
    except _NotStored as refusal:
        return RequestOutcome(status=refusal.status, body=refusal.body, replayed=False)
    # A repeat reads the response from the key's row: a new object, never one this call produced.
    replayed = not any(stored is response for response in produced)
    return RequestOutcome(status=stored["status"], body=stored["body"], replayed=replayed)
