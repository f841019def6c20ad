"""Define roles: ``create_role``, ``update_role``, ``delete_role``, and the check the admin form shares.

Nobody defines, changes or deletes a role at or above their own level, nor puts into a role a
permission they do not hold (``RoleLevelTooHighError``, ``PermissionNotHeldError``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction

from django_basemodels.arguments import renamed_keywords
from django_rbac import selectors
from django_rbac.exceptions import InvalidRoleError, PermissionNotHeldError, RoleLevelTooHighError
from django_rbac.models import Role, UserRole, validate_module_permissions
from django_rbac.services.rules import (
    authority_level,
    require_active_actor,
    stored_role_level_or_invalid,
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


def _holds(actor: Any, permission: str) -> bool:
    if hasattr(actor, "has_perm"):
        return actor.has_perm(permission)
    return permission in selectors.django_permissions(actor)  # pragma: no cover  (user models without PermissionsMixin)


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
    actor's too (nobody lowers a superior role to edit it).
    """
    authority = authority_level(by)
    stored_actor = stored_user(by)
    # Looked up by pk even for a "new" instance: one forged with an existing pk would overwrite that row.
    stored = Role.objects.filter(pk=role.pk).values_list("hierarchy_level", flat=True).first() if role.pk else None
    if stored is not None and stored >= authority:
        raise RoleLevelTooHighError(f"You cannot change a role of level {stored}: your level is {authority}.")
    try:
        role.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise InvalidRoleError(exc.messages) from exc
    if role.hierarchy_level >= authority:
        raise RoleLevelTooHighError(
            f"You cannot define a role of level {role.hierarchy_level}: your level is {authority}."
        )
    for permission in added_permissions:
        name = _permission_name(permission)
        if not _holds(stored_actor, name):
            raise PermissionNotHeldError(f"You cannot grant {name!r}: you do not hold it.")
    for item in added_module_permissions:
        module, _, action = item.partition(".")
        if not selectors.has_module_permission(stored_actor, module, action):
            raise PermissionNotHeldError(f"You cannot grant {item!r}: you do not hold it.")


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
) -> Role:
    """Define a role below the level of ``by`` (the acting user), holding only permissions ``by`` holds.

    ``permissions`` are ``Permission`` objects or ``"app_label.codename"`` strings;
    ``module_permissions`` are ``"module.action"`` strings. Raises ``InvalidRoleError`` for a bad
    definition (duplicate slug, level outside 0..100), ``RoleLevelTooHighError`` or
    ``PermissionNotHeldError`` for escalation. Writes nothing when it raises.
    """
    with transaction.atomic():
        resolved = _resolve_permissions(permissions)
        modules = _validated_module_permissions(module_permissions)
        role = Role(
            name=name, slug=slug, description=description, hierarchy_level=hierarchy_level, module_permissions=modules
        )
        check_role_definition(by=by, role=role, added_permissions=resolved, added_module_permissions=modules)
        role.save()
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
    """Change the given fields of ``role`` (others stay); the same rules as ``create_role``.

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
        stored.save()
        if resolved != current_permissions:
            stored.permissions.set(resolved)
    return stored


@renamed_keywords(actor="by")
def delete_role(*, by: Any, role: Role) -> None:
    """Delete a role below the level of ``by`` that nobody has ever held (assignments are history).

    Raises ``RoleLevelTooHighError``, or ``InvalidRoleError`` when the role has assignments.
    """
    with transaction.atomic():
        require_active_actor(by)
        authority = authority_level(by)
        level = stored_role_level_or_invalid(role)
        if level >= authority:
            raise RoleLevelTooHighError(f"You cannot delete a role of level {level}: your level is {authority}.")
        if UserRole.objects.filter(role_id=role.pk).exists():
            raise InvalidRoleError(f"{role.name} has assignments (current or past); it stays as their history.")
        role.delete()
