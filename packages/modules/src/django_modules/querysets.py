"""Read paths of modules: each module's state for one organization, resolved in SQL."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, F, FilteredRelation, Q
from django.db.models.functions import Coalesce

from django_basemodels import SoftDeleteQuerySet


class ModuleQuerySet(SoftDeleteQuerySet):
    def with_org_state(self, org: Any) -> ModuleQuerySet:
        """Annotate each module with ``override`` (the org's ``enabled``, or ``None``) and ``is_enabled``.

        ``is_enabled`` is ``COALESCE(override, active)``: the org's override, else the global default.
        It is one LEFT JOIN of the org's states (at most one per module, by the unique constraint),
        so the queryset stays one SQL statement. ``org`` is an instance (or primary key) of
        ``MODULES_ORG_MODEL``.
        """
        return self.alias(
            org_state=FilteredRelation("org_states", condition=Q(org_states__org=org)),
        ).annotate(
            override=F("org_state__enabled"),
            is_enabled=Coalesce(F("org_state__enabled"), F("active"), output_field=BooleanField()),
        )
