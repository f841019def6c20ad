"""Read-only admin pages: obligations, settlements, allocations, credit limits and movements are written by the
services only (a fact is never edited; a limit changes through ``set_credit_limit``, which records the decision)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_settlements.models import Allocation, CreditLimit, CreditMovement, Obligation, Settlement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AllocationInline(admin.TabularInline):
    model = Allocation
    fk_name = "settlement"
    fields = readonly_fields = ("obligation", "amount", "currency", "direction")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "debtor_type", "debtor_id", "creditor_type", "creditor_id", "due_on", "effective_at"]
    list_filter = ["currency", ("reverses", admin.EmptyFieldListFilter), "org_key"]
    search_fields = ["description", "reason", "debtor_id", "creditor_id", "reference_id", "idempotency_key"]
    date_hierarchy = "due_on"
    list_select_related = ["debtor_type", "creditor_type"]


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "payer_type", "payer_id", "payee_type", "payee_id", "effective_at"]
    list_filter = ["kind", "currency", "org_key"]
    search_fields = ["description", "reason", "payer_id", "payee_id", "reference_id", "idempotency_key"]
    date_hierarchy = "effective_at"
    list_select_related = ["payer_type", "payee_type"]
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "settlement", "obligation", "direction"]
    list_filter = ["currency", "direction"]
    list_select_related = ["settlement", "obligation"]


@admin.register(CreditLimit)
class CreditLimitAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "creditor_type", "creditor_id", "debtor_type", "debtor_id", "org_key", "updated_at"]
    list_filter = ["currency", "org_key"]
    search_fields = ["creditor_id", "debtor_id"]
    list_select_related = ["creditor_type", "debtor_type"]


@admin.register(CreditMovement)
class CreditMovementAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "credit_limit", "reservation", "obligation", "recorded_at"]
    list_filter = ["kind", "currency"]
    search_fields = ["reference_id", "reason", "idempotency_key"]
    list_select_related = ["credit_limit", "reservation", "obligation"]
