"""Read-only admin pages: idempotency keys and decisions are written by services only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_decisioning.models import Decision, IdempotencyKey


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ["scope", "key", "state", "created_at", "completed_at", "expires_at"]
    list_filter = ["state", "scope"]
    search_fields = ["scope", "key"]
    date_hierarchy = "created_at"


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ["action", "outcome", "actor_repr", "target_type", "target_id", "effective_at", "recorded_at"]
    list_filter = ["action", "outcome"]
    search_fields = ["action", "outcome", "actor_repr", "target_id", "on_behalf_of_id"]
    date_hierarchy = "recorded_at"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
