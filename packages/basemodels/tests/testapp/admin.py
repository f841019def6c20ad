from django.contrib import admin

from django_basemodels.admin import OrgOwnedAdminMixin, SoftDeleteAdminMixin
from tests.testapp.models import Branch, Invoice, InvoiceLine


@admin.register(Invoice)
class InvoiceAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    list_display = ["number"]
    ordering = ["number"]
    search_fields = ["number"]


@admin.register(InvoiceLine)
class InvoiceLineAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    autocomplete_fields = ["invoice"]


@admin.register(Branch)
class BranchAdmin(OrgOwnedAdminMixin, admin.ModelAdmin):
    fields = ["org_key", "code"]
