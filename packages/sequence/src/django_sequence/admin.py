"""Admin: definitions are edited here; counters are shown read-only (editing one by hand could repeat numbers)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from django_sequence.exceptions import InvalidDefinitionError
from django_sequence.models import SequenceCounter, SequenceDefinition, SequenceIssue


@admin.register(SequenceDefinition)
class SequenceDefinitionAdmin(admin.ModelAdmin):
    list_display = ("scope", "org_key", "example", "gap_policy", "reset_period", "start_value", "updated_at")
    list_filter = ("org_key", "gap_policy", "period")
    search_fields = ("scope", "org_key", "prefix")
    readonly_fields = ("example", "reset_period", "updated_at")
    # org_key stays editable: an org's own definition is added here, and the form then checks that the
    # org has no other definition of the scope (the constraint over both fields).
    fieldsets = (
        (None, {"fields": ("scope", "org_key", "gap_policy")}),
        ("Format", {"fields": ("prefix", "padding", "template", "period", "start_value", "example", "reset_period")}),
        (None, {"fields": ("updated_at",)}),
    )

    @admin.display(description="first number (now)")
    def example(self, obj: SequenceDefinition) -> str:
        try:
            rule = obj.rule()
        except InvalidDefinitionError as exc:
            return f"invalid: {exc}"
        return rule.render(rule.start_value, timezone.localtime() if rule.uses_date else None)

    @admin.display(description="restarts")
    def reset_period(self, obj: SequenceDefinition) -> str:
        try:
            return obj.rule().period
        except InvalidDefinitionError:
            return "-"


@admin.register(SequenceCounter)
class SequenceCounterAdmin(admin.ModelAdmin):
    """View only: a counter set back by hand hands out numbers again, one deleted restarts at the start value."""

    list_display = ("scope", "org_key", "period_key", "last_value")
    list_filter = ("scope", "org_key")
    search_fields = ("scope", "org_key")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SequenceIssue)
class SequenceIssueAdmin(admin.ModelAdmin):
    """View only: a record deleted or changed by hand would let a repeat with its key take another number."""

    list_display = ("scope", "org_key", "idempotency_key", "value", "period_key", "issued_at")
    list_filter = ("scope", "org_key")
    search_fields = ("scope", "org_key", "idempotency_key")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
