"""The migrations match the models, and the triggers are installed by them."""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_no_migration_is_missing():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_the_triggers_exist_after_migrating():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'django_documents_document'::regclass "
                "AND NOT tgisinternal ORDER BY tgname"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        names = [row[0] for row in cursor.fetchall()]
    assert names == ["django_documents_document_immutable", "django_documents_document_retained"]


@pytest.mark.django_db(transaction=True)
def test_the_trigger_migration_can_be_reversed_and_applied_again():
    call_command("migrate", "django_documents", "0001", verbosity=0)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'django_documents_%'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
        assert cursor.fetchone()[0] == 0
    call_command("migrate", "django_documents", verbosity=0)
