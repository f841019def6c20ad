from django.contrib import admin

from django_singleton.admin import SingletonAdminMixin
from tests.testapp.models import SiteSettings


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdminMixin, admin.ModelAdmin):
    pass
