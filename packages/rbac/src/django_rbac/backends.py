"""``RoleBackend``: an authentication backend that answers ``has_perm`` from the user's roles.

It authenticates nobody; put it after the backend that does:
``AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend", "django_rbac.backends.RoleBackend"]``.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from django_rbac import selectors


class RoleBackend:
    """Permissions from roles: global roles answer ``has_perm(perm)``; with ``obj``, roles scoped to it count too.

    Uses the same per-user cache as the other checks. Active superusers are answered by Django's
    ``PermissionsMixin`` before any backend is asked; inactive users get nothing.
    """

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_user(self, user_id: Any) -> None:
        return None

    def get_user_permissions(self, user_obj: Any, obj: models.Model | None = None) -> set[str]:
        return selectors.django_permissions(user_obj, obj)

    def get_group_permissions(self, user_obj: Any, obj: models.Model | None = None) -> set[str]:
        return set()

    def get_all_permissions(self, user_obj: Any, obj: models.Model | None = None) -> set[str]:
        return selectors.django_permissions(user_obj, obj)

    def has_perm(self, user_obj: Any, perm: str, obj: models.Model | None = None) -> bool:
        return perm in selectors.django_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        """Whether the roles give any permission in ``app_label`` (Django's admin index uses this)."""
        prefix = f"{app_label}."
        return any(perm.startswith(prefix) for perm in selectors.django_permissions(user_obj))
