"""Every setting django-decisioning reads, with its default."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

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

    ``None`` (the default) waits until the first call commits or rolls back. A ``timedelta``
    makes a duplicate that waited that long raise ``IdempotencyInProgress`` (PostgreSQL only:
    SQLite serialises writers and uses its own busy timeout).
    """
    return getattr(settings, "DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT", DEFAULT_IDEMPOTENCY_LOCK_TIMEOUT)
