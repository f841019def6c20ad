from django.contrib import admin

from django_basemodels.admin import SoftDeleteAdminMixin
from tests.testapp.models import Invoice, InvoiceLine


@admin.register(Invoice)
class InvoiceAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    list_display = ["number"]
    ordering = ["number"]
    search_fields = ["number"]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    autocomplete_fields = ["invoice"]
