"""``Role`` (a named bundle of permissions at a hierarchy level) and ``UserRole`` (a user holding a role)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from django_basemodels.constraints import PartialUniqueConstraint
from django_basemodels.fields import CaseSensitiveSlugField, ObjectIdField
from django_basemodels.generic import GenericForeignKey
from django_basemodels.models import OrgOwned, TimeStampedModel, UUIDModel
from django_basemodels.tenancy import unique_per_org
from django_rbac import conf
from django_rbac.querysets import RoleQuerySet, UserRoleQuerySet

MODULE_PERMISSION_PATTERN = re.compile(r"^[A-Za-z0-9_-]+\.(?:[A-Za-z0-9_-]+|\*)$")


def validate_module_permissions(value: Any) -> None:
    """Module permissions are a list of ``"module.action"`` strings (``"module.*"``: every action)."""
    if not isinstance(value, list):
        raise ValidationError("Module permissions must be a list of 'module.action' strings.")
    bad = [item for item in value if not isinstance(item, str) or not MODULE_PERMISSION_PATTERN.match(item)]
    if bad:
        raise ValidationError(f"Not of the form 'module.action': {', '.join(map(repr, bad))}.")


# The example site's audit-log tracking swaps the managers of tracked models at runtime for classes the
# django-stubs plugin cannot look up (django.db.models.manager.TrackedManager...); the declared ones are right.
class Role(UUIDModel, TimeStampedModel, OrgOwned):  # type: ignore[django-manager-missing]
    """A named set of permissions granted at a hierarchy level (0 lowest, 100 highest).

    A role belongs to one organization (``org``, ``org_key``; none by default) and its slug is unique
    within it: two pharmacies each define ``"pharmacist"``. The roles of an organization give
    permissions in that organization only (``selectors``' ``org=``).

    Two kinds of permission live on a role and are loaded together with the user's assignments:
    Django ``Permission`` rows (``permissions``, so ``user.has_perm("app.codename")`` and the admin
    honour them) and module permissions (``module_permissions``, a JSON list of ``"module.action"``
    strings answered by ``has_module_permission(module, action)``).
    """

    name = models.CharField(max_length=100)
    # Compared byte by byte on every database (a binary collation on MariaDB/MySQL): "Staff" and "staff" are two roles.
    # Unique per organization (the constraint below, whose index serves lookups by organization and slug), so
    # unique database-wide when no organization is used.
    slug = CaseSensitiveSlugField(max_length=100, db_index=False)
    description = models.TextField(blank=True)
    hierarchy_level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(conf.MIN_LEVEL), MaxValueValidator(conf.MAX_LEVEL)],
        help_text="0 (lowest) to 100 (highest). A user manages only users and roles below their own level.",
    )
    permissions = models.ManyToManyField("auth.Permission", blank=True, related_name="rbac_roles")
    module_permissions = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_module_permissions],
        help_text='A list of "module.action" strings, e.g. ["practice.view", "billing.*"].',
    )

    objects = RoleQuerySet.as_manager()  # type: ignore[django-manager-missing]  # see above

    class Meta:
        ordering = ["-hierarchy_level", "name"]
        constraints = [
            unique_per_org("slug", name="django_rbac_role_slug_per_org"),
            models.CheckConstraint(
                condition=Q(hierarchy_level__gte=conf.MIN_LEVEL, hierarchy_level__lte=conf.MAX_LEVEL),
                name="django_rbac_role_level_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hierarchy_level})"


class UserRole(UUIDModel, TimeStampedModel):
    """A user holding a role, everywhere (no scope) or only for one object (the scope), over a period.

    Write through ``django_rbac.services`` (``assign_role``, ``revoke_role``): they refuse
    escalation and record each grant and revocation as a ``django_decisioning`` ``Decision``. A
    revocation ends the period (``valid_to``); rows are never deleted, so the table is the history
    of who could do what, when, and the decisions keep what each grant gave (``granted``).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rbac_assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    scope_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    scope_id = ObjectIdField(blank=True, default="")
    scope = GenericForeignKey("scope_type", "scope_id")
    valid_from = models.DateTimeField(default=timezone.now, db_index=True)
    valid_to = models.DateTimeField(null=True, blank=True, db_index=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = UserRoleQuerySet.as_manager()  # type: ignore[django-manager-missing]  # see Role

    class Meta:
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["scope_type", "scope_id"], name="django_rbac_userrole_scope")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="django_rbac_userrole_valid_period",
            ),
            models.CheckConstraint(
                condition=Q(scope_type__isnull=True, scope_id="") | (Q(scope_type__isnull=False) & ~Q(scope_id="")),
                name="django_rbac_userrole_scope_complete",
            ),
            # Two partial constraints because a NULL scope_type never equals another NULL. On MariaDB/MySQL,
            # which have no partial index, each is a unique index over generated columns.
            PartialUniqueConstraint(
                fields=["user", "role"],
                condition=Q(valid_to__isnull=True, scope_type__isnull=True),
                name="django_rbac_userrole_one_open_global",
            ),
            PartialUniqueConstraint(
                fields=["user", "role", "scope_type", "scope_id"],
                condition=Q(valid_to__isnull=True, scope_type__isnull=False),
                name="django_rbac_userrole_one_open_scoped",
            ),
        ]

    def __str__(self) -> str:
        where = f" for {self.scope_type.app_label}.{self.scope_type.model}:{self.scope_id}" if self.scope_type else ""
        return f"{self.user} as {self.role.name}{where}"

    @property
    def granted(self) -> Any:
        """What this assignment granted when it was made (a ``django_rbac.decisions.GrantedRole``).

        Read from the append-only ``django_rbac.assign_role`` decision ``assign_role`` recorded, not from the
        live ``Role``, so editing the role later does not change it. ``None`` for a row that was
        not made by ``assign_role``. One query per access.
        """
        from django_rbac.decisions import granted

        return granted(self)

    def is_valid_at(self, when: Any) -> bool:
        """Whether the assignment holds at ``when`` (``valid_from <= when < valid_to``)."""
        return self.valid_from <= when and (self.valid_to is None or when < self.valid_to)
