"""Opt-in automatic tracking of a model's writes: ``register()`` and ``unregister()``.

How it works, per registered model:

- ``post_init`` keeps a snapshot of the tracked fields' loaded values (a dict copied from the
  instance's ``__dict__``: deferred fields are simply absent, so nothing is queried);
- ``save_base`` is wrapped in ``transaction.atomic(savepoint=False)`` so the row and its entry
  commit or roll back together (in autocommit mode it opens the transaction; inside one it
  costs nothing), and remembers whether the instance was new;
- ``post_save`` compares the saved values with the snapshot and writes a ``create`` entry, or an
  ``update`` entry when a tracked field changed (never by re-reading the row), then refreshes the
  snapshot; ``post_delete`` writes a ``delete`` entry with the last known values;
- ``refresh_from_db`` is wrapped to refresh the snapshot;
- every manager of the model (the base manager too, so related managers and the deletion
  collector's ``SET_NULL`` updates are covered) gets a queryset class with ``TrackingQuerySetMixin``,
  whose ``update()``, ``delete()``, ``bulk_create()`` and ``bulk_update()`` write one entry per
  affected row in the same transaction as the write.

Call ``register()`` from an ``AppConfig.ready()``, before related managers are first used.

The modules: ``registry`` (which models are tracked, and how), ``diff`` (snapshots, what changed,
the entries and the signal receivers), ``querysets`` (the tracked queryset and manager classes) and
``patching`` (what ``register()`` installs on a model and ``unregister()`` removes).
"""

from django_audit_log.tracking.querysets import TrackingQuerySetMixin, tracked_queryset_class
from django_audit_log.tracking.registry import Registration, TrackedField, register, registration_for, unregister

__all__ = [
    "Registration",
    "TrackedField",
    "TrackingQuerySetMixin",
    "register",
    "registration_for",
    "tracked_queryset_class",
    "unregister",
]
