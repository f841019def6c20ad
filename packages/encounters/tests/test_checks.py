"""System checks: global validator paths, and validator paths stored in definitions, must load."""

import pytest
from django.core import checks
from django.db import connection

from django_encounters.checks import check_settings, check_stored_validator_paths
from django_encounters.models import EncounterDefinition
from tests.conftest import REPAIR_JOB

V = "tests.testapp.validators."


def setting_check_ids():
    return [message.id for message in check_settings()]


def test_the_checks_are_registered():
    registered = checks.registry.registry.get_checks(include_deployment_checks=True)
    assert check_settings in registered and check_stored_validator_paths in registered


def test_default_settings_pass():
    assert setting_check_ids() == []


def test_loadable_global_validators_pass(settings):
    settings.ENCOUNTERS_VALIDATORS = (V + "ChecklistValidator",)
    assert setting_check_ids() == []


@pytest.mark.parametrize("value", [V + "ChecklistValidator", None, [V + "ChecklistValidator", 3]])
def test_global_validators_that_are_not_a_list_of_paths_are_an_error(settings, value):
    settings.ENCOUNTERS_VALIDATORS = value
    assert setting_check_ids() == ["django_encounters.E001"]


def test_each_global_validator_that_does_not_load_is_an_error(settings):
    settings.ENCOUNTERS_VALIDATORS = [V + "Missing", V + "ChecklistValidator", V + "NotAValidator"]
    messages = check_settings()
    assert [message.id for message in messages] == ["django_encounters.E002", "django_encounters.E002"]
    assert "Missing" in messages[0].msg and "NotAValidator" in messages[1].msg


@pytest.mark.django_db
def test_a_stored_validator_path_that_no_longer_loads_is_an_error():
    EncounterDefinition.objects.create(**REPAIR_JOB, validator_paths=[V + "ChecklistValidator"])
    # A deploy that removed the class: the stored path now points at nothing.
    EncounterDefinition.objects.update(validator_paths=[V + "ChecklistValidator", V + "Removed"])
    messages = check_stored_validator_paths(databases=["default"])
    assert [message.id for message in messages] == ["django_encounters.E003"]
    assert "'repair_job'" in messages[0].msg and "Removed" in messages[0].msg


@pytest.mark.django_db
def test_stored_paths_are_checked_only_when_databases_are_asked_for():
    EncounterDefinition.objects.create(**REPAIR_JOB)
    EncounterDefinition.objects.update(validator_paths="not a list")
    assert check_stored_validator_paths() == []
    assert [m.id for m in check_stored_validator_paths(databases=["default"])] == ["django_encounters.E003"]


@pytest.mark.django_db
def test_the_stored_paths_check_is_silent_before_the_table_exists(monkeypatch):
    monkeypatch.setattr(connection.introspection, "table_names", lambda *args, **kwargs: [])
    assert check_stored_validator_paths(databases=["default"]) == []
