"""The Django app of django-modules."""

from django.apps import AppConfig


class ModulesConfig(AppConfig):
    name = "django_modules"
    label = "django_modules"
    verbose_name = "Modules"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_modules import checks  # noqa: F401  (registers the system checks)
