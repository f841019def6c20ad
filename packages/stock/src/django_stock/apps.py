from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "django_stock"
    label = "django_stock"
    verbose_name = "Stock"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_stock import checks  # noqa: F401  (registers the system checks)
