"""Admin pages: accounts are editable; transactions, entries and closing balances are read-only (services
write them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from django_basemodels.admin import OrgOwnedAdminMixin
from django_ledger.models import Account, ClosingBalance, Entry, Transaction


@admin.register(Account)
class AccountAdmin(OrgOwnedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "org_key", "name", "account_type", "currency", "parent"]
    list_filter = ["org_key", "account_type", "currency"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    exclude = ["owner_type", "owner_id"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The currency is fixed once the account exists, the type once it has entries; the organization
        # (OrgOwnedAdminMixin) too, though the model allows moving an account without entries or sub-accounts.
        if obj is None:
            return []
        fields = ["currency"]
        if obj.entries.exists():
            fields.append("account_type")
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None or not obj.entries.exists()


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EntryInline(admin.TabularInline):
    model = Entry
    fields = ("account", "entry_type", "amount", "currency", "reverses", "source_type", "source_id")
    readonly_fields = ("account", "entry_type", "amount", "currency", "reverses", "source_type", "source_id")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Transaction)
class TransactionAdmin(ReadOnlyAdmin):
    list_display = ["description", "effective_at", "posted_at", "reverses"]
    list_filter = [("posted_at", admin.EmptyFieldListFilter)]
    search_fields = ["description", "reason", "idempotency_key"]
    date_hierarchy = "effective_at"
    inlines = [EntryInline]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Only drafts may go; a posted transaction is reversed instead.
        return obj is not None and obj.posted_at is None and super().has_delete_permission(request, obj)


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ["transaction", "account", "entry_type", "amount", "currency", "effective_at", "recorded_at"]
    list_filter = ["account__org_key", "entry_type", "currency"]
    search_fields = ["account__code", "account__name", "transaction__description"]
    list_select_related = ["transaction", "account"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ClosingBalance)
class ClosingBalanceAdmin(ReadOnlyAdmin):
    list_display = ["account", "closed_through", "debits", "credits", "recorded_at"]
    list_filter = ["account__org_key"]
    search_fields = ["account__code", "account__name"]
    list_select_related = ["account"]
    date_hierarchy = "closed_through"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a fact of a period close (close_books), append-only
