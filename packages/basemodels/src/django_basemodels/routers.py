"""Read replicas: selectors read from a replica, everything that writes or locks goes to the primary.

    DATABASES = {"default": {...primary...}, "replica": {...hot standby...}}
    DATABASE_ROUTERS = ["django_basemodels.routers.PrimaryReplicaRouter"]
    BASEMODELS_READ_REPLICAS = ["replica"]

Every package's selectors ask ``router.db_for_read`` for their database and every service runs in
``transaction.atomic()`` on the primary, so the routing below is the whole of it:

- writes, ``select_for_update`` (Django routes a locking read as a write) and migrations: the primary;
- a read while the primary has a transaction open in this thread (inside a service, inside
  ``atomic()``): the primary, so a service never decides on a replica's older state;
- a read inside ``use_primary()`` (read-your-writes after a commit): the primary;
- any other read: a replica, picked by thread so one request's reads see one replica.

A replica lags: a read there sees the primary's state of a moment ago. ``wait_for_replica`` (in
``django_basemodels.replication``) waits until a PostgreSQL standby has replayed everything the
primary had written when it was called.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connections

from django_basemodels import conf

_pinned: ContextVar[int] = ContextVar("django_basemodels_primary_pinned", default=0)


@contextmanager
def use_primary() -> Iterator[None]:
    """Route every read in the block to the primary (read-your-writes after a commit). Nests."""
    token = _pinned.set(_pinned.get() + 1)
    try:
        yield
    finally:
        _pinned.reset(token)


class PrimaryReplicaRouter:
    """Reads to ``BASEMODELS_READ_REPLICAS``, the rest to ``BASEMODELS_PRIMARY_DATABASE`` (module docstring)."""

    def _primary(self) -> str:
        return str(conf.primary_database())

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        primary = self._primary()
        replicas = list(conf.read_replicas())
        if not replicas or _pinned.get() or connections[primary].in_atomic_block:
            return primary
        instance = hints.get("instance")
        if instance is not None and instance._state.db == primary and instance._state.adding is False:
            # Related rows of an object read from the primary come from there too.
            return primary
        return replicas[zlib.crc32(str(threading.get_ident()).encode()) % len(replicas)]

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return self._primary()

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Primary and replicas hold the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool | None:
        return db not in set(conf.read_replicas())
