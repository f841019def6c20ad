"""Read paths: a user's effective roles and permissions, loaded once per user object.

The first check on a user object runs at most two queries (the user's current assignments with
their roles, then the Django permissions of those roles); the result is kept on the object
(like ``ModelBackend``'s ``_perm_cache``), so every later check, scoped or not, runs none.
A request's ``request.user`` is a fresh object per request, hence "loaded once per request".
The services clear the cache of the user objects they change; ``clear_cache(user)`` does it by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from django_basemodels.fields import canonical_object_id
from django_rbac import conf
from django_rbac.models import Role, UserRole

CACHE_ATTRIBUTE = "_rbac_effective_cache"

# (app_label, model_name, canonical object id): computed from an instance without a query.
ScopeKey = tuple[str, str, str]


@dataclass(frozen=True)
class Grants:
    """What a set of assignments gives: role slugs, module permissions and Django permissions."""

    roles: frozenset[str] = frozenset()
    module_permissions: frozenset[str] = frozenset()
    django_permissions: frozenset[str] = frozenset()
    level: int = 0


@dataclass(frozen=True)
class EffectivePermissions:
    """The roles of one user as loaded at one moment (``is_active``/``is_superuser`` are read live from the user)."""

    everywhere: Grants = field(default_factory=Grants)
    by_scope: dict[ScopeKey, Grants] = field(default_factory=dict)

    @property
    def role_level(self) -> int:
        """The highest level among all current roles, scoped or not (0 without any)."""
        return max([self.everywhere.level, *(grants.level for grants in self.by_scope.values())])

    def holds_anywhere(self, role_slug: str) -> bool:
        """Whether the role is held globally or in any scope."""
        return any(role_slug in grants.roles for grants in (self.everywhere, *self.by_scope.values()))

    def grants_for(self, scope: models.Model | None) -> list[Grants]:
        """The grants that apply to ``scope``: the global ones, plus those of the scope and its ancestors."""
        if scope is None:
            return [self.everywhere]
        found = [self.everywhere]
        for candidate in scope_chain(scope):
            grants = self.by_scope.get(scope_key(candidate))
            if grants is not None:
                found.append(grants)
        return found


def scope_key(obj: models.Model) -> ScopeKey:
    """The key under which assignments scoped to ``obj`` are cached (matches ``ContentType.get_for_model``)."""
    if obj.pk is None:
        raise ValueError(f"{obj!r} has no primary key yet; save it before using it as a scope.")
    opts = (obj._meta.concrete_model or type(obj))._meta
    return (opts.app_label, str(opts.model_name), canonical_object_id(obj.pk))


@lru_cache(maxsize=4)
def _parents_hook(path: str) -> Callable[[models.Model], Iterable[models.Model]]:
    return import_string(path)


def scope_chain(scope: models.Model) -> list[models.Model]:
    """``scope`` followed by its ancestors from the ``RBAC_SCOPE_PARENTS`` hook (none when unset)."""
    path = conf.scope_parents_path()
    if not path:
        return [scope]
    return [scope, *_parents_hook(path)(scope)]


def _load(user: Any) -> EffectivePermissions:
    rows = list(
        UserRole.objects.current()
        .filter(user_id=user.pk)
        .values_list(
            "role_id",
            "role__slug",
            "role__hierarchy_level",
            "role__module_permissions",
            "scope_type__app_label",
            "scope_type__model",
            "scope_id",
        )
    )
    django_permissions: dict[Any, set[str]] = {}
    if rows:
        through = Role.permissions.through.objects.filter(role_id__in={row[0] for row in rows})
        for role_id, app_label, codename in through.values_list(
            "role_id", "permission__content_type__app_label", "permission__codename"
        ):
            django_permissions.setdefault(role_id, set()).add(f"{app_label}.{codename}")

    collected: dict[ScopeKey | None, dict[str, Any]] = {}
    for role_id, slug, level, module_permissions, app_label, model, scope_id in rows:
        key = None if app_label is None else (app_label, model, scope_id)
        bucket = collected.setdefault(key, {"roles": set(), "module": set(), "django": set(), "level": 0})
        bucket["roles"].add(slug)
        bucket["module"].update(module_permissions or [])
        bucket["django"].update(django_permissions.get(role_id, ()))
        bucket["level"] = max(bucket["level"], level)

    def freeze(bucket: dict[str, Any]) -> Grants:
        return Grants(
            roles=frozenset(bucket["roles"]),
            module_permissions=frozenset(bucket["module"]),
            django_permissions=frozenset(bucket["django"]),
            level=bucket["level"],
        )

    everywhere = collected.pop(None, None)
    return EffectivePermissions(
        everywhere=freeze(everywhere) if everywhere else Grants(),
        by_scope={key: freeze(bucket) for key, bucket in collected.items() if key is not None},
    )


def effective_permissions(user: Any, *, refresh: bool = False) -> EffectivePermissions:
    """The user's current roles and permissions, loaded on first use and cached on ``user``.

    Anonymous users (and unsaved ones) get an empty result and nothing is cached.
    ``refresh=True`` reloads from the database (the services do this before deciding).
    """
    if user is None or getattr(user, "is_anonymous", False) or getattr(user, "pk", None) is None:
        return EffectivePermissions()
    cached = None if refresh else getattr(user, CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = _load(user)
        setattr(user, CACHE_ATTRIBUTE, cached)
    return cached


def is_active(user: Any) -> bool:
    """Whether ``user`` is a signed-in, active user (read from the object, never cached)."""
    return bool(user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def is_active_superuser(user: Any) -> bool:
    """Whether ``user`` is an active superuser: they pass every permission and level check."""
    return is_active(user) and bool(getattr(user, "is_superuser", False))


def clear_cache(user: Any) -> None:
    """Forget the roles and permissions cached on ``user``; the next check reloads them."""
    if user is not None and hasattr(user, CACHE_ATTRIBUTE):
        delattr(user, CACHE_ATTRIBUTE)


def hierarchy_level(user: Any, scope: models.Model | None = None) -> int:
    """The user's level: 100 for a superuser, else the highest level of their current roles, 0 without any.

    Without ``scope`` every current role counts, scoped or not (the user's rank, used to decide
    who may manage whom). With ``scope`` only the global roles and the roles scoped to ``scope``
    (or an ancestor, see ``RBAC_SCOPE_PARENTS``) count.
    """
    if getattr(user, "is_superuser", False):
        return conf.SUPERUSER_LEVEL
    effective = effective_permissions(user)
    if scope is None:
        return effective.role_level
    return max(grants.level for grants in effective.grants_for(scope))


def global_hierarchy_level(user: Any) -> int:
    """The level given by the user's global (unscoped) roles only; 100 for a superuser."""
    if getattr(user, "is_superuser", False):
        return conf.SUPERUSER_LEVEL
    return effective_permissions(user).everywhere.level


def meets_hierarchy_level(user: Any, level: int) -> bool:
    """Whether ``user`` is active and at ``level`` or above."""
    return is_active(user) and hierarchy_level(user) >= level


def can_manage_user(user: Any, other: Any) -> bool:
    """Whether ``user`` is active, is not ``other``, and ranks strictly above ``other``."""
    if other is None or getattr(other, "pk", None) is None or other.pk == getattr(user, "pk", None):
        return False
    return is_active(user) and hierarchy_level(user) > hierarchy_level(other)


def get_manageable_roles(user: Any) -> QuerySet[Role]:
    """Roles strictly below the user's level (none for an inactive or anonymous user)."""
    if not is_active(user):
        return Role.objects.none()
    return Role.objects.filter(hierarchy_level__lt=hierarchy_level(user))


def manageable_users(user: Any) -> QuerySet[Any]:
    """Users ranking strictly below ``user`` (superusers and ``user`` excluded), as one query."""
    user_model = get_user_model()
    level = hierarchy_level(user)
    if not is_active(user) or level == 0:
        return user_model._default_manager.none()
    superiors = UserRole.objects.current().filter(role__hierarchy_level__gte=level).values("user_id")
    users = user_model._default_manager.exclude(pk=user.pk).exclude(pk__in=superiors)
    if any(f.name == "is_superuser" for f in user_model._meta.get_fields()):
        users = users.exclude(is_superuser=True)
    return users


def _module_permission_granted(granted: frozenset[str], module: str, action: str) -> bool:
    return f"{module}.{action}" in granted or f"{module}.*" in granted


def has_module_permission(user: Any, module: str, action: str, scope: models.Model | None = None) -> bool:
    """Whether ``user`` may do ``action`` in ``module`` (globally, or for ``scope`` when given).

    Active superusers may do everything; inactive users nothing. A global role grants
    everywhere; a scoped role grants only for its scope (and the scope's descendants when
    ``RBAC_SCOPE_PARENTS`` says so). Without ``scope``, only global roles count.
    """
    if not is_active(user):
        return False
    if is_active_superuser(user):
        return True
    return any(
        _module_permission_granted(grants.module_permissions, module, action)
        for grants in effective_permissions(user).grants_for(scope)
    )


def has_role(user: Any, role: Role | str, scope: models.Model | None = None) -> bool:
    """Whether ``user`` currently holds ``role`` (a ``Role`` or its slug) globally, or for ``scope``.

    This reports assignments as they are: superuser status does not imply any role.
    """
    slug = role.slug if isinstance(role, Role) else role
    return is_active(user) and any(slug in grants.roles for grants in effective_permissions(user).grants_for(scope))


def django_permissions(user: Any, obj: models.Model | None = None) -> set[str]:
    """``"app_label.codename"`` permissions that the user's roles give (for ``obj``'s scope when given)."""
    if not is_active(user):
        return set()
    found: set[str] = set()
    for grants in effective_permissions(user).grants_for(obj):
        found.update(grants.django_permissions)
    return found
