"""Every setting django-decisioning reads, with its default."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH

# Evidence holds what other packages pass on (reasons, descriptions, terms), each within its own cap of
# up to 10,000 characters, which JSON writes in up to 12 bytes each: room for several such values.
DEFAULT_MAX_JSON_BYTES = 1_048_576

DEFAULT_IDEMPOTENCY_TTL = timedelta(days=1)
DEFAULT_IDEMPOTENCY_LOCK_TIMEOUT = None


def idempotency_ttl() -> Any:
    """How long an idempotency key is kept (``DECISIONING_IDEMPOTENCY_TTL``; ``None``: forever).

    A key past its ``expires_at`` is treated as absent and may be purged with
    ``manage.py purge_idempotency_keys``.
    """
    return getattr(settings, "DECISIONING_IDEMPOTENCY_TTL", DEFAULT_IDEMPOTENCY_TTL)


def idempotency_lock_timeout() -> Any:
    """How long a duplicate call waits for the first one (``DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT``).

    ``None`` (the default) waits until the first call commits or rolls back (on MariaDB/MySQL, at
    most the server's ``innodb_lock_wait_timeout``). A ``timedelta`` makes a duplicate that waited
    that long raise ``IdempotencyInProgressError`` (PostgreSQL and MariaDB/MySQL, where a row lock wait
    counts in whole seconds; SQLite serialises writers and uses its own busy timeout).
    """
    return getattr(settings, "DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT", DEFAULT_IDEMPOTENCY_LOCK_TIMEOUT)


def max_json_bytes() -> Any:
    """The largest JSON a caller may have stored, in bytes (``DECISIONING_MAX_JSON_BYTES``).

    It bounds a decision's ``evidence`` (``record_decision`` raises ``InvalidDecisionError`` beyond it)
    and the JSON result an idempotent call stores for its repeats (``UnsupportedValueError``). Read at
    each call, so ``override_settings`` works. Returned as configured; ``checks.check_settings``
    reports a value that is not a positive integer.
    """
    return getattr(settings, "DECISIONING_MAX_JSON_BYTES", DEFAULT_MAX_JSON_BYTES)


def max_text_length() -> Any:
    """The longest error text kept on a failed idempotency key, in characters (``DECISIONING_MAX_TEXT_LENGTH``).

    The text of the exception is cut there: a failure is recorded, never refused. Returned as
    configured; ``checks.check_settings`` reports a value that is not a positive integer.
    """
    return getattr(settings, "DECISIONING_MAX_TEXT_LENGTH", DEFAULT_MAX_TEXT_LENGTH)


def is_positive_int(value: Any) -> bool:
    """Whether ``value`` is a usable limit: an ``int`` (not a ``bool``) above zero."""
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
