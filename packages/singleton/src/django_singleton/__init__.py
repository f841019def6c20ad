"""An abstract Django model with exactly one row (pk 1), its admin mixin and a per-request cache.

``SingletonModel`` is imported from ``django_singleton.models``, ``SingletonAdminMixin`` from
``django_singleton.admin`` (they need the app registry) and the middleware from
``django_singleton.middleware``. The names below are importable from the package root; the
constraint helpers are imported on first use, so ``import django_singleton`` works before the app
registry is ready.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_singleton.cache import singleton_cache
from django_singleton.exceptions import SingletonDeletionError, SingletonError, SingletonViolationError

if TYPE_CHECKING:
    from django_singleton.constraints import SingletonCheckConstraint
    from django_singleton.models import is_singleton_check_constraint, singleton_check_constraint

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_singleton.constraints": ["SingletonCheckConstraint"],
        "django_singleton.models": ["is_singleton_check_constraint", "singleton_check_constraint"],
    },
)

__all__ = [
    "SingletonCheckConstraint",
    "SingletonDeletionError",
    "SingletonError",
    "SingletonViolationError",
    "is_singleton_check_constraint",
    "singleton_cache",
    "singleton_check_constraint",
]
