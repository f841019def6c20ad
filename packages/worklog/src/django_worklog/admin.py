"""Read-only admin of work sessions: times are written by the services, with the server clock."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from django_worklog.models import WorkSession


class RunningListFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("running", "Running"), ("stopped", "Stopped")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "running":
            return queryset.filter(stopped_at__isnull=True)
        if self.value() == "stopped":
            return queryset.filter(stopped_at__isnull=False)
        return queryset


@admin.register(WorkSession)
class WorkSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "context_type", "context_id", "started_at", "stopped_at", "duration_seconds"]
    list_filter = [RunningListFilter, "context_type"]
    list_select_related = ["user", "context_type"]
    search_fields = ["context_id"]
    date_hierarchy = "started_at"
    readonly_fields = [
        "user",
        "context_type",
        "context_id",
        "started_at",
        "stopped_at",
        "duration_seconds",
        "effective_at",
        "recorded_at",
        "stop_recorded_at",
    ]

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        # An exact match on the object id, which canonicalises the term: a UUID pasted with
        # dashes finds the context stored as 32 hex digits, which a substring search would miss.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(context_id=term), False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
