"""Exceptions of django-rbac: one base, ``RBACError``, and typed subclasses.

Every refusal to grant or change power is an ``EscalationError``. It is also a Django
``PermissionDenied``, so a view that lets one escape answers 403 instead of 500.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


class RBACError(Exception):
    """Base class of every error raised by django-rbac."""


class EscalationError(RBACError, PermissionDenied):
    """The actor may not make this change: it would grant or touch power at or above their own."""


class InactiveActorError(EscalationError):
    """The acting user is anonymous or inactive."""


class SelfAssignmentError(EscalationError):
    """A user tried to grant, change or revoke one of their own roles."""


class RoleLevelTooHighError(EscalationError):
    """The role's hierarchy level is at or above the actor's own level."""


class TargetLevelTooHighError(EscalationError):
    """The target user's hierarchy level is at or above the actor's own level."""


class PermissionNotHeldError(EscalationError):
    """The actor tried to put into a role a permission they do not hold themselves."""


class InvalidAssignmentError(RBACError, ValueError):
    """The assignment itself is malformed: bad validity window, unsaved scope, overlapping grant."""


class DuplicateAssignmentError(InvalidAssignmentError):
    """The user already holds this role in this scope for part of the requested period."""


class CrossOrgAssignmentError(InvalidAssignmentError):
    """A role of one organization granted for a scope that belongs to another (an ``OrgOwned`` row); nothing
    was written.

    ``org_keys`` lists the ``org_key`` of each organization involved (``""`` for no organization).
    """

    def __init__(self, message: str, *, org_keys: list[str]) -> None:
        super().__init__(message)
        self.org_keys = org_keys


class RoleNotAssignedError(RBACError, LookupError):
    """There is no current or future assignment to revoke."""


class InvalidRoleError(RBACError, ValueError):
    """A role definition is malformed: level out of 0..100, bad module permission string, a slug already used in
    the role's organization, an ``org`` that names no organization."""
