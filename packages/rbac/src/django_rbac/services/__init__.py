"""Write paths: assign and revoke roles, define roles. Each refuses escalation with a typed exception.

Rules, checked before the first write, against the database rather than objects in memory:

- the acting user (``by``) must be an active, saved user (``InactiveActorError``);
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
The rules live in ``services.rules``, assignments in ``services.assignments``, role definitions
in ``services.roles``.
"""

from django_rbac.decisions import ASSIGN_ACTION, REVOKE_ACTION
from django_rbac.services.assignments import (
    ASSIGN_IDEMPOTENCY_SCOPE,
    REVOKE_IDEMPOTENCY_SCOPE,
    assign_role,
    revoke_role,
)
from django_rbac.services.roles import check_role_definition, create_role, delete_role, update_role
from django_rbac.services.rules import (
    authority_level,
    check_assignment,
    check_revocation,
    require_active_actor,
)

__all__ = [
    "ASSIGN_ACTION",
    "ASSIGN_IDEMPOTENCY_SCOPE",
    "REVOKE_ACTION",
    "REVOKE_IDEMPOTENCY_SCOPE",
    "assign_role",
    "authority_level",
    "check_assignment",
    "check_revocation",
    "check_role_definition",
    "create_role",
    "delete_role",
    "require_active_actor",
    "revoke_role",
    "update_role",
]
