import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from django_decisioning.models import Decision


def trigger_names():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'django_decisioning_decision'::regclass "
                "AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [Decision._meta.db_table]
            )
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_append_only_triggers_are_dropped_by_reversing_their_migration_and_restored():
    assert trigger_names()
    call_command("migrate", "django_decisioning", "0001", verbosity=0)
    try:
        assert trigger_names() == set()
    finally:
        call_command("migrate", "django_decisioning", verbosity=0)
    assert trigger_names()


@pytest.mark.django_db
def test_raw_update_that_changes_nothing_is_still_refused(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    Decision.objects.create(action="a", actor=user, outcome="o")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_decisioning_decision SET outcome = outcome")
