"""Role-based access control: hierarchy levels, scoped roles, escalation-proof assignment.

The services, selectors and decorators are importable from here (``from django_rbac import
assign_role``); they are imported on first use, so ``import django_rbac`` works before the app
registry is ready (in ``settings.py``). Models stay in ``django_rbac.models``.
"""

from typing import TYPE_CHECKING

from django_basemodels.exports import lazy_exports
from django_rbac.exceptions import (
    CrossOrgAssignmentError,
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

if TYPE_CHECKING:
    from django_rbac.decisions import grant_decision, granted, revocations
    from django_rbac.decorators import require_permission, requires_hierarchy_level
    from django_rbac.selectors import (
        can_manage_user,
        clear_cache,
        django_permissions,
        effective_permissions,
        get_manageable_roles,
        global_hierarchy_level,
        has_module_permission,
        has_role,
        hierarchy_level,
        is_active,
        is_active_superuser,
        manageable_users,
        meets_hierarchy_level,
        scope_chain,
        scope_key,
    )
    from django_rbac.services import (
        assign_role,
        authority_level,
        check_assignment,
        check_revocation,
        check_role_definition,
        create_role,
        delete_role,
        require_active_actor,
        revoke_role,
        update_role,
    )

_SERVICES = [
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
_SELECTORS = [
    "can_manage_user",
    "clear_cache",
    "django_permissions",
    "effective_permissions",
    "get_manageable_roles",
    "global_hierarchy_level",
    "has_module_permission",
    "has_role",
    "hierarchy_level",
    "is_active",
    "is_active_superuser",
    "manageable_users",
    "meets_hierarchy_level",
    "scope_chain",
    "scope_key",
]
_DECISIONS = ["grant_decision", "granted", "revocations"]
_DECORATORS = ["require_permission", "requires_hierarchy_level"]

__getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "django_rbac.services": _SERVICES,
        "django_rbac.selectors": _SELECTORS,
        "django_rbac.decisions": _DECISIONS,
        "django_rbac.decorators": _DECORATORS,
    },
)

__all__ = [
    "CrossOrgAssignmentError",
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
    "assign_role",
    "authority_level",
    "can_manage_user",
    "check_assignment",
    "check_revocation",
    "check_role_definition",
    "clear_cache",
    "create_role",
    "delete_role",
    "django_permissions",
    "effective_permissions",
    "get_manageable_roles",
    "global_hierarchy_level",
    "grant_decision",
    "granted",
    "has_module_permission",
    "has_role",
    "hierarchy_level",
    "is_active",
    "is_active_superuser",
    "manageable_users",
    "meets_hierarchy_level",
    "require_active_actor",
    "require_permission",
    "requires_hierarchy_level",
    "revocations",
    "revoke_role",
    "scope_chain",
    "scope_key",
    "update_role",
]
