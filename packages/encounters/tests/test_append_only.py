"""Transitions are append-only: the model and queryset refuse updates and deletes, and so does the
database (``EncounterTransition.Meta.guarantees``) for every raw SQL write path."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from django_basemodels.guarantees import AppendOnly, guarantee_problems, guarantees_of
from django_basemodels.testing import (
    assert_migration_replaces_former_triggers,
    assert_migration_reversal_drops_guarantees,
    assert_write_paths_refused,
    trigger_names,
)
from django_encounters import TransitionImmutableError
from django_encounters.models import EncounterTransition
from django_encounters.services import create_encounter
from django_encounters.services import transition as move

TABLE = EncounterTransition._meta.db_table
# The triggers of the former migration 0002, by vendor.
OLD_TRIGGERS = {
    "sqlite": {"django_encounters_transition_no_update", "django_encounters_transition_no_delete"},
    "postgresql": {"django_encounters_transition_append_only"},
}
REFUSED = "django_encounters_encountertransition is append-only: transitions are never updated or deleted"


@pytest.fixture
def record(definition, asset):
    encounter = create_encounter(definition, subject=asset, created_by=None)
    return move(encounter, "active", by_user=None).transition


def declared_triggers() -> set[str]:
    """The triggers the declared guarantee installs here, with the REPLACE guard of SQLite and MariaDB/MySQL."""
    triggers = {f"{TABLE}_append_only_update", f"{TABLE}_append_only_delete"}
    return triggers | {f"{TABLE}_no_replace"} if connection.vendor in ("sqlite", "mysql") else triggers


def test_transitions_declare_that_they_are_append_only():
    assert [(type(guarantee), guarantee.name) for guarantee in guarantees_of(EncounterTransition)] == [
        (AppendOnly, "append_only")
    ]
    assert guarantees_of(EncounterTransition)[0].message == REFUSED


@pytest.mark.django_db
def test_the_declared_guarantees_are_installed_by_the_migrations():
    assert guarantee_problems() == []
    assert trigger_names(TABLE) == declared_triggers()


@pytest.mark.django_db
def test_saving_an_existing_transition_is_refused(record):
    record.to_state = "cancelled"
    with pytest.raises(TransitionImmutableError):
        record.save()
    assert EncounterTransition.objects.get().to_state == "active"


@pytest.mark.django_db
def test_deleting_a_transition_is_refused(record):
    with pytest.raises(TransitionImmutableError):
        record.delete()
    assert EncounterTransition.objects.exists()


@pytest.mark.django_db
def test_queryset_update_and_delete_are_refused(record):
    with pytest.raises(TransitionImmutableError):
        EncounterTransition.objects.filter(pk=record.pk).update(to_state="cancelled")
    with pytest.raises(TransitionImmutableError):
        EncounterTransition.objects.all().delete()
    assert EncounterTransition.objects.get().to_state == "active"


@pytest.mark.django_db
def test_every_raw_sql_write_path_of_a_transition_is_refused_by_the_database(record):
    refused = assert_write_paths_refused(record, changes={"to_state": "cancelled"}, match=REFUSED)

    expected = {"UPDATE", "DELETE", "INSERT ... ON CONFLICT DO UPDATE"}
    if connection.vendor == "sqlite":
        expected |= {"INSERT OR REPLACE", "REPLACE"}
    if connection.vendor == "mysql":
        expected = {"UPDATE", "DELETE", "INSERT ... ON DUPLICATE KEY UPDATE", "REPLACE"}
    assert {write.path for write in refused} == expected
    assert all(isinstance(write.error, IntegrityError) for write in refused)


@pytest.mark.django_db
def test_a_raw_sql_write_that_changes_nothing_is_refused_too(record):
    # The primary key set to itself: no column changes, and still no UPDATE goes through.
    assert_write_paths_refused(record, delete=False, match=REFUSED)


@pytest.mark.django_db
def test_rewriting_who_and_what_of_a_transition_is_refused(record, user):
    assert_write_paths_refused(
        record,
        changes={"by_user_id": user.pk, "sequence": 7, "metadata": '{"forged": true}'},
        delete=False,
        match=REFUSED,
    )


@pytest.mark.django_db
def test_new_transitions_are_still_appended(record):
    encounter = record.encounter
    move(encounter, "review", by_user=None)
    move(encounter, "completed", by_user=None)

    moves = list(encounter.transitions.order_by("sequence").values_list("sequence", "from_state", "to_state"))
    assert moves == [(1, "pending", "active"), (2, "active", "review"), (3, "review", "completed")]


@pytest.mark.django_db
def test_a_transition_reusing_a_sequence_is_refused(record):
    # On SQLite the guard against REPLACE refuses it first, with its own message.
    refusal = "never replaced" if connection.vendor == "sqlite" else "django_encounters_transition_sequence"
    with pytest.raises(IntegrityError, match=refusal), transaction.atomic():
        EncounterTransition.objects.create(
            encounter=record.encounter, sequence=record.sequence, from_state="active", to_state="review"
        )
    assert EncounterTransition.objects.count() == 1


@pytest.mark.django_db
def test_deleting_an_encounter_with_transitions_is_refused(record):
    with pytest.raises(ProtectedError):
        record.encounter.delete()


# No transition rows are written here, so the flush after this test (DELETE on SQLite) is not refused.
@pytest.mark.django_db(transaction=True)
def test_the_guarantee_is_dropped_by_reversing_its_migration_and_restored():
    assert_migration_reversal_drops_guarantees("django_encounters", before="0001", tables=[TABLE])


# A database migrated before the guarantee was declared has the triggers of the former migration 0002.
@pytest.mark.django_db(transaction=True)
def test_migrating_drops_the_triggers_written_before_the_guarantee_was_declared():
    assert_migration_replaces_former_triggers(
        "django_encounters",
        before="0001",
        table=TABLE,
        triggers=[*OLD_TRIGGERS["sqlite"], *OLD_TRIGGERS["postgresql"]],
        functions=["django_encounters_refuse_transition_change"],
    )
    assert trigger_names(TABLE) == declared_triggers()
