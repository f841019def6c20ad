"""The data of django-modules: modules with a global default, and per-organization overrides."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from django_basemodels import AliveManager, SwappableForeignKey
from django_basemodels.fields import CaseSensitiveSlugField
from django_basemodels.models import BaseModel, TimeStampedModel, UUIDModel, unique_among_live
from django_modules import conf
from django_modules.querysets import ModuleQuerySet


# mypy cannot follow a base class built by a call; the django-stubs plugin types the manager from it.
class ModuleManager(AliveManager.from_queryset(ModuleQuerySet)):  # type: ignore[misc]
    """Live modules, with the reads of ``ModuleQuerySet``."""


class Module(BaseModel):
    """A feature area that can be switched on or off (``pharmacy``, ``billing``).

    ``key`` is the stable identifier code refers to (case-sensitive on every database); ``active`` is
    the global default, used for every organization without an override. A soft-deleted module counts
    as unknown. At most one live module has a key (a ``PartialUniqueConstraint``).
    """

    key = CaseSensitiveSlugField(max_length=64, help_text="Stable identifier used in code, e.g. pharmacy.")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    active = models.BooleanField(
        default=True, help_text="Global default: enabled for every organization without an override."
    )

    objects: ClassVar[ModuleManager] = ModuleManager()

    # Read by the natural-key check (django_basemodels.W020): modules are defined by code, the same for every
    # organization; what differs per organization is its ModuleState.
    unique_per_database = {("key",): "a feature area defined by code, switched per organization by ModuleState"}

    class Meta:
        ordering = ["key"]
        default_manager_name = "objects"
        constraints = [
            unique_among_live("key", name="django_modules_module_live_key"),
            models.CheckConstraint(condition=~Q(key=""), name="django_modules_module_key_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name or self.key


class OrgModuleState(UUIDModel, TimeStampedModel):
    """One organization's override of a module's global default: at most one per (org, module)."""

    # Migrated like AUTH_USER_MODEL: to=settings.MODULES_ORG_MODEL, never a model of its own.
    org = SwappableForeignKey(setting=conf.ORG_MODEL_SETTING, on_delete=models.CASCADE, related_name="module_states")
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="org_states")
    enabled = models.BooleanField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "organization module state"
        constraints = [
            models.UniqueConstraint(fields=["org", "module"], name="django_modules_one_state_per_org_module"),
        ]

    def __str__(self) -> str:
        return f"{self.module.key} {'enabled' if self.enabled else 'disabled'} for {self.org}"
