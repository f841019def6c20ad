"""Admin: agreements and their versions are read-only; they change through ``django_agreements.services``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_agreements.models import Agreement, AgreementVersion


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


VERSION_FIELDS = ("version", "kind", "effective_at", "recorded_at", "author", "reason", "terms")


class AgreementVersionInline(ReadOnlyMixin, admin.TabularInline):
    model = AgreementVersion
    fields = VERSION_FIELDS
    readonly_fields = VERSION_FIELDS
    ordering = ["version"]
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: amend and terminate through the services, which check authority and record decisions."""

    list_display = [
        "id",
        "scope_type",
        "party_a_type",
        "party_a_id",
        "party_b_type",
        "party_b_id",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["scope_type"]
    list_select_related = ["party_a_type", "party_b_type"]
    search_fields = ["party_a_id", "party_b_id", "scope_type"]
    date_hierarchy = "valid_from"
    inlines = [AgreementVersionInline]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Read-only: versions are append-only facts."""

    list_display = ["agreement", "version", "kind", "effective_at", "recorded_at", "author"]
    list_filter = ["kind"]
    list_select_related = ["agreement", "author"]
    search_fields = ["reason"]
    date_hierarchy = "recorded_at"
