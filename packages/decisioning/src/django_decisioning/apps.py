from django.apps import AppConfig


class DecisioningConfig(AppConfig):
    name = "django_decisioning"
    label = "django_decisioning"
    verbose_name = "Decisioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_decisioning import checks  # noqa: F401  (registers the system checks)
