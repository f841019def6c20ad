"""Admin pages: budgets, buckets and allocations are editable configuration; transactions are read-only facts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_basemodels.admin import OrgOwnedAdminMixin
from django_budget.models import Bucket, Budget, BudgetTransaction, MonthlyAllocation


@admin.register(Budget)
class BudgetAdmin(OrgOwnedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "org_key", "currency", "owner_type", "owner_id", "created_at"]
    list_filter = ["org_key"]
    search_fields = ["name", "org_key", "owner_id"]
    exclude = ["owner_type", "owner_id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The currency of a saved budget is locked: its amounts are stored in it. Its organization is chosen
        # when it is created (OrgOwnedAdminMixin): its buckets and transactions follow it.
        return ["currency"] if obj is not None else []


class MonthlyAllocationInline(admin.TabularInline):
    model = MonthlyAllocation
    fields = ["month", "amount"]
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bucket)
class BucketAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "budget",
        "kind",
        "priority",
        "monthly_limit_amount",
        "rollover",
        "start_month",
        "archived_at",
    ]
    list_filter = ["budget__org_key", "kind", "priority", "rollover"]
    search_fields = ["name", "budget__name"]
    exclude = ["monthly_limit_currency"]
    inlines = [MonthlyAllocationInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["budget", "start_month", "archived_at"] if obj is not None else ["archived_at"]

    def save_model(self, request: HttpRequest, obj: Bucket, form: Any, change: bool) -> None:
        obj.monthly_limit_currency = obj.budget.currency
        super().save_model(request, obj, form, change)


@admin.register(BudgetTransaction)
class BudgetTransactionAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "kind",
        "amount",
        "currency",
        "bucket",
        "priority",
        "description",
        "reverses",
        "recorded_at",
    ]
    list_filter = ["budget__org_key", "kind", "priority"]
    search_fields = ["description", "idempotency_key", "reason"]
    date_hierarchy = "date"
    list_select_related = ["bucket", "reverses"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
