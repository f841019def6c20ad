"""Admin pages: catalog items and settings are edited here; baskets, work items, dispense records, their
reversals and work item cancellations are read-only.

Baskets and work items change through ``django_catalog.services`` only (a commit spawns work,
a status change has rules), and dispense records, reversals and cancellations are append-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_basemodels.admin import OrgOwnedAdminMixin, SoftDeleteAdminMixin
from django_catalog.models import (
    Basket,
    BasketItem,
    CatalogItem,
    CatalogSettings,
    DispenseLog,
    DispenseReversal,
    WorkItem,
    WorkItemCancellation,
)
from django_singleton.admin import SingletonAdminMixin


class ReadOnlyAdminMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CatalogItem)
class CatalogItemAdmin(OrgOwnedAdminMixin, SoftDeleteAdminMixin, admin.ModelAdmin):
    """An item's organization is chosen when it is created and fixed afterwards: its baskets, work and
    dispense records follow it."""

    list_display = [
        "display_name",
        "org_key",
        "kind",
        "service_category",
        "routing",
        "active",
        "price_amount",
        "price_currency",
    ]
    list_filter = ["org_key", "kind", "active", "service_category", "routing"]
    search_fields = ["display_name", "stock_sku"]


@admin.register(CatalogSettings)
class CatalogSettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    pass


BASKET_ITEM_FIELDS = [
    "catalog_item",
    "quantity",
    "added_by",
    "display_name_snapshot",
    "price_amount_snapshot",
    "routing_snapshot",
    "idempotency_key",
]


class BasketItemInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BasketItem
    extra = 0
    fields = tuple(BASKET_ITEM_FIELDS)
    readonly_fields = BASKET_ITEM_FIELDS


@admin.register(Basket)
class BasketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["id", "encounter", "status", "created_by", "created_at", "committed_at"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    inlines = [BasketItemInline]


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "board", "status", "assignee", "quantity", "created_at"]
    list_filter = ["catalog_item__org_key", "board", "status"]
    list_select_related = ["assignee"]
    search_fields = ["display_name"]
    date_hierarchy = "created_at"


@admin.register(DispenseLog)
class DispenseLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name_snapshot", "quantity", "lot_reference", "dispensed_by", "effective_at", "recorded_at"]
    list_filter = ["catalog_item__org_key"]
    list_select_related = ["dispensed_by"]
    search_fields = ["display_name_snapshot", "stock_sku_snapshot", "lot_reference", "idempotency_key"]
    date_hierarchy = "effective_at"


@admin.register(DispenseReversal)
class DispenseReversalAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["dispense", "reversed_by", "reason", "effective_at", "recorded_at"]
    list_filter = ["dispense__catalog_item__org_key"]
    list_select_related = ["dispense", "reversed_by"]
    search_fields = ["reason", "idempotency_key"]
    date_hierarchy = "effective_at"


@admin.register(WorkItemCancellation)
class WorkItemCancellationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["work_item", "cancelled_by", "status_before", "reason", "effective_at", "recorded_at"]
    list_filter = ["work_item__catalog_item__org_key", "status_before"]
    list_select_related = ["work_item", "cancelled_by"]
    search_fields = ["reason", "idempotency_key"]
    date_hierarchy = "effective_at"
