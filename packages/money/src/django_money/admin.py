"""A read-only admin for exchange rates: list, filter and view; rates enter through ``record_exchange_rate``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_money.models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ("source", "base_currency", "quote_currency", "rate", "effective_at", "recorded_at")
    list_filter = ("source", "base_currency", "quote_currency")
    search_fields = ("source", "base_currency", "quote_currency")
    date_hierarchy = "effective_at"
    ordering = ("source", "base_currency", "quote_currency", "-effective_at")
    actions = None
    fields = ("source", "base_currency", "quote_currency", "rate", "effective_at", "recorded_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
