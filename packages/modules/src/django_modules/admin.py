"""Admin for modules (global defaults) and organizations' overrides."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from django_basemodels.admin import SoftDeleteAdminMixin
from django_modules.models import Module, OrgModuleState


class OrgModuleStateInline(admin.TabularInline):
    model = OrgModuleState
    fk_name = "module"  # named, so admin checks never inspect the org key (unresolved while MODULES_ORG_MODEL is unset)
    extra = 0
    fields = ["org", "enabled", "changed_by", "updated_at"]
    readonly_fields = ["changed_by", "updated_at"]
    raw_id_fields = ["org"]


@admin.register(Module)
class ModuleAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    list_display = ["key", "name", "active"]
    list_filter = ["active"]
    search_fields = ["key", "name"]
    inlines = [OrgModuleStateInline]

    def get_readonly_fields(self, request: Any, obj: Module | None = None) -> list[str]:
        # Code refers to modules by key: changing it would silently unknown every reference.
        return ["key"] if obj is not None else []

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        for state in formset.save(commit=False):
            state.changed_by = request.user
            state.save()
        for state in formset.deleted_objects:
            state.delete()
        formset.save_m2m()


@admin.register(OrgModuleState)
class OrgModuleStateAdmin(admin.ModelAdmin):
    list_display = ["module", "org", "enabled", "changed_by", "updated_at"]
    list_filter = ["enabled", "module"]
    list_select_related = ["module", "org", "changed_by"]
    search_fields = ["module__key", "module__name"]
    raw_id_fields = ["org"]
    readonly_fields = ["changed_by", "created_at", "updated_at"]

    def save_model(self, request: Any, obj: OrgModuleState, form: Any, change: bool) -> None:
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
