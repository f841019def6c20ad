"""The app config of django-catalog (label ``django_catalog``); registers the system checks."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "django_catalog"
    label = "django_catalog"
    verbose_name = "Catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_catalog import checks  # noqa: F401  (registers the system checks)
