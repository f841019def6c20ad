from django.contrib import admin

from clinic.models import ClinicSettings, Invoice, InvoiceLine
from django_basemodels.admin import SoftDeleteAdminMixin
from django_singleton.admin import SingletonAdminMixin


@admin.register(ClinicSettings)
class ClinicSettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    pass


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = ["work_item", "description", "kind", "quantity", "unit_price_amount", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    """Invoices are issued by ``clinic.services.bill_visit``; the admin only shows them."""

    list_display = ["number", "patient", "total_amount", "total_currency", "issued_at", "issued_by"]
    search_fields = ["number", "patient__given_name", "patient__family_name"]
    date_hierarchy = "issued_at"
    inlines = [InvoiceLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
