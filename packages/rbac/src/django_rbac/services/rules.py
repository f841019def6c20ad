"""The escalation rules every write path checks, and the admin forms too, before the first write.

Read against the database rather than objects in memory: the acting user (``by``), the target
user and the role are re-read, so an instance edited in memory cannot pass.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone

from django_basemodels.arguments import renamed_keywords, require_aware
from django_rbac import selectors
from django_rbac.exceptions import (
    DuplicateAssignmentError,
    InactiveActorError,
    InvalidAssignmentError,
    InvalidRoleError,
    RoleLevelTooHighError,
    SelfAssignmentError,
    TargetLevelTooHighError,
)
from django_rbac.models import Role, UserRole


def require_active_actor(actor: Any) -> None:
    """Raise ``InactiveActorError`` unless ``actor`` (the acting user) is a saved, authenticated, active user."""
    if (
        actor is None
        or getattr(actor, "pk", None) is None
        or not getattr(actor, "is_authenticated", False)
        or not getattr(actor, "is_active", False)
    ):
        raise InactiveActorError("Only an active, signed-in user can change roles.")


def stored_user(user: Any, *, lock: bool = False) -> Any:
    """A fresh copy of ``user``: flags and roles as the database has them, not as edited in memory."""
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
    stored = stored_user(actor)
    require_active_actor(stored)
    if scope is None:
        return selectors.global_hierarchy_level(stored)
    return selectors.hierarchy_level(stored, scope)


def stored_role_level(role: Role) -> int:
    """The level of ``role`` in the database; ``InvalidAssignmentError`` when it is not there."""
    level = Role.objects.filter(pk=role.pk).values_list("hierarchy_level", flat=True).first() if role.pk else None
    if level is None:
        raise InvalidAssignmentError(f"Role {role!r} does not exist in the database.")
    return level


def stored_role_level_or_invalid(role: Role) -> int:
    """``stored_role_level`` raising ``InvalidRoleError`` (a role definition's error) instead."""
    try:
        return stored_role_level(role)
    except InvalidAssignmentError as exc:
        raise InvalidRoleError(str(exc)) from exc


def _check_rank(*, by: Any, target: Any, role_level: int, authority: int, verb: str) -> None:
    if target.pk == by.pk:
        raise SelfAssignmentError(f"You cannot {verb} your own roles.")
    if role_level >= authority:
        raise RoleLevelTooHighError(
            f"You cannot {verb} a role of level {role_level}: your level here is {authority}, "
            "and only roles strictly below it are yours to manage."
        )
    target_level = selectors.hierarchy_level(stored_user(target))
    if target_level >= authority:
        raise TargetLevelTooHighError(
            f"You cannot {verb} roles of a user of level {target_level}: your level here is {authority}."
        )


@renamed_keywords(assigner="by")
def check_assignment(
    *,
    by: Any,
    user: Any,
    role: Role,
    scope: models.Model | None = None,
    valid_from: datetime | None = None,
    valid_to: datetime | None = None,
) -> None:
    """Raise what ``assign_role`` would raise for these arguments, writing nothing."""
    start = check_grant(by=by, user=user, role=role, scope=scope, valid_from=valid_from, valid_to=valid_to)
    overlapping = UserRole.objects.filter(user_id=user.pk, role_id=role.pk).for_scope(scope)
    overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
    if valid_to is not None:
        overlapping = overlapping.filter(valid_from__lt=valid_to)
    if overlapping.exists():
        raise DuplicateAssignmentError(f"{user} already holds {role.name} there for part of that period.")


def check_grant(
    *,
    by: Any,
    user: Any,
    role: Role,
    scope: models.Model | None,
    valid_from: datetime | None,
    valid_to: datetime | None,
) -> datetime:
    """Every check of ``check_assignment`` but the overlap; returns the start of the period."""
    require_active_actor(by)
    if getattr(user, "pk", None) is None:
        raise InvalidAssignmentError("Save the user before assigning a role.")
    if scope is not None and scope.pk is None:
        raise InvalidAssignmentError("Save the scope object before assigning a role for it.")
    if user.pk == by.pk:
        raise SelfAssignmentError("You cannot grant, change or revoke your own roles.")
    require_aware(valid_from, name="valid_from", error=InvalidAssignmentError)
    require_aware(valid_to, name="valid_to", error=InvalidAssignmentError)
    start = valid_from or timezone.now()
    if valid_to is not None and valid_to <= start:
        raise InvalidAssignmentError("valid_to must be later than valid_from.")
    _check_rank(
        by=by,
        target=user,
        role_level=stored_role_level(role),
        authority=authority_level(by, scope),
        verb="grant",
    )
    return start


@renamed_keywords(revoker="by")
def check_revocation(*, by: Any, assignment: UserRole, at: datetime | None = None) -> None:
    """Raise what ``revoke_role`` would raise for ending ``assignment`` at ``at``, writing nothing."""
    require_active_actor(by)
    require_aware(at, name="at", error=InvalidAssignmentError)
    if at is not None and at < timezone.now():
        raise InvalidAssignmentError("A revocation cannot be backdated: the past stays as it was.")
    _check_rank(
        by=by,
        target=assignment.user,
        role_level=stored_role_level(assignment.role),
        authority=authority_level(by, assignment.scope),
        verb="revoke",
    )
