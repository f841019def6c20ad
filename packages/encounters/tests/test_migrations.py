"""Migration 0003: a definition's key becomes unique per organization, forwards and backwards."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from django_encounters import create_encounter, get_definition
from django_encounters.checks import check_stored_validator_paths
from django_encounters.models import Encounter, EncounterDefinition
from tests.conftest import REPAIR_JOB

BEFORE = ("django_encounters", "0002_guarantees")
AFTER = ("django_encounters", "0003_definition_key_per_org")


def models_at(migration):
    """The models of the package as the database has them after ``migration``."""
    return MigrationExecutor(connection).loader.project_state(migration).apps.get_app_config("django_encounters")


@pytest.fixture
def migrated_back():
    call_command("migrate", "django_encounters", BEFORE[1], verbosity=0)
    yield
    call_command("migrate", "django_encounters", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back")
def test_existing_definitions_and_encounters_belong_to_no_organization_after_the_migration(asset):
    old = models_at(BEFORE)
    old_definition = old.get_model("EncounterDefinition").objects.create(**REPAIR_JOB)
    old.get_model("Encounter").objects.create(
        definition=old_definition,
        subject_type_id=ContentType.objects.get_for_model(asset).pk,
        subject_id=asset.pk.hex,
        state="pending",
        initial_state="pending",
        started_at=asset.created_at,
        state_since=asset.created_at,
    )

    call_command("migrate", "django_encounters", AFTER[1], verbosity=0)

    assert list(EncounterDefinition.objects.values_list("org_key", "key")) == [("", "repair_job")]
    assert get_definition("repair_job").pk == old_definition.pk
    assert list(Encounter.objects.for_org(None).values_list("definition_id", flat=True)) == [old_definition.pk]
    assert create_encounter("repair_job", subject=asset, created_by=None).definition_id == old_definition.pk
    EncounterDefinition.objects.create(org="org-a", **REPAIR_JOB)
    with pytest.raises(IntegrityError), transaction.atomic():
        EncounterDefinition.objects.create(**REPAIR_JOB)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back")
def test_backwards_the_key_is_unique_again_once_no_two_organizations_share_it():
    call_command("migrate", "django_encounters", AFTER[1], verbosity=0)
    EncounterDefinition.objects.create(**REPAIR_JOB)
    EncounterDefinition.objects.create(org="org-a", **REPAIR_JOB)

    # Two definitions of one key cannot become unique per database: the reversal is refused.
    with pytest.raises(IntegrityError):
        call_command("migrate", "django_encounters", BEFORE[1], verbosity=0)
    EncounterDefinition.objects.filter(org_key="org-a").delete()
    call_command("migrate", "django_encounters", BEFORE[1], verbosity=0)

    before = models_at(BEFORE).get_model("EncounterDefinition")
    assert list(before.objects.values_list("key", flat=True)) == ["repair_job"]
    with pytest.raises(IntegrityError), transaction.atomic():
        before.objects.create(**REPAIR_JOB)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back")
def test_the_stored_validator_check_runs_before_the_migration_adds_the_organization():
    models_at(BEFORE).get_model("EncounterDefinition").objects.create(**REPAIR_JOB, validator_paths=["tests.Removed"])
    messages = check_stored_validator_paths(databases=["default"])
    assert [message.msg.partition(": ")[0] for message in messages] == ["Encounter definition 'repair_job' (default)"]
