from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic (the demo vertical)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from clinic import audit

        audit.register_tracked_models()
