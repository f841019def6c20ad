from django.apps import AppConfig


class AuditLogConfig(AppConfig):
    name = "django_audit_log"
    label = "django_audit_log"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_audit_log import checks  # noqa: F401  (registers the system checks)
