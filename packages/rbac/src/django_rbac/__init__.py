"""Role-based access control: hierarchy levels, scoped roles, escalation-proof assignment.

Models, services and selectors need the app registry: import them from their modules
(``django_rbac.models``, ``django_rbac.services``, ``django_rbac.selectors``). The exceptions
below are safe to import anywhere.
"""

from django_rbac.exceptions import (
    DuplicateAssignmentError,
    EscalationError,
    InactiveActorError,
    InvalidAssignmentError,
    InvalidRoleError,
    PermissionNotHeldError,
    RBACError,
    RoleLevelTooHighError,
    RoleNotAssignedError,
    SelfAssignmentError,
    TargetLevelTooHighError,
)

__all__ = [
    "DuplicateAssignmentError",
    "EscalationError",
    "InactiveActorError",
    "InvalidAssignmentError",
    "InvalidRoleError",
    "PermissionNotHeldError",
    "RBACError",
    "RoleLevelTooHighError",
    "RoleNotAssignedError",
    "SelfAssignmentError",
    "TargetLevelTooHighError",
]
