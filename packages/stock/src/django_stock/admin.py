"""Admin pages. Movements and balances are read-only (written by the services); item and lot statuses change
through actions that call the services, so that every change is a recorded decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html

from django_basemodels.admin import OrgOwnedAdminMixin
from django_stock import conf
from django_stock.exceptions import StockError
from django_stock.models import Location, Lot, StockBalance, StockItem, StockMovement
from django_stock.services import block_item, block_lot, recall_lot, unblock_item, unblock_lot


class OrgOwnedAdmin(OrgOwnedAdminMixin, admin.ModelAdmin):
    """The organization of a row is set when it is added and fixed afterwards: its lots, movements and
    balances belong to that organization, and moving the row to another would carry them along unchecked."""


def _has_block_permission(request: HttpRequest) -> bool:
    """Whether the admin offers (and runs) the Block and Unblock actions of lots and items."""
    permission = conf.block_permission()
    return permission is None or request.user.has_perm(permission)


@admin.register(StockItem)
class StockItemAdmin(OrgOwnedAdmin):
    list_display = ["sku", "name", "unit", "status", "org_key"]
    list_filter = ["status", "org_key"]
    search_fields = ["sku", "name"]
    readonly_fields = ["status"]  # changed by the actions, each change a recorded decision
    actions = ["block_selected", "unblock_selected"]

    @admin.action(description="Block selected items (no lot of them moves)", permissions=["block"])
    def block_selected(self, request: HttpRequest, queryset: QuerySet[StockItem]) -> None:
        _run_on_items(request, queryset, block_item, "blocked", self)

    @admin.action(description="Unblock selected items", permissions=["block"])
    def unblock_selected(self, request: HttpRequest, queryset: QuerySet[StockItem]) -> None:
        _run_on_items(request, queryset, unblock_item, "unblocked", self)

    def has_block_permission(self, request: HttpRequest) -> bool:
        return _has_block_permission(request)


def _run_on_items(
    request: HttpRequest,
    queryset: QuerySet[StockItem],
    service: Callable[..., Any],
    done: str,
    modeladmin: admin.ModelAdmin,
) -> None:
    changed = 0
    for item in queryset:
        try:
            service(item=item, reason=f"{done} from the admin", by=request.user)
        except StockError as exc:
            modeladmin.message_user(request, f"{item.sku}: {exc}", messages.ERROR)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} item(s) {done}.", messages.SUCCESS)


@admin.register(Location)
class LocationAdmin(OrgOwnedAdmin):
    list_display = ["code", "name", "kind", "org_key", "owner_type", "owner_id"]
    list_filter = ["kind", "org_key"]
    search_fields = ["code", "name"]


def _run_on_lots(
    request: HttpRequest, queryset: QuerySet[Lot], service: Callable[..., Any], done: str, modeladmin: admin.ModelAdmin
) -> None:
    changed = 0
    for lot in queryset:
        try:
            service(lot=lot, reason=f"{done} from the admin", by=request.user)
        except StockError as exc:
            modeladmin.message_user(request, f"{lot.lot_number}: {exc}", messages.ERROR)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, f"{changed} lot(s) {done}.", messages.SUCCESS)


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["lot_number", "item", "manufacture_date", "expiry_date", "days_to_expiry", "status"]
    list_filter = ["status", "expiry_date"]
    search_fields = ["lot_number", "item__sku", "item__name"]
    list_select_related = ["item"]
    readonly_fields = ["status"]
    actions = ["block_selected", "unblock_selected", "recall_selected"]

    @admin.display(description="days to expiry", ordering="expiry_date")
    def days_to_expiry(self, lot: Lot) -> str:
        if lot.expiry_date is None:
            return "-"
        days = (lot.expiry_date - timezone.localdate()).days
        colour = "#ba2121" if days <= conf.expiry_warning_days() else "inherit"
        return format_html('<span style="color: {}; font-weight: bold">{}</span>', colour, days)

    @admin.action(description="Block selected lots (quarantine)", permissions=["block"])
    def block_selected(self, request: HttpRequest, queryset: QuerySet[Lot]) -> None:
        _run_on_lots(request, queryset, block_lot, "blocked", self)

    @admin.action(description="Unblock selected lots", permissions=["block"])
    def unblock_selected(self, request: HttpRequest, queryset: QuerySet[Lot]) -> None:
        _run_on_lots(request, queryset, unblock_lot, "unblocked", self)

    @admin.action(description="Recall selected lots (no removal movements)", permissions=["recall"])
    def recall_selected(self, request: HttpRequest, queryset: QuerySet[Lot]) -> None:
        _run_on_lots(request, queryset, recall_lot, "recalled", self)

    def has_recall_permission(self, request: HttpRequest) -> bool:
        permission = conf.recall_permission()
        return permission is None or request.user.has_perm(permission)

    def has_block_permission(self, request: HttpRequest) -> bool:
        return _has_block_permission(request)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = [
        "effective_at",
        "movement_type",
        "signed",
        "lot",
        "location",
        "reference_type",
        "reference_id",
        "created_by",
        "recorded_at",
    ]
    list_filter = ["movement_type", "location"]
    search_fields = ["lot__lot_number", "lot__item__sku", "location__code", "reference_id", "reason"]
    list_select_related = ["lot", "location", "created_by", "reference_type"]
    date_hierarchy = "effective_at"

    @admin.display(description="quantity")
    def signed(self, movement: StockMovement) -> str:
        return f"{movement.signed_quantity:+d}"


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ["location", "lot", "quantity"]
    list_filter = ["location"]
    search_fields = ["lot__lot_number", "lot__item__sku", "location__code"]
    list_select_related = ["location", "lot"]
