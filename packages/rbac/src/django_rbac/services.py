"""Write paths: assign and revoke roles, define roles. Each refuses escalation with a typed exception.

Rules, checked before the first write, against the database rather than objects in memory:

- the actor must be an active, saved user (``InactiveActorError``);
- nobody acts on their own assignments (``SelfAssignmentError``);
- nobody grants, changes or revokes a role at or above their own level (``RoleLevelTooHighError``);
- nobody touches a user whose level is at or above their own (``TargetLevelTooHighError``);
- nobody puts into a role a permission they do not hold (``PermissionNotHeldError``).

The actor's level here is their *authority* where the change applies: for a global assignment
or a role definition, the level of their global roles; for a scoped assignment, the level of
their global roles and of their roles for that scope (or an ancestor). A superuser's is 100, so
level-100 roles are defined and granted outside these services (a data migration, the shell).

Every grant and revocation is also recorded as a django-decisioning ``Decision`` (actor, the
principal acted for, and a snapshot of the assignment and its role): see ``django_rbac.decisions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone

from django_basemodels.fields import canonical_object_id
from django_basemodels.generic import generic_key_values
from django_decisioning.canonical import request_fingerprint
from django_decisioning.services import record_decision, run_idempotent
from django_rbac import selectors
from django_rbac.decisions import ASSIGN_ACTION, REVOKE_ACTION, assignment_evidence
from django_rbac.exceptions import (
    DuplicateAssignmentError,
    InactiveActorError,
    InvalidAssignmentError,
    InvalidRoleError,
    PermissionNotHeldError,
    RoleLevelTooHighError,
    RoleNotAssignedError,
    SelfAssignmentError,
    TargetLevelTooHighError,
)
from django_rbac.models import Role, UserRole, validate_module_permissions

_UNCHANGED: Any = object()
ASSIGN_IDEMPOTENCY_SCOPE = "django_rbac.assign_role"


# --- checks shared by the services and the admin forms ------------------------------------------


def require_active_actor(actor: Any) -> None:
    """Raise ``InactiveActorError`` unless ``actor`` is a saved, authenticated, active user."""
    if (
        actor is None
        or getattr(actor, "pk", None) is None
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_active", False)
    ):
        raise InactiveActorError("Only an active, signed-in user can change roles.")


def _stored_user(user: Any, *, lock: bool = False) -> Any:
    # A fresh copy: flags (is_active, is_superuser) and roles as the database has them, not as edited in memory.
    users = get_user_model()._default_manager.filter(pk=user.pk)
    if lock:
        # Serialises concurrent changes to one user, so the overlap check sees committed rows.
        users = users.select_for_update()
    stored = users.first()
    if stored is None:
        raise InvalidAssignmentError(f"User {user!r} does not exist in the database.")
    return stored


def authority_level(actor: Any, scope: models.Model | None = None) -> int:
    """The level with which ``actor`` acts: global roles only, plus roles for ``scope`` when given.

    Reads the actor and their roles from the database. Raises ``InactiveActorError`` when the
    stored actor is inactive.
    """
    require_active_actor(actor)
    stored = _stored_user(actor)
    require_active_actor(stored)
    if scope is None:
        return selectors.global_hierarchy_level(stored)
    return selectors.hierarchy_level(stored, scope)


def _stored_role_level(role: Role) -> int:
    # The level in the database, not the one on the instance: an instance edited in memory must not pass.
    level = Role.objects.filter(pk=role.pk).values_list("hierarchy_level", flat=True).first() if role.pk else None
    if level is None:
        raise InvalidAssignmentError(f"Role {role!r} does not exist in the database.")
    return level


def _check_rank(*, actor: Any, target: Any, role_level: int, authority: int, verb: str) -> None:
    if target.pk == actor.pk:
        raise SelfAssignmentError(f"You cannot {verb} your own roles.")
    if role_level >= authority:
        raise RoleLevelTooHighError(
            f"You cannot {verb} a role of level {role_level}: your level here is {authority}, "
            "and only roles strictly below it are yours to manage."
        )
    target_level = selectors.hierarchy_level(_stored_user(target))
    if target_level >= authority:
        raise TargetLevelTooHighError(
            f"You cannot {verb} roles of a user of level {target_level}: your level here is {authority}."
        )


def _aware(value: datetime | None, name: str) -> None:
    if value is not None and timezone.is_naive(value):
        raise InvalidAssignmentError(f"{name} must be timezone-aware.")


def _require_principal(on_behalf_of: Any) -> None:
    if on_behalf_of is not None and (
        not isinstance(on_behalf_of, models.Model) or on_behalf_of.pk is None or on_behalf_of._state.adding
    ):
        raise InvalidAssignmentError(f"on_behalf_of must be a saved model instance or None, not {on_behalf_of!r}.")


def _require_idempotency_key(key: Any) -> None:
    if key is not None and (not isinstance(key, str) or not key or len(key) > 255):
        raise InvalidAssignmentError(f"idempotency_key must be None or a string of 1 to 255 characters, not {key!r}.")


def _reference(obj: Any) -> list[str | None] | None:
    # An object as a request fingerprint counts it: by model and key, never by its field values.
    if obj is None:
        return None
    meta = getattr(obj, "_meta", None)
    pk = getattr(obj, "pk", None)
    return [
        meta.label_lower if meta is not None else type(obj).__name__,
        None if pk is None else canonical_object_id(pk),
    ]


def check_assignment(
    *,
    assigner: Any,
    user: Any,
    role: Role,
    scope: models.Model | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
) -> None:
    """Raise what ``assign_role`` would raise for these arguments, writing nothing."""
    start = _check_grant(assigner=assigner, user=user, role=role, scope=scope, valid_from=valid_from, valid_to=valid_to)
    overlapping = UserRole.objects.filter(user_id=user.pk, role_id=role.pk).for_scope(scope)
    overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lt=valid_to)
    if overlapping.exists():
        raise DuplicateAssignmentError(f"{user} already holds {role.name} there for part of that period.")


def _check_grant(
    *,
    assigner: Any,
    user: Any,
    role: Role,
    scope: models.Model | None,
    valid_from: datetime | None,
    valid_to: datetime | None,
) -> datetime:
    """Every check of ``check_assignment`` but the overlap; returns the start of the period."""
    require_active_actor(assigner)
    if getattr(user, "pk", None) is None:
        raise InvalidAssignmentError("Save the user before assigning a role.")
    if scope is not None and scope.pk is None:
        raise InvalidAssignmentError("Save the scope object before assigning a role for it.")
    if user.pk == assigner.pk:
        raise SelfAssignmentError("You cannot grant, change or revoke your own roles.")
    _aware(valid_from, "valid_from")
    _aware(valid_to, "valid_to")
    start = valid_from or timezone.now()
    if valid_to is not None and valid_to <= start:
        raise InvalidAssignmentError("valid_to must be later than valid_from.")
    _check_rank(
        actor=assigner,
        target=user,
        role_level=_stored_role_level(role),
        authority=authority_level(assigner, scope),
        verb="grant",
    )
    return start


def assign_role(
    *,
    assigner: Any,
    user: Any,
    role: Role,
    scope: models.Model | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
    on_behalf_of: models.Model | None = None,
    idempotency_key: str | None = None,
) -> UserRole:
    """Give ``user`` the ``role`` (everywhere, or for ``scope``) from ``valid_from`` (now) until ``valid_to`` (open).

    Records a ``Decision`` ``rbac.assign`` (actor ``assigner``, principal ``on_behalf_of`` (any
    saved model instance, or ``None``), target the new ``UserRole``, ``effective_at`` its
    ``valid_from``) whose evidence snapshots the role as granted: slug, name, level, Django and
    module permissions, scope and period (``user_role.granted`` reads it back).

    With an ``idempotency_key`` (1 to 255 characters), a repeat of the same request (same
    assigner, user, role, scope, period and principal) returns the first call's ``UserRole`` and
    writes nothing, also under concurrency (``django_decisioning``'s ``run_idempotent``, scope
    ``django_rbac.assign_role``); the same key with other arguments raises
    ``django_decisioning.IdempotencyConflict``. A repeat is checked like a first call (the
    assigner's authority included) before it is answered. Without a key, a repeat is a
    ``DuplicateAssignmentError``.

    Raises an ``EscalationError`` subclass when ``assigner`` may not grant it (inactive, acting on
    themselves, role or user at or above their level), ``InvalidAssignmentError`` for a bad period,
    unsaved objects, a malformed key or principal, ``DuplicateAssignmentError`` when the user
    already holds the role there for part of the period. Writes nothing when it raises (with a
    key, a refusal found only under the lock, such as ``DuplicateAssignmentError``, leaves
    decisioning's record of the failed key, which the next call with that key takes over).
    Clears ``user``'s permission cache.
    """
    _require_principal(on_behalf_of)
    _require_idempotency_key(idempotency_key)
    request = {
        "assigner": assigner,
        "user": user,
        "role": role,
        "scope": scope,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "on_behalf_of": on_behalf_of,
    }
    if idempotency_key is None:
        assignment = _assign(**request)
    else:
        # Checked before the key is claimed as well, so that a refused request leaves no key
        # row behind; _assign checks again under the locks.
        _check_grant(assigner=assigner, user=user, role=role, scope=scope, valid_from=valid_from, valid_to=valid_to)
        fingerprint = request_fingerprint(
            {name: value if name.startswith("valid_") else _reference(value) for name, value in request.items()}
        )
        assignment = run_idempotent(
            scope=ASSIGN_IDEMPOTENCY_SCOPE, key=idempotency_key, func=_assign, kwargs=request, fingerprint=fingerprint
        )
    selectors.clear_cache(user)
    return assignment


def _assign(
    *,
    assigner: Any,
    user: Any,
    role: Role,
    scope: models.Model | None,
    valid_from: datetime | None,
    valid_to: datetime | None,
    on_behalf_of: models.Model | None,
) -> UserRole:
    with transaction.atomic():
        require_active_actor(assigner)
        if getattr(user, "pk", None) is not None:
            _stored_user(user, lock=True)
        # The role row, locked (update_role locks it too): the level checked and the grant
        # recorded are the same version of the role.
        stored_role = Role.objects.select_for_update().filter(pk=role.pk).first()
        check_assignment(assigner=assigner, user=user, role=role, scope=scope, valid_from=valid_from, valid_to=valid_to)
        try:
            with transaction.atomic():
                assignment = UserRole.objects.create(
                    user=user,
                    role=stored_role,
                    **generic_key_values("scope", scope),
                    valid_from=valid_from or timezone.now(),
                    valid_to=valid_to,
                    assigned_by=assigner,
                )
        except IntegrityError as exc:
            raise DuplicateAssignmentError(f"{user} already holds {role.name} there.") from exc
        record_decision(
            action=ASSIGN_ACTION,
            actor=assigner,
            on_behalf_of=on_behalf_of,
            target=assignment,
            outcome="assigned",
            evidence=assignment_evidence(assignment, stored_role),
            effective_at=assignment.valid_from,
        )
    return assignment


def check_revocation(*, revoker: Any, assignment: UserRole, at: datetime | None = None) -> None:
    """Raise what ``revoke_role`` would raise for ending ``assignment`` at ``at``, writing nothing."""
    require_active_actor(revoker)
    _aware(at, "at")
    if at is not None and at < timezone.now():
        raise InvalidAssignmentError("A revocation cannot be backdated: the past stays as it was.")
    _check_rank(
        actor=revoker,
        target=assignment.user,
        role_level=_stored_role_level(assignment.role),
        authority=authority_level(revoker, assignment.scope),
        verb="revoke",
    )


def _locked_assignments(rows: models.QuerySet) -> list[UserRole]:
    """``rows`` locked for update, with their user, role and scope type, ordered by start."""
    related = ("user", "role", "scope_type")
    if transaction.get_connection().features.has_select_for_update_of:
        return list(rows.select_for_update(of=("self",)).select_related(*related).order_by("valid_from"))
    # Without FOR UPDATE OF (MariaDB), a join would lock the user, role and content type rows as well,
    # in an order of the planner's choosing: lock the assignments alone, then read them with their relations.
    locked = list(rows.select_for_update().order_by("valid_from").values_list("pk", flat=True))
    return list(UserRole.objects.filter(pk__in=locked).select_related(*related).order_by("valid_from"))


def revoke_role(
    *,
    revoker: Any,
    user_role: UserRole | None = None,
    user: Any = None,
    role: Role | None = None,
    scope: models.Model | None = None,
    at: datetime | None = None,
    on_behalf_of: models.Model | None = None,
) -> list[UserRole]:
    """End an assignment (``user_role``), or every not-yet-ended one of ``role`` for ``user`` in ``scope``.

    Sets ``valid_to`` to ``at`` (now by default; never in the past) and ``revoked_by``: an
    assignment is a validity-period record, and ending it closes the period; its user, role,
    scope, start and ``assigned_by`` never change and rows are never deleted. An assignment that
    has not started yet gets an empty period. The revocation itself is a new fact: one
    ``Decision`` ``rbac.revoke`` per ended assignment (actor ``revoker``, principal
    ``on_behalf_of``, target the assignment, ``effective_at`` its new end, evidence the
    assignment with its previous end and its role as stored now); ``decisions.revocations()``
    finds them.

    Raises the same ``EscalationError`` subclasses as ``assign_role``, ``RoleNotAssignedError``
    when nothing is left to end, ``InvalidAssignmentError`` for malformed arguments. Writes
    nothing when it raises. Returns the ended assignments.
    """
    if (user_role is None) == (user is None or role is None):
        raise InvalidAssignmentError("Pass either user_role, or user and role (and scope).")
    _require_principal(on_behalf_of)
    with transaction.atomic():
        require_active_actor(revoker)
        rows = UserRole.objects.not_ended()
        if user_role is not None:
            rows = rows.filter(pk=user_role.pk)
        else:
            rows = rows.filter(user_id=user.pk, role_id=role.pk).for_scope(scope)
        assignments = _locked_assignments(rows)
        if not assignments:
            raise RoleNotAssignedError("There is no current or future assignment to revoke.")
        for assignment in assignments:
            check_revocation(revoker=revoker, assignment=assignment, at=at)
        end = at or timezone.now()
        for assignment in assignments:
            previous_end = assignment.valid_to
            assignment.valid_to = max(end, assignment.valid_from)
            assignment.revoked_by = revoker
            assignment.save(update_fields=["valid_to", "revoked_by", "updated_at"])
            record_decision(
                action=REVOKE_ACTION,
                actor=revoker,
                on_behalf_of=on_behalf_of,
                target=assignment,
                outcome="revoked",
                evidence={
                    **assignment_evidence(assignment, assignment.role),
                    "previous_valid_to": previous_end,
                    "assigned_by": (
                        None if assignment.assigned_by_id is None else canonical_object_id(assignment.assigned_by_id)
                    ),
                },
                effective_at=assignment.valid_to,
            )
    selectors.clear_cache(user)
    if user_role is not None:
        user_role.valid_to, user_role.revoked_by = assignments[0].valid_to, revoker
        if UserRole.user.is_cached(user_role):
            selectors.clear_cache(user_role.user)
    return assignments


# --- role definitions ---------------------------------------------------------------------------


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


def check_role_definition(
    *,
    actor: Any,
    role: Role,
    added_permissions: Iterable[Permission] = (),
    added_module_permissions: Iterable[str] = (),
) -> None:
    """Raise unless ``actor`` may save ``role`` as it is in memory, adding these permissions.

    ``role`` may be new or existing; for an existing one its stored level must be below the
    actor's too (nobody lowers a superior role to edit it).
    """
    authority = authority_level(actor)
    stored_actor = _stored_user(actor)
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


def create_role(
    *,
    actor: Any,
    name: str,
    slug: str,
    hierarchy_level: int,
    permissions: Iterable[Permission | str] = (),
    module_permissions: Iterable[str] = (),
    description: str = "",
) -> Role:
    """Define a role below ``actor``'s level, holding only permissions ``actor`` holds.

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
        check_role_definition(actor=actor, role=role, added_permissions=resolved, added_module_permissions=modules)
        role.save()
        role.permissions.set(resolved)
    return role


def update_role(
    *,
    actor: Any,
    role: Role,
    name: str = _UNCHANGED,
    slug: str = _UNCHANGED,
    description: str = _UNCHANGED,
    hierarchy_level: int = _UNCHANGED,
    permissions: Iterable[Permission | str] = _UNCHANGED,
    module_permissions: Iterable[str] = _UNCHANGED,
) -> Role:
    """Change the given fields of ``role`` (others stay); the same rules as ``create_role``.

    Permissions already on the role may stay even if ``actor`` lacks them; only added ones must
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
            actor=actor,
            role=stored,
            added_permissions=resolved - current_permissions,
            added_module_permissions=added_modules,
        )
        stored.save()
        if resolved != current_permissions:
            stored.permissions.set(resolved)
    return stored


def delete_role(*, actor: Any, role: Role) -> None:
    """Delete a role below ``actor``'s level that nobody has ever held (assignments are history).

    Raises ``RoleLevelTooHighError``, or ``InvalidRoleError`` when the role has assignments.
    """
    with transaction.atomic():
        require_active_actor(actor)
        authority = authority_level(actor)
        level = _stored_role_level_or_invalid(role)
        if level >= authority:
            raise RoleLevelTooHighError(f"You cannot delete a role of level {level}: your level is {authority}.")
        if UserRole.objects.filter(role_id=role.pk).exists():
            raise InvalidRoleError(f"{role.name} has assignments (current or past); it stays as their history.")
        role.delete()


def _stored_role_level_or_invalid(role: Role) -> int:
    try:
        return _stored_role_level(role)
    except InvalidAssignmentError as exc:
        raise InvalidRoleError(str(exc)) from exc


__all__ = [
    "ASSIGN_ACTION",
    "ASSIGN_IDEMPOTENCY_SCOPE",
    "REVOKE_ACTION",
    "assign_role",
    "authority_level",
    "check_assignment",
    "check_revocation",
    "check_role_definition",
    "create_role",
    "delete_role",
    "revoke_role",
    "update_role",
]
