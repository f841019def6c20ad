from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "django_ledger"
    label = "django_ledger"
    verbose_name = "Ledger"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_ledger import checks  # noqa: F401  (registers the system checks)
