"""Every setting django-rbac reads, with its default."""

from __future__ import annotations

from django.conf import settings

MIN_LEVEL = 0
MAX_LEVEL = 100
SUPERUSER_LEVEL = MAX_LEVEL


def scope_parents_path() -> str | None:
    """Dotted path of ``callable(obj) -> iterable of ancestor objects`` (``RBAC_SCOPE_PARENTS``).

    ``None`` (the default) means scopes do not nest: a role scoped to a province does not grant
    anything in its communes unless this hook returns the province as an ancestor of the commune.
    """
    return getattr(settings, "RBAC_SCOPE_PARENTS", None)
