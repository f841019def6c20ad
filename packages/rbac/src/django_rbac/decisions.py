"""The decisions django-rbac records with django-decisioning, and what they say about a grant.

``assign_role`` records a ``Decision`` ``django_rbac.assign_role`` and ``revoke_role`` one ``django_rbac.revoke_role``
per assignment it ends, each targeting the ``UserRole``. Their evidence is a snapshot of the
assignment and of its role *as it was then* (level, permissions, module permissions), so what a
grant gave can be read back after the role was edited: ``granted(user_role)`` (or
``user_role.granted``). Decisions are append-only, so that record cannot change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from django_basemodels.fields import canonical_object_id
from django_decisioning.models import Decision
from django_rbac.models import Role, UserRole

ASSIGN_ACTION = "django_rbac.assign_role"
REVOKE_ACTION = "django_rbac.revoke_role"


@dataclass(frozen=True)
class GrantedRole:
    """What an assignment granted, as its ``django_rbac.assign_role`` decision recorded it (not the live ``Role``).

    ``scope_type`` is ``"app_label.model"`` (``None`` for a global grant) and ``scope_id`` the
    scope's key in canonical text form (``""`` for a global grant). ``valid_to`` is the end given
    at grant time; a later revocation is a decision of its own (``revocations(user_role)``).
    """

    role_id: str
    slug: str
    name: str
    hierarchy_level: int
    permissions: tuple[str, ...]
    module_permissions: tuple[str, ...]
    scope_type: str | None
    scope_id: str
    valid_from: dt.datetime
    valid_to: dt.datetime | None

    @classmethod
    def from_evidence(cls, evidence: dict[str, Any]) -> GrantedRole:
        """Read the evidence of an ``django_rbac.assign_role`` decision."""
        role, scope = evidence["role"], evidence["scope"]
        return cls(
            role_id=role["id"],
            slug=role["slug"],
            name=role["name"],
            hierarchy_level=role["hierarchy_level"],
            permissions=tuple(role["permissions"]),
            module_permissions=tuple(role["module_permissions"]),
            scope_type=None if scope is None else scope["type"],
            scope_id="" if scope is None else scope["id"],
            valid_from=dt.datetime.fromisoformat(evidence["valid_from"]),
            valid_to=None if evidence["valid_to"] is None else dt.datetime.fromisoformat(evidence["valid_to"]),
        )


def role_snapshot(role: Role) -> dict[str, Any]:
    """The role as stored now: key, slug, name, level, Django permissions and module permissions (sorted)."""
    permissions = role.permissions.values_list("content_type__app_label", "codename")
    return {
        "id": str(role.pk),
        "slug": role.slug,
        "name": role.name,
        "hierarchy_level": role.hierarchy_level,
        "permissions": sorted(f"{app_label}.{codename}" for app_label, codename in permissions),
        "module_permissions": sorted(role.module_permissions),
    }


def assignment_evidence(assignment: UserRole, role: Role) -> dict[str, Any]:
    """The evidence of a decision about ``assignment``: the assignment and a snapshot of ``role``."""
    scope = None
    scope_type = assignment.scope_type if assignment.scope_type_id is not None else None
    if scope_type is not None:
        scope = {"type": f"{scope_type.app_label}.{scope_type.model}", "id": assignment.scope_id}
    return {
        "user_role": str(assignment.pk),
        "user": canonical_object_id(assignment.user_id),
        "role": role_snapshot(role),
        "scope": scope,
        "valid_from": assignment.valid_from,
        "valid_to": assignment.valid_to,
    }


def grant_decision(user_role: UserRole) -> Decision | None:
    """The ``django_rbac.assign_role`` decision of ``user_role`` (``None`` for a row not made by ``assign_role``)."""
    return Decision.objects.for_action(ASSIGN_ACTION).for_target(user_role).first()


def revocations(user_role: UserRole) -> QuerySet[Decision]:
    """The ``django_rbac.revoke_role`` decisions of ``user_role``, oldest first (an end moved earlier adds one)."""
    return Decision.objects.for_action(REVOKE_ACTION).for_target(user_role)


def granted(user_role: UserRole) -> GrantedRole | None:
    """What ``user_role`` granted when it was made, read from its decision; ``None`` without one."""
    decision = grant_decision(user_role)
    return None if decision is None else GrantedRole.from_evidence(decision.evidence)


__all__ = [
    "ASSIGN_ACTION",
    "REVOKE_ACTION",
    "GrantedRole",
    "assignment_evidence",
    "grant_decision",
    "granted",
    "revocations",
    "role_snapshot",
]
