"""Read paths of roles (``for_org``) and of role assignments: validity periods (``current``, ``as_of``), scopes
and the organization of the role (``for_org``)."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from django_basemodels.generic import generic_key_filter
from django_basemodels.tenancy import OrgQuerySetMixin


class RoleQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Roles; ``for_org(org)`` keeps those of one organization (``None``: of no organization)."""


class EffectiveDatedQuerySet(models.QuerySet):
    """Rows with ``valid_from``/``valid_to``, valid over ``valid_from <= t < valid_to`` (open end: no end)."""

    def as_of(self, when: datetime) -> EffectiveDatedQuerySet:
        """Rows valid at ``when``."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=when), valid_from__lte=when)

    def current(self) -> EffectiveDatedQuerySet:
        """Rows valid now."""
        return self.as_of(timezone.now())

    def not_ended(self, when: datetime | None = None) -> EffectiveDatedQuerySet:
        """Rows valid now or starting later: the ones a revocation can still act on."""
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=when or timezone.now()))


class UserRoleQuerySet(OrgQuerySetMixin, EffectiveDatedQuerySet):
    """Assignments of roles to users. An assignment belongs to the organization of its role: ``for_org(org)``."""

    org_lookup = "role__org_key"

    def global_scope(self) -> UserRoleQuerySet:
        """Assignments that hold everywhere (no scope)."""
        return self.filter(scope_type__isnull=True)

    def for_scope(self, scope: models.Model | None) -> UserRoleQuerySet:
        """Assignments scoped to exactly ``scope`` (``None``: the global ones)."""
        if scope is None:
            return self.global_scope()
        return self.filter(**generic_key_filter("scope", scope))
