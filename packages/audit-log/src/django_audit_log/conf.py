"""Every setting django-audit-log reads, with its default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_JSON_BYTES

#: Keys whose values are stored as ``"[REDACTED]"`` in changes and metadata (matched case-insensitively).
DEFAULT_REDACT_FIELDS: tuple[str, ...] = (
    "password",
    "passwd",
    "pwd",
    "secret",
    "client_secret",
    "token",
    "access_token",
    "refresh_token",
    "id_token",
    "api_key",
    "apikey",
    "private_key",
    "authorization",
    "cookie",
    "session_key",
    "otp",
    "pin",
    "cvv",
    "card_number",
    "ssn",
)
DEFAULT_REQUEST_ID_HEADER = "X-Request-ID"
DEFAULT_IP_HEADER = "REMOTE_ADDR"
REDACTED = "[REDACTED]"


def redact_fields() -> Any:
    """``AUDIT_LOG_REDACT_FIELDS``: names redacted everywhere (replaces ``DEFAULT_REDACT_FIELDS`` when set)."""
    return getattr(settings, "AUDIT_LOG_REDACT_FIELDS", DEFAULT_REDACT_FIELDS)


def hash_chain_enabled() -> Any:
    """``AUDIT_LOG_HASH_CHAIN``: chain every new entry to the previous one with SHA-256 (default ``False``)."""
    return getattr(settings, "AUDIT_LOG_HASH_CHAIN", False)


def request_id_header() -> Any:
    """``AUDIT_LOG_REQUEST_ID_HEADER``: HTTP header read for, and set to, the request id."""
    return getattr(settings, "AUDIT_LOG_REQUEST_ID_HEADER", DEFAULT_REQUEST_ID_HEADER)


def ip_header() -> Any:
    """``AUDIT_LOG_IP_HEADER``: ``request.META`` key holding the client address (``REMOTE_ADDR``)."""
    return getattr(settings, "AUDIT_LOG_IP_HEADER", DEFAULT_IP_HEADER)


def proxy_count() -> Any:
    """``AUDIT_LOG_PROXY_COUNT``: trusted proxies appending to ``AUDIT_LOG_IP_HEADER`` (default 1)."""
    return getattr(settings, "AUDIT_LOG_PROXY_COUNT", 1)


def max_json_bytes() -> Any:
    """``AUDIT_LOG_MAX_JSON_BYTES``: the largest ``changes`` and ``metadata`` of an entry, in bytes of JSON.

    ``log()`` and ``log_event()`` refuse more (``InvalidAuditEntryError``); a tracked write stores
    a summarised diff instead (``django_audit_log.limits``). Read at each write.
    """
    return getattr(settings, "AUDIT_LOG_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES)
