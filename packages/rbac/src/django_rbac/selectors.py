"""Read paths: a user's effective roles and permissions, loaded once per user object.

The first check on a user object runs at most two queries (the user's current assignments with
their roles, then the Django permissions of those roles); the result is kept on the object
(like ``ModelBackend``'s ``_perm_cache``), so every later check, scoped or not, runs none.
A request's ``request.user`` is a fresh object per request, hence "loaded once per request".
The services clear the cache of the user objects they change; ``clear_cache(user)`` does it by hand.

Many organizations: a role belongs to one organization (``Role.org_key``) and gives permissions
there only. The checks take ``org=``: ``ANY_ORG`` (the default of the permission and level checks)
counts the roles of every organization together, as before organizations; ``None`` the roles of no
organization; an organization (a saved instance or a string key) its roles alone. ``has_role`` with
a slug looks the role up by its natural key, so its ``org`` defaults to ``None``. The same cache
answers every organization: the first check still runs at most two queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import QuerySet
from django.utils.module_loading import import_string

from django_basemodels.fields import canonical_object_id
from django_basemodels.tenancy import ANY_ORG, org_key
from django_rbac import conf
from django_rbac.models import Role, UserRole

if TYPE_CHECKING:
    from django_basemodels.tenancy import OrgLike, _AnyOrg

    OrgFilter = OrgLike | _AnyOrg

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
    # The part given by the roles of each organization, by org_key ("" for the roles of no organization).
    orgs: dict[str, EffectivePermissions] = field(default_factory=dict)

    def for_org(self, org: OrgFilter) -> EffectivePermissions:
        """The part given by the roles of ``org`` (``None``: roles of no organization; ``ANY_ORG``: all of it).

        Called on what ``effective_permissions`` returns (a part has no parts of its own). No query.
        Raises ``django_basemodels.InvalidOrgError`` for an ``org`` that names no organization.
        """
        if org is ANY_ORG:
            return self
        return self.orgs.get(org_key(cast("OrgLike", org)), NO_PERMISSIONS)

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


NO_PERMISSIONS = EffectivePermissions()


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
            "role__org_key",
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

    # Every role's grants go to the whole (every organization) and to the part of the role's organization.
    collected: dict[ScopeKey | None, dict[str, Any]] = {}
    collected_by_org: dict[str, dict[ScopeKey | None, dict[str, Any]]] = {}
    for role_id, role_org_key, slug, level, module_permissions, app_label, model, scope_id in rows:
        key = None if app_label is None else (app_label, model, scope_id)
        for buckets in (collected, collected_by_org.setdefault(role_org_key, {})):
            bucket = buckets.setdefault(key, {"roles": set(), "module": set(), "django": set(), "level": 0})
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

    def assemble(buckets: dict[ScopeKey | None, dict[str, Any]], **parts: Any) -> EffectivePermissions:
        everywhere = buckets.get(None)
        return EffectivePermissions(
            everywhere=freeze(everywhere) if everywhere else Grants(),
            by_scope={key: freeze(bucket) for key, bucket in buckets.items() if key is not None},
            **parts,
        )

    return assemble(collected, orgs={key: assemble(buckets) for key, buckets in collected_by_org.items()})


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


def hierarchy_level(user: Any, scope: models.Model | None = None, *, org: OrgFilter = ANY_ORG) -> int:
    """The user's level: 100 for a superuser, else the highest level of their current roles, 0 without any.

    Without ``scope`` every current role counts, scoped or not (the user's rank, used to decide
    who may manage whom). With ``scope`` only the global roles and the roles scoped to ``scope``
    (or an ancestor, see ``RBAC_SCOPE_PARENTS``) count. With ``org`` only the roles of that
    organization count (``None``: of no organization; the default ``ANY_ORG``: of every one).
    """
    if getattr(user, "is_superuser", False):
        return conf.SUPERUSER_LEVEL
    effective = effective_permissions(user).for_org(org)
    if scope is None:
        return effective.role_level
    return max(grants.level for grants in effective.grants_for(scope))


def global_hierarchy_level(user: Any, *, org: OrgFilter = ANY_ORG) -> int:
    """The level given by the user's global (unscoped) roles only (of ``org``, as ``hierarchy_level``); 100 for a
    superuser."""
    if getattr(user, "is_superuser", False):
        return conf.SUPERUSER_LEVEL
    return effective_permissions(user).for_org(org).everywhere.level


def meets_hierarchy_level(user: Any, level: int, *, org: OrgFilter = ANY_ORG) -> bool:
    """Whether ``user`` is active and at ``level`` or above (counting the roles of ``org``, as ``hierarchy_level``)."""
    return is_active(user) and hierarchy_level(user, org=org) >= level


def can_manage_user(user: Any, other: Any, *, org: OrgFilter = ANY_ORG) -> bool:
    """Whether ``user`` is active, is not ``other``, and ranks strictly above ``other`` (both ranked by the roles of
    ``org``, as ``hierarchy_level``)."""
    if other is None or getattr(other, "pk", None) is None or other.pk == getattr(user, "pk", None):
        return False
    return is_active(user) and hierarchy_level(user, org=org) > hierarchy_level(other, org=org)


def get_manageable_roles(user: Any, *, org: OrgFilter = ANY_ORG) -> QuerySet[Role]:
    """Roles strictly below the user's level (none for an inactive or anonymous user).

    With ``org``, the roles of that organization below the user's level there (``None``: of no
    organization); the default ``ANY_ORG`` lists the roles of every organization below the user's
    highest level anywhere, as before organizations. Raises ``InvalidOrgError`` for a bad ``org``.
    """
    roles = Role.objects.for_org(org)
    if not is_active(user):
        return roles.none()
    return roles.filter(hierarchy_level__lt=hierarchy_level(user, org=org))


def manageable_users(user: Any, *, org: OrgFilter = ANY_ORG) -> QuerySet[Any]:
    """Users ranking strictly below ``user`` (superusers and ``user`` excluded), as one query.

    With ``org``, ranks are those given by the roles of that organization (``None``: of no
    organization); the default ``ANY_ORG`` counts every role, as before organizations.
    """
    user_model = get_user_model()
    level = hierarchy_level(user, org=org)
    if not is_active(user) or level == 0:
        return user_model._default_manager.none()
    superiors = UserRole.objects.current().for_org(org).filter(role__hierarchy_level__gte=level).values("user_id")
    users = user_model._default_manager.exclude(pk=user.pk).exclude(pk__in=superiors)
    if any(f.name == "is_superuser" for f in user_model._meta.get_fields()):
        users = users.exclude(is_superuser=True)
    return users


def _module_permission_granted(granted: frozenset[str], module: str, action: str) -> bool:
    return f"{module}.{action}" in granted or f"{module}.*" in granted


def has_module_permission(
    user: Any, module: str, action: str, scope: models.Model | None = None, *, org: OrgFilter = ANY_ORG
) -> bool:
    """Whether ``user`` may do ``action`` in ``module`` (globally, or for ``scope`` when given).

    Active superusers may do everything; inactive users nothing. A global role grants
    everywhere; a scoped role grants only for its scope (and the scope's descendants when
    ``RBAC_SCOPE_PARENTS`` says so). Without ``scope``, only global roles count. With ``org``,
    only the roles of that organization count (``None``: of no organization; the default
    ``ANY_ORG``: of every one).
    """
    if not is_active(user):
        return False
    if is_active_superuser(user):
        return True
    return any(
        _module_permission_granted(grants.module_permissions, module, action)
        for grants in effective_permissions(user).for_org(org).grants_for(scope)
    )


def has_role(user: Any, role: Role | str, scope: models.Model | None = None, *, org: OrgFilter = None) -> bool:
    """Whether ``user`` currently holds ``role`` globally, or for ``scope``.

    ``role`` is a ``Role`` (of its own organization; ``org`` is then not used) or a slug, which
    names a role of ``org``: by default ``None``, the role of no organization; ``ANY_ORG``, a
    role with that slug in any organization. This reports assignments as they are: superuser
    status does not imply any role. Raises ``InvalidOrgError`` for a bad ``org``.
    """
    if isinstance(role, Role):
        slug, org = role.slug, role.org_key or None
    else:
        slug = role
    if not is_active(user):
        return False
    return any(slug in grants.roles for grants in effective_permissions(user).for_org(org).grants_for(scope))


def django_permissions(user: Any, obj: models.Model | None = None, *, org: OrgFilter = ANY_ORG) -> set[str]:
    """``"app_label.codename"`` permissions that the user's roles give (for ``obj``'s scope when given).

    With ``org``, only those of the roles of that organization (``None``: of no organization; the
    default ``ANY_ORG``: of every one, which is what ``user.has_perm`` answers through ``RoleBackend``).
    """
    if not is_active(user):
        return set()
    found: set[str] = set()
    for grants in effective_permissions(user).for_org(org).grants_for(obj):
        found.update(grants.django_permissions)
    return found
