"""The queryset and manager of singleton models: no bulk delete, and updates drop the cached instance."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models

from django_singleton.cache import forget_instance
from django_singleton.exceptions import SingletonDeletionError


class SingletonQuerySet(models.QuerySet):
    """A ``QuerySet`` whose ``delete()`` raises and whose ``update()`` invalidates the request cache."""

    def delete(self) -> NoReturn:
        """Always raises ``SingletonDeletionError``: a singleton's row is never deleted."""
        raise SingletonDeletionError(
            f"{self.model._meta.label} has exactly one row, which cannot be deleted; change its fields instead."
        )

    delete.alters_data = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]

    def update(self, **kwargs: Any) -> int:
        """``QuerySet.update()``, then drop the instance cached by ``get_instance()`` in this request."""
        count = super().update(**kwargs)
        forget_instance(self.model)
        return count

    update.alters_data = True  # type: ignore[attr-defined]


class SingletonManager(models.Manager.from_queryset(SingletonQuerySet)):  # type: ignore[misc]
    """The default manager of every ``SingletonModel``."""


__all__ = ["SingletonManager", "SingletonQuerySet"]
