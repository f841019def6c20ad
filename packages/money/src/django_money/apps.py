from django.apps import AppConfig


class MoneyConfig(AppConfig):
    name = "django_money"
    label = "django_money"
    verbose_name = "Money"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_money import checks  # noqa: F401  (registers the system checks)
