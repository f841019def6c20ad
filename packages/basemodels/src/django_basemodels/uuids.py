"""Primary key factories: the configured one (``new_uuid``) and a time-ordered UUIDv7."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from functools import lru_cache

from django.utils.module_loading import import_string

from django_basemodels import conf

_uuid7_lock = threading.Lock()
_uuid7_last = 0


def uuid7() -> uuid.UUID:
    """Return a UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, version 7, then 74 ordered/random bits.

    Guarantees: version 7, RFC 4122 variant, the first 48 bits are the Unix time in milliseconds,
    and values made in one process are strictly increasing, even across threads and if the
    system clock steps back (RFC 9562 method 3: the 12 ``rand_a`` bits hold the sub-millisecond
    fraction, bumped by one when the clock has not moved on). Increasing keys land at the right
    edge of a B-tree index instead of on random pages, which keeps inserts into large tables cheap.
    The last 62 bits come from ``os.urandom``.
    """
    global _uuid7_last
    with _uuid7_lock:
        now = time.time_ns()
        # 48-bit millisecond timestamp and 12-bit sub-millisecond fraction, as one 60-bit clock.
        clock = (now // 1_000_000) << 12 | ((now % 1_000_000) * 4096 // 1_000_000)
        if clock <= _uuid7_last:
            clock = _uuid7_last + 1
        _uuid7_last = clock
    rand_b = int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
    value = (clock >> 12) << 80 | 0x7 << 76 | (clock & 0xFFF) << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)


@lru_cache(maxsize=8)
def _factory(path: str) -> Callable[[], uuid.UUID]:
    return import_string(path)


def new_uuid() -> uuid.UUID:
    """Make a primary key with the factory named by ``BASEMODELS_UUID_FACTORY`` (uuid4 by default).

    The setting is read on every call (so ``override_settings`` applies); the import is cached.
    Raises ``ImportError`` when the path cannot be imported (the system check reports it earlier).
    """
    return _factory(conf.uuid_factory_path())()
