"""Transitions are append-only: model, queryset and database triggers refuse updates and deletes."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from django_basemodels.testing import trigger_names
from django_encounters import TransitionImmutable
from django_encounters.models import EncounterTransition
from django_encounters.services import create_encounter
from django_encounters.services import transition as move

TABLE = EncounterTransition._meta.db_table


@pytest.fixture
def record(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    return move(encounter, "active", by_user=None).transition


@pytest.mark.django_db
def test_saving_an_existing_transition_is_refused(record):
    record.to_state = "cancelled"
    with pytest.raises(TransitionImmutable):
        record.save()
    assert EncounterTransition.objects.get().to_state == "active"


@pytest.mark.django_db
def test_deleting_a_transition_is_refused(record):
    with pytest.raises(TransitionImmutable):
        record.delete()
    assert EncounterTransition.objects.exists()


@pytest.mark.django_db
def test_queryset_update_and_delete_are_refused(record):
    with pytest.raises(TransitionImmutable):
        EncounterTransition.objects.filter(pk=record.pk).update(to_state="cancelled")
    with pytest.raises(TransitionImmutable):
        EncounterTransition.objects.all().delete()
    assert EncounterTransition.objects.get().to_state == "active"


@pytest.mark.django_db
def test_raw_sql_update_is_refused_by_the_database(record):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET to_state = to_state")
    assert EncounterTransition.objects.get().to_state == "active"


@pytest.mark.django_db
def test_raw_sql_delete_is_refused_by_the_database(record):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
    assert EncounterTransition.objects.count() == 1


@pytest.mark.django_db
def test_deleting_an_encounter_with_transitions_is_refused(record):
    with pytest.raises(ProtectedError):
        record.encounter.delete()


# No transition rows are written here, so the flush after this test (DELETE on SQLite) is not refused.
@pytest.mark.django_db(transaction=True)
def test_the_triggers_are_dropped_by_reversing_their_migration_and_restored():
    installed = (
        {"django_encounters_transition_append_only"}
        if connection.vendor == "postgresql"
        else {"django_encounters_transition_no_update", "django_encounters_transition_no_delete"}
    )
    assert trigger_names(TABLE) == installed
    call_command("migrate", "django_encounters", "0001", verbosity=0)
    try:
        assert trigger_names(TABLE) == set()
    finally:
        call_command("migrate", "django_encounters", verbosity=0)
    assert trigger_names(TABLE) == installed
