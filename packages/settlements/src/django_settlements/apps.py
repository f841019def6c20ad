from django.apps import AppConfig


class SettlementsConfig(AppConfig):
    name = "django_settlements"
    label = "django_settlements"
    verbose_name = "Settlements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_settlements import checks  # noqa: F401  (registers the system checks)
