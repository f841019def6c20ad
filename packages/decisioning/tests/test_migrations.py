import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from django_basemodels.testing import trigger_names
from django_decisioning.models import Decision

TABLE = Decision._meta.db_table


def installed_triggers():
    """The names migration 0002 gives the triggers of this vendor."""
    if connection.vendor == "postgresql":
        return {"django_decisioning_decision_append_only"}
    return {"django_decisioning_decision_no_update", "django_decisioning_decision_no_delete"}


@pytest.mark.django_db(transaction=True)
def test_append_only_triggers_are_dropped_by_reversing_their_migration_and_restored():
    assert trigger_names(TABLE) == installed_triggers()
    call_command("migrate", "django_decisioning", "0001", verbosity=0)
    try:
        assert trigger_names(TABLE) == set()
    finally:
        call_command("migrate", "django_decisioning", verbosity=0)
    assert trigger_names(TABLE) == installed_triggers()


@pytest.mark.django_db
def test_raw_update_that_changes_nothing_is_still_refused(django_user_model):
    user = django_user_model.objects.create_user(username="u")
    Decision.objects.create(action="a", actor=user, outcome="o")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE django_decisioning_decision SET outcome = outcome")
