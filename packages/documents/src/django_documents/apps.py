from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "django_documents"
    label = "django_documents"
    verbose_name = "Documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_documents import checks  # noqa: F401  (registers the system checks)
