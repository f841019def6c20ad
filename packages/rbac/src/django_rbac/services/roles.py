"""Define roles: ``create_role``, ``update_role``, ``delete_role``, and the check the admin form shares.

Nobody defines, changes or deletes a role at or above their own level, nor puts into a role a
permission they do not hold (``RoleLevelTooHighError``, ``PermissionNotHeldError``). Both are
judged within the role's organization: the actor's roles of another organization count for nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import auth
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from django_basemodels.arguments import renamed_keywords
from django_basemodels.tenancy import InvalidOrgError, OrgLike, org_key
from django_rbac import selectors
from django_rbac.backends import RoleBackend
from django_rbac.exceptions import InvalidRoleError, PermissionNotHeldError, RoleLevelTooHighError
from django_rbac.models import Role, UserRole, validate_module_permissions
from django_rbac.services.rules import (
    authority_level,
    org_of_key,
    require_active_actor,
    stored_role_or_invalid,
    stored_user,
)

_UNCHANGED: Any = object()


def _resolve_permissions(permissions: Iterable[Permission | str]) -> list[Permission]:
    resolved: list[Permission] = []
    for item in permissions:
        if isinstance(item, Permission):
            resolved.append(item)
            continue
        app_label, _, codename = str(item).partition(".")
        found = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if found is None:
            raise InvalidRoleError(f"No permission {item!r} (expected 'app_label.codename').")
        resolved.append(found)
    return resolved


def _permission_name(permission: Permission) -> str:
    return f"{permission.content_type.app_label}.{permission.codename}"


def _holds(actor: Any, permission: str, org: OrgLike) -> bool:
    """Whether ``actor`` holds ``permission`` in ``org``: as an active superuser, through the roles of ``org``, or
    through another authentication backend (a user's or group's own permissions, which no organization bounds)."""
    if selectors.is_active_superuser(actor) or permission in selectors.django_permissions(actor, org=org):
        return True
    if not hasattr(actor, "has_perm"):  # pragma: no cover  (user models without PermissionsMixin)
        return False
    # As PermissionsMixin.has_perm asks the backends, but for RoleBackend, which counts every organization's roles.
    for backend in auth.get_backends():
        if isinstance(backend, RoleBackend) or not hasattr(backend, "has_perm"):
            continue
        try:
            if backend.has_perm(actor, permission):
                return True
        except PermissionDenied:
            return False
    return False


def _in(key: str) -> str:
    return f" in organization {key!r}" if key else ""


@renamed_keywords(actor="by")
def check_role_definition(
    *,
    by: Any,
    role: Role,
    added_permissions: Iterable[Permission] = (),
    added_module_permissions: Iterable[str] = (),
) -> None:
    """Raise unless ``by`` (the acting user) may save ``role`` as it is in memory, adding these permissions.

    ``role`` may be new or existing; for an existing one its stored level must be below the
    actor's too (nobody lowers a superior role to edit it). Levels and permissions count the
    actor's roles of the role's organization only (``role.org_key``; for an existing role, of the
    organization it is stored in as well). ``InvalidRoleError`` also for a slug another role of that
    organization has.
    """
    org = org_of_key(role.org_key)
    authority = authority_level(by, org=org)
    stored_actor = stored_user(by)
    # Looked up by pk even for a "new" instance: one forged with an existing pk would overwrite that row.
    stored = Role.objects.filter(pk=role.pk).values_list("hierarchy_level", "org_key").first() if role.pk else None
    if stored is not None:
        stored_level, stored_key = stored
        authority_there = authority if stored_key == role.org_key else authority_level(by, org=org_of_key(stored_key))
        if stored_level >= authority_there:
            raise RoleLevelTooHighError(
                f"You cannot change a role of level {stored_level}: your level is {authority_there}."
            )
    try:
        role.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise InvalidRoleError(exc.messages) from exc
    if role.hierarchy_level >= authority:
        raise RoleLevelTooHighError(
            f"You cannot define a role of level {role.hierarchy_level}: your level is {authority}."
        )
    if Role.objects.filter(org_key=role.org_key, slug=role.slug).exclude(pk=role.pk).exists():
        raise InvalidRoleError(f"A role with slug {role.slug!r} exists already{_in(role.org_key)}.")
    for permission in added_permissions:
        name = _permission_name(permission)
        if not _holds(stored_actor, name, org):
            raise PermissionNotHeldError(f"You cannot grant {name!r}: you do not hold it.")
    for item in added_module_permissions:
        module, _, action = item.partition(".")
        if not selectors.has_module_permission(stored_actor, module, action, org=org):
            raise PermissionNotHeldError(f"You cannot grant {item!r}: you do not hold it.")


def _save(role: Role) -> None:
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError as exc:  # a concurrent create_role or update_role took the slug after the check
        raise InvalidRoleError(f"A role with slug {role.slug!r} exists already{_in(role.org_key)}.") from exc


def _validated_module_permissions(value: Iterable[str]) -> list[str]:
    items = sorted(set(value))
    try:
        validate_module_permissions(items)
    except ValidationError as exc:
        raise InvalidRoleError(exc.messages) from exc
    return items


@renamed_keywords(actor="by")
def create_role(
    *,
    by: Any,
    name: str,
    slug: str,
    hierarchy_level: int,
    permissions: Iterable[Permission | str] = (),
    module_permissions: Iterable[str] = (),
    description: str = "",
    org: OrgLike = None,
) -> Role:
    """Define a role of ``org`` below the level of ``by`` (the acting user) there, holding only permissions ``by``
    holds there.

    ``org`` is any saved model instance or a string key (``None``, the default: no organization);
    the slug is unique within it, so two organizations may each define ``"pharmacist"``. The
    actor's level and permissions are those their roles of ``org`` give (an active superuser's:
    100 and everything). ``permissions`` are ``Permission`` objects or ``"app_label.codename"``
    strings; ``module_permissions`` are ``"module.action"`` strings. Raises ``InvalidRoleError``
    for a bad definition (slug already used in ``org``, level outside 0..100, an ``org`` that names
    no organization), ``RoleLevelTooHighError`` or ``PermissionNotHeldError`` for escalation.
    Writes nothing when it raises.
    """
    try:
        key = org_key(org)
    except InvalidOrgError as exc:
        raise InvalidRoleError(str(exc)) from exc
    with transaction.atomic():
        resolved = _resolve_permissions(permissions)
        modules = _validated_module_permissions(module_permissions)
        role = Role(
            org_key=key,
            name=name,
            slug=slug,
            description=description,
            hierarchy_level=hierarchy_level,
            module_permissions=modules,
        )
        check_role_definition(by=by, role=role, added_permissions=resolved, added_module_permissions=modules)
        _save(role)
        role.permissions.set(resolved)
    return role


@renamed_keywords(actor="by")
def update_role(
    *,
    by: Any,
    role: Role,
    name: str = _UNCHANGED,
    slug: str = _UNCHANGED,
    description: str = _UNCHANGED,
    hierarchy_level: int = _UNCHANGED,
    permissions: Iterable[Permission | str] = _UNCHANGED,
    module_permissions: Iterable[str] = _UNCHANGED,
) -> Role:
    """Change the given fields of ``role`` (others stay); the same rules as ``create_role``, in the role's
    organization (which never changes).

    Permissions already on the role may stay even if ``by`` lacks them; only added ones must
    be held. Writes nothing when it raises.
    """
    with transaction.atomic():
        stored = Role.objects.select_for_update().filter(pk=role.pk).first() if role.pk else None
        if stored is None:
            raise InvalidRoleError(f"Role {role!r} does not exist in the database.")
        current_permissions = set(stored.permissions.all())
        resolved = current_permissions if permissions is _UNCHANGED else set(_resolve_permissions(permissions))
        modules = (
            stored.module_permissions
            if module_permissions is _UNCHANGED
            else _validated_module_permissions(module_permissions)
        )
        for field_name, value in (
            ("name", name),
            ("slug", slug),
            ("description", description),
            ("hierarchy_level", hierarchy_level),
        ):
            if value is not _UNCHANGED:
                setattr(stored, field_name, value)
        added_modules = set(modules) - set(stored.module_permissions)
        stored.module_permissions = modules
        check_role_definition(
            by=by,
            role=stored,
            added_permissions=resolved - current_permissions,
            added_module_permissions=added_modules,
        )
        _save(stored)
        if resolved != current_permissions:
            stored.permissions.set(resolved)
    return stored


@renamed_keywords(actor="by")
def delete_role(*, by: Any, role: Role) -> None:
    """Delete a role below the level of ``by`` (in the role's organization) that nobody has ever held
    (assignments are history).

    Raises ``RoleLevelTooHighError``, or ``InvalidRoleError`` when the role has assignments.
    """
    with transaction.atomic():
        require_active_actor(by)
        level, key = stored_role_or_invalid(role)
        authority = authority_level(by, org=org_of_key(key))
        if level >= authority:
            raise RoleLevelTooHighError(f"You cannot delete a role of level {level}: your level is {authority}.")
        if UserRole.objects.filter(role_id=role.pk).exists():
            raise InvalidRoleError(f"{role.name} has assignments (current or past); it stays as their history.")
        role.delete()
