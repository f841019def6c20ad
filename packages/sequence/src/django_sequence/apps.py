from django.apps import AppConfig


class SequenceConfig(AppConfig):
    name = "django_sequence"
    label = "django_sequence"
    verbose_name = "Sequences"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core.signals import request_finished, request_started, setting_changed

        from django_sequence import checks  # noqa: F401  (registers the system checks)
        from django_sequence.connections import close_old_connections
        from django_sequence.definitions import clear_on_setting_change

        # allow_gaps side connections follow Django's own connections' lifetime in requests
        request_started.connect(close_old_connections, dispatch_uid="django_sequence_close_old_connections")
        request_finished.connect(close_old_connections, dispatch_uid="django_sequence_close_old_connections")
        setting_changed.connect(clear_on_setting_change, dispatch_uid="django_sequence_clear_on_setting_change")
