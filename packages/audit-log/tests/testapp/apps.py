from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django_audit_log import register
        from tests.testapp.models import Account, Customer, Note, Receipt

        register(Customer)
        register(Account, exclude=["internal_note"], redact=["pin_hint"], sensitivity="high")
        register(Note, include=["text", "account"])
        register(Receipt)
