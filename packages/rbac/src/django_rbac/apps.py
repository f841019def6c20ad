from django.apps import AppConfig


class RBACConfig(AppConfig):
    name = "django_rbac"
    label = "django_rbac"
    verbose_name = "Roles and permissions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_rbac import checks  # noqa: F401  (registers the system checks)
