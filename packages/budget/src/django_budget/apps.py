from django.apps import AppConfig


class BudgetConfig(AppConfig):
    name = "django_budget"
    label = "django_budget"
    verbose_name = "Budget"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_budget import checks  # noqa: F401  (registers the system checks)
