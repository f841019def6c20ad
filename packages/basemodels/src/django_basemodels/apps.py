"""App configuration: registers the system checks of django-basemodels."""

from django.apps import AppConfig


class BaseModelsConfig(AppConfig):
    name = "django_basemodels"
    label = "django_basemodels"
    verbose_name = "Base models"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registered here, not on import: other packages import django_basemodels.checks for its helpers.
        from django.core import checks as django_checks

        from django_basemodels import checks

        django_checks.register(checks.check_uuid_factory)
        django_checks.register(checks.check_generic_foreign_keys, django_checks.Tags.models)
        django_checks.register(checks.check_natural_keys, django_checks.Tags.models)
        django_checks.register(checks.check_database_guarantees, django_checks.Tags.database)
