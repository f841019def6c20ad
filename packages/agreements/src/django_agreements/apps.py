"""App configuration: registers the system checks of django-agreements."""

from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "django_agreements"
    label = "django_agreements"
    verbose_name = "Agreements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_agreements import checks  # noqa: F401  (registers the system checks)
