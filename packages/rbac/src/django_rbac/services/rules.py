"""The escalation rules every write path checks, and the admin forms too, before the first write.

Read against the database rather than objects in memory: the acting user (``by``), the target
user and the role are re-read, so an instance edited in memory cannot pass.

Levels are compared within the role's organization: the actor's authority and the target's level
count only the roles of the organization the role belongs to (``Role.org_key``; ``""``, no
organization, is one more such space). A manager of one pharmacy has no authority over another's
roles, and a role of one organization scoped to a row of another (an ``OrgOwned`` scope) is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone

from django_basemodels.arguments import renamed_keywords, require_aware
from django_basemodels.models import OrgOwned
from django_basemodels.tenancy import ANY_ORG
from django_rbac import selectors
from django_rbac.exceptions import (
    CrossOrgAssignmentError,
    DuplicateAssignmentError,
    InactiveActorError,
    InvalidAssignmentError,
    InvalidRoleError,
    RoleLevelTooHighError,
    SelfAssignmentError,
    TargetLevelTooHighError,
)
from django_rbac.models import Role, UserRole

if TYPE_CHECKING:
    from django_basemodels.tenancy import OrgLike, _AnyOrg


def org_of_key(key: str) -> OrgLike:
    """The ``org=`` a stored ``org_key`` names (``""``: ``None``, no organization)."""
    return key or None


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


def authority_level(actor: Any, scope: models.Model | None = None, *, org: OrgLike | _AnyOrg = ANY_ORG) -> int:
    """The level with which ``actor`` acts: global roles only, plus roles for ``scope`` when given.

    With ``org``, only the actor's roles of that organization count (``None``: of no
    organization); the default ``ANY_ORG`` counts every role. The services pass the organization
    of the role they act on. Reads the actor and their roles from the database. Raises
    ``InactiveActorError`` when the stored actor is inactive.
    """
    require_active_actor(actor)
    stored = stored_user(actor)
    require_active_actor(stored)
    if scope is None:
        return selectors.global_hierarchy_level(stored, org=org)
    return selectors.hierarchy_level(stored, scope, org=org)


class StoredRole(NamedTuple):
    """A role's level and organization as the database has them."""

    hierarchy_level: int
    org_key: str


def stored_role(role: Role) -> StoredRole:
    """The level and ``org_key`` of ``role`` in the database; ``InvalidAssignmentError`` when it is not there."""
    row = Role.objects.filter(pk=role.pk).values_list("hierarchy_level", "org_key").first() if role.pk else None
    if row is None:
        raise InvalidAssignmentError(f"Role {role!r} does not exist in the database.")
    return StoredRole(*row)


def stored_role_or_invalid(role: Role) -> StoredRole:
    """``stored_role`` raising ``InvalidRoleError`` (a role definition's error) instead."""
    try:
        return stored_role(role)
    except InvalidAssignmentError as exc:
        raise InvalidRoleError(str(exc)) from exc


def require_scope_in_org(scope: models.Model | None, role_org_key: str) -> None:
    """Refuse a scope that is a row of another organization than the role's (``CrossOrgAssignmentError``).

    Only an ``OrgOwned`` scope says which organization it belongs to (its ``org_key``, fixed once
    the row exists); any other scope (an organization itself, a province) is not checked.
    """
    if isinstance(scope, OrgOwned) and scope.org_key != role_org_key:
        raise CrossOrgAssignmentError(
            f"The role belongs to organization {role_org_key!r} and the scope {scope!r} to {scope.org_key!r}: "
            "a role is granted within its own organization.",
            org_keys=sorted({role_org_key, scope.org_key}),
        )


def _check_rank(*, by: Any, target: Any, role_level: int, authority: int, verb: str, org: OrgLike) -> None:
    if target.pk == by.pk:
        raise SelfAssignmentError(f"You cannot {verb} your own roles.")
    if role_level >= authority:
        raise RoleLevelTooHighError(
            f"You cannot {verb} a role of level {role_level}: your level here is {authority}, "
            "and only roles strictly below it are yours to manage."
        )
    target_level = selectors.hierarchy_level(stored_user(target), org=org)
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
    level, key = stored_role(role)
    require_scope_in_org(scope, key)
    _check_rank(
        by=by,
        target=user,
        role_level=level,
        authority=authority_level(by, scope, org=org_of_key(key)),
        verb="grant",
        org=org_of_key(key),
    )
    return start


@renamed_keywords(revoker="by")
def check_revocation(*, by: Any, assignment: UserRole, at: datetime | None = None) -> None:
    """Raise what ``revoke_role`` would raise for ending ``assignment`` at ``at``, writing nothing."""
    require_active_actor(by)
    require_aware(at, name="at", error=InvalidAssignmentError)
    if at is not None and at < timezone.now():
        raise InvalidAssignmentError("A revocation cannot be backdated: the past stays as it was.")
    level, key = stored_role(assignment.role)
    _check_rank(
        by=by,
        target=assignment.user,
        role_level=level,
        authority=authority_level(by, assignment.scope, org=org_of_key(key)),
        verb="revoke",
        org=org_of_key(key),
    )
