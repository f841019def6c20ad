"""``RBACUserMixin``: role methods on a custom user model (the same functions live in ``selectors``)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet

from django_basemodels.tenancy import ANY_ORG
from django_rbac import selectors


class RBACUserMixin:
    """Add to a custom user model: ``class User(RBACUserMixin, AbstractUser): ...``.

    Adds no fields, so it needs no migration of its own.
    """

    @property
    def hierarchy_level(self) -> int:
        """100 for a superuser, else the highest level of the user's current roles (0 without any)."""
        return selectors.hierarchy_level(self)

    def can_manage_user(self, other: Any, *, org: Any = ANY_ORG) -> bool:
        """Whether this user ranks strictly above ``other`` (and is not ``other``), in ``org`` when given."""
        return selectors.can_manage_user(self, other, org=org)

    def get_manageable_roles(self, *, org: Any = ANY_ORG) -> QuerySet[Any]:
        """Roles strictly below this user's level (of ``org`` and below the level there, when given)."""
        return selectors.get_manageable_roles(self, org=org)

    def has_module_permission(
        self, module: str, action: str, scope: models.Model | None = None, *, org: Any = ANY_ORG
    ) -> bool:
        """Whether this user may do ``action`` in ``module``, globally or for ``scope`` (by the roles of ``org`` when
        given)."""
        return selectors.has_module_permission(self, module, action, scope=scope, org=org)

    def has_role(self, role: Any, scope: models.Model | None = None, *, org: Any = None) -> bool:
        """Whether this user currently holds ``role`` (a ``Role``, or its slug in ``org``: by default, of no
        organization), globally or for ``scope``."""
        return selectors.has_role(self, role, scope=scope, org=org)

    def clear_rbac_cache(self) -> None:
        """Forget cached roles and permissions; the next check reloads them."""
        selectors.clear_cache(self)
