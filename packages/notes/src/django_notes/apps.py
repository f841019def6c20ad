"""App configuration: registers the system checks of django-notes."""

from django.apps import AppConfig


class NotesConfig(AppConfig):
    name = "django_notes"
    label = "django_notes"
    verbose_name = "Notes and tags"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_notes import checks  # noqa: F401  (registers the system checks)
