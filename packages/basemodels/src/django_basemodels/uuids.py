"""Primary key factories: the configured one (``new_uuid``) and a time-ordered UUIDv7."""

from __future__ import annotations

import os
import threading
import time
import uuid
from functools import lru_cache
from typing import Callable

from django.utils.module_loading import import_string

from django_basemodels import conf

_uuid7_lock = threading.Lock()
_uuid7_last = 0


def uuid7() -> uuid.UUID:
    """Return a UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits.

    Values made in one process are strictly increasing (a sub-millisecond counter takes the
    12 ``rand_a`` bits), so new rows land at the right edge of a B-tree index instead of at
    random pages, which keeps inserts into large tables cheap.
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
    """Make a primary key with the factory named by ``BASEMODELS_UUID_FACTORY`` (uuid4 by default)."""
    return _factory(conf.uuid_factory_path())()
