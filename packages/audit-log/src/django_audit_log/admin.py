"""A read-only admin for audit entries: list, filter, search and view; never add, change or delete."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from django_audit_log.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = (
        "recorded_at",
        "effective_at",
        "action",
        "model_label",
        "object_id",
        "object_repr",
        "actor_repr",
        "sensitivity",
    )
    list_filter = ("action", "model_label", "sensitivity", ("recorded_at", admin.DateFieldListFilter))
    search_fields = ("object_id", "object_repr", "actor_repr", "request_id")
    date_hierarchy = "recorded_at"
    ordering = ("-recorded_at", "-id")
    actions = None
    fields = (
        "id",
        "recorded_at",
        "effective_at",
        "action",
        "model_label",
        "object_id",
        "object_repr",
        "actor_id",
        "actor_repr",
        "formatted_changes",
        "formatted_metadata",
        "ip_address",
        "user_agent",
        "request_id",
        "sensitivity",
        "sequence",
        "prev_hash",
        "entry_hash",
    )
    readonly_fields = fields

    @admin.display(description="changes")
    def formatted_changes(self, entry: AuditLog) -> str:
        return format_html("<pre>{}</pre>", json.dumps(entry.changes, indent=2, sort_keys=True, ensure_ascii=False))

    @admin.display(description="metadata")
    def formatted_metadata(self, entry: AuditLog) -> str:
        return format_html("<pre>{}</pre>", json.dumps(entry.metadata, indent=2, sort_keys=True, ensure_ascii=False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
