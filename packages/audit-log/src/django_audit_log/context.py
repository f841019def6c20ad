"""The request context of the code now running (client address, user agent, request id, user).

The middleware sets it for each request in a ``contextvars`` variable, so it follows the
request into async views and into ``sync_to_async`` threads, and entries written anywhere
below the view pick it up without being handed the request. ``audit_context()`` sets it by
hand for work outside a request (a management command, a task queue job); ``backdate()`` keeps
it and makes the entries written in a block effective at an earlier time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django_audit_log import conf
from django_audit_log.exceptions import InvalidAuditEntryError
from django_basemodels.arguments import require_aware

USER_AGENT_MAX_LENGTH = 512
REQUEST_ID_MAX_LENGTH = 128
_REQUEST_ID = re.compile(rf"[A-Za-z0-9._:=/+-]{{1,{REQUEST_ID_MAX_LENGTH}}}")


@dataclass(frozen=True)
class RequestContext:
    """What an entry records about the request it was written in."""

    ip_address: str | None = None
    user_agent: str = ""
    request_id: str = ""
    #: Returns the acting user; called only when an entry is written without an explicit actor.
    user_getter: Callable[[], Any] = field(default=lambda: None, repr=False, compare=False)
    #: When the entries written in this context take effect (``None``: when they are recorded).
    effective_at: dt.datetime | None = None

    def actor(self) -> Any:
        """The authenticated user of the request, or ``None`` (anonymous users are ``None``)."""
        user = self.user_getter()
        return user if getattr(user, "is_authenticated", False) else None


_current: ContextVar[RequestContext | None] = ContextVar("django_audit_log_request_context", default=None)


def current_context() -> RequestContext | None:
    """The request context set by the middleware or ``audit_context()``, or ``None`` outside one."""
    return _current.get()


@contextmanager
def audit_context(
    *,
    actor: Any = None,
    ip_address: str | None = None,
    user_agent: str = "",
    request_id: str | None = None,
    effective_at: dt.datetime | None = None,
) -> Iterator[RequestContext]:
    """Run the block with this context, as if it were a request (the previous context comes back after).

    ``request_id`` defaults to a new one; an invalid ``ip_address`` is stored as ``None``. With
    ``effective_at`` (aware, not in the future) every entry written in the block that does not name its
    own is effective then (tracked writes included); raises ``InvalidAuditEntryError`` otherwise, before
    the block runs.
    """
    context = RequestContext(
        ip_address=clean_ip_address(ip_address),
        user_agent=(user_agent or "")[:USER_AGENT_MAX_LENGTH],
        request_id=clean_request_id(request_id) or new_request_id(),
        user_getter=lambda: actor,
        effective_at=_checked_effective_at(effective_at),
    )
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


@contextmanager
def backdate(effective_at: dt.datetime) -> Iterator[RequestContext]:
    """Make the entries written in the block effective at ``effective_at`` (aware, not in the future),
    keeping the current context (the request's address, user agent, request id and user).

    For the tracked writes of a change that took effect earlier than it is entered (a consent signed
    on paper yesterday). Their ``recorded_at`` stays the time of writing. Raises
    ``InvalidAuditEntryError`` for a naive, non-datetime or future ``effective_at``, before the block runs.
    """
    when = _checked_effective_at(effective_at)
    if when is None:
        raise InvalidAuditEntryError("backdate() needs the time the entries take effect, not None.")
    context = dataclasses.replace(current_context() or RequestContext(), effective_at=when)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def _checked_effective_at(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    return require_aware(value, name="effective_at", error=InvalidAuditEntryError, allow_none=False, not_in_future=True)


def set_context(context: RequestContext | None) -> Any:
    """Set the context; returns the token that ``reset_context()`` takes (for the middleware)."""
    return _current.set(context)


def reset_context(token: Any) -> None:
    """Restore the context that was current before ``set_context()`` returned ``token``."""
    _current.reset(token)


def new_request_id() -> str:
    """A fresh request id: 32 lowercase hex digits."""
    return uuid.uuid4().hex


def clean_request_id(value: str | None) -> str:
    """``value`` if it is a usable request id (1-128 of ``A-Za-z0-9._:=/+-``), else ``""``."""
    if value and _REQUEST_ID.fullmatch(value):
        return value
    return ""


def clean_ip_address(value: str | None) -> str | None:
    """The normalised address in ``value``, or ``None`` when it is not an IPv4 or IPv6 address."""
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(meta: dict[str, Any]) -> str | None:
    """The client address of a request, from ``AUDIT_LOG_IP_HEADER``.

    A list header such as ``X-Forwarded-For`` is read from the right: with ``AUDIT_LOG_PROXY_COUNT``
    trusted proxies each appending the address it saw, the client is that many entries from the end
    (entries further left were written by the client and cannot be trusted).
    """
    raw = meta.get(conf.ip_header()) or ""
    parts = [part.strip() for part in str(raw).split(",") if part.strip()]
    if not parts:
        return None
    count = conf.proxy_count()
    return clean_ip_address(parts[-count] if len(parts) >= count else parts[0])


def context_from_request(request: Any) -> RequestContext:
    """Build the context of a Django ``HttpRequest`` (the middleware's ``request.request_id`` if set)."""
    meta = request.META
    header_key = "HTTP_" + conf.request_id_header().upper().replace("-", "_")
    request_id = clean_request_id(getattr(request, "request_id", None)) or clean_request_id(meta.get(header_key))
    return RequestContext(
        ip_address=client_ip(meta),
        user_agent=str(meta.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX_LENGTH],
        request_id=request_id,
        user_getter=lambda: getattr(request, "user", None),
    )
