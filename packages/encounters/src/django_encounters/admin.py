"""Admin: definitions are edited (validated by the model); encounters and transitions are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_basemodels.admin import OrgOwnedAdminMixin
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EncounterDefinition)
class EncounterDefinitionAdmin(OrgOwnedAdminMixin, admin.ModelAdmin):
    """The organization (``org_key``) is chosen when a definition is added and fixed afterwards: its
    encounters belong to it."""

    list_display = ["key", "org_key", "initial_state", "updated_at"]
    list_filter = ["org_key"]
    search_fields = ["key", "org_key"]
    readonly_fields = ["created_at", "updated_at"]


class EncounterTransitionInline(ReadOnlyMixin, admin.TabularInline):
    model = EncounterTransition
    fields = ("sequence", "from_state", "to_state", "by_user", "effective_at", "recorded_at", "warnings", "metadata")
    readonly_fields = fields
    ordering = ["sequence"]
    extra = 0


@admin.register(Encounter)
class EncounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: states change through ``django_encounters.services.transition`` only."""

    list_display = [
        "id",
        "definition",
        "definition__org_key",
        "state",
        "subject_type",
        "subject_id",
        "started_at",
        "ended_at",
    ]
    list_filter = ["definition__org_key", "definition", "state"]
    list_select_related = ["definition", "subject_type"]
    search_fields = ["subject_id", "state"]
    date_hierarchy = "started_at"
    inlines = [EncounterTransitionInline]


@admin.register(EncounterTransition)
class EncounterTransitionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["encounter", "sequence", "from_state", "to_state", "by_user", "effective_at", "recorded_at"]
    list_filter = ["to_state"]
    list_select_related = ["encounter", "by_user"]
    search_fields = ["from_state", "to_state"]
    date_hierarchy = "recorded_at"
