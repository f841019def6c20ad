"""Settings: the required encounter model, the router, their system checks, and how migrations refer to them."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.db.migrations.writer import MigrationWriter

import django_catalog
from django_basemodels import SwappableForeignKey
from django_catalog import conf
from django_catalog.checks import check_encounter_model, check_work_item_router
from django_catalog.models import Basket
from tests.testapp.models import Encounter

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def ids(messages):
    return [message.id for message in messages]


def test_a_configured_encounter_model_passes_the_checks():
    assert check_encounter_model() == []
    assert check_work_item_router() == []


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_encounter_model_setting_is_an_error(settings, value):
    if value is None:
        del settings.CATALOG_ENCOUNTER_MODEL
    else:
        settings.CATALOG_ENCOUNTER_MODEL = value

    assert ids(check_encounter_model()) == ["django_catalog.E001"]


@pytest.mark.parametrize("value", ["testapp.Visit", "nowhere.Encounter", "no_dot", 42])
def test_an_encounter_model_setting_naming_no_model_is_an_error(settings, value):
    settings.CATALOG_ENCOUNTER_MODEL = value

    assert ids(check_encounter_model()) == ["django_catalog.E002"]


@pytest.mark.parametrize(
    "value", ["tests.testapp.routing.missing", "no.such.module.route", "tests.testapp.routing.NOT_CALLABLE", 3, ""]
)
def test_a_router_setting_that_is_not_a_callable_path_is_an_error(settings, value):
    settings.CATALOG_WORK_ITEM_ROUTER = value

    assert ids(check_work_item_router()) == ["django_catalog.E003"]


@pytest.mark.django_db
def test_the_system_checks_are_registered(settings):
    del settings.CATALOG_ENCOUNTER_MODEL

    with pytest.raises(SystemCheckError, match=r"django_catalog\.E001"):
        call_command("check")


def test_get_encounter_model_returns_the_configured_model():
    assert conf.get_encounter_model() is Encounter


@pytest.mark.parametrize("value", [None, "no_dot", "testapp.Visit"])
def test_get_encounter_model_explains_a_bad_setting(settings, value):
    settings.CATALOG_ENCOUNTER_MODEL = value

    with pytest.raises(ImproperlyConfigured, match="CATALOG_ENCOUNTER_MODEL"):
        conf.get_encounter_model()


def test_the_default_router_is_the_catalog_items_routing():
    assert conf.get_work_item_router().__name__ == "route_by_catalog_item"


def test_basket_encounter_points_at_the_configured_model():
    assert Basket._meta.get_field("encounter").related_model is Encounter


def test_the_encounter_key_migrates_as_a_swappable_setting_not_its_value():
    field = Basket._meta.get_field("encounter")
    _name, path, _args, kwargs = field.deconstruct()

    assert path == "django.db.models.ForeignKey"
    assert kwargs["to"].setting_name == "CATALOG_ENCOUNTER_MODEL"
    source, _imports = MigrationWriter.serialize(kwargs["to"])
    assert source == "settings.CATALOG_ENCOUNTER_MODEL"


def test_the_shipped_migration_names_the_setting_and_never_the_test_model():
    migrations = Path(django_catalog.__file__).parent / "migrations"
    source = "".join(path.read_text() for path in migrations.glob("0*.py"))

    assert 'getattr(settings, "CATALOG_ENCOUNTER_MODEL", None)' in source
    assert "migrations.swappable_dependency(CATALOG_ENCOUNTER_MODEL)" in source
    assert "to=CATALOG_ENCOUNTER_MODEL" in source
    assert "testapp" not in source


def load_initial_migration():
    """A fresh copy of 0001_initial, read under the current settings (the imported module stays as it is)."""
    path = Path(django_catalog.__file__).parent / "migrations" / "0001_initial.py"
    spec = importlib.util.spec_from_file_location("django_catalog_0001_initial_copy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("value", "dependency"),
    [
        ("testapp.Encounter", ("testapp", "__first__")),
        ("clinic.Visit", ("clinic", "__first__")),
        # Missing or empty: a dependency on the catalog itself, which Django ignores (the check names the setting).
        (None, ("django_catalog", "__first__")),
        ("", ("django_catalog", "__first__")),
    ],
)
def test_the_shipped_migration_follows_the_setting_and_loads_without_it(settings, value, dependency):
    if value is None:
        del settings.CATALOG_ENCOUNTER_MODEL
    else:
        settings.CATALOG_ENCOUNTER_MODEL = value

    migration = load_initial_migration().Migration

    assert migration.dependencies[-1] == dependency
    [basket] = [op for op in migration.operations if getattr(op, "name", "") == "Basket"]
    assert dict(basket.fields)["encounter"].remote_field.model == (
        value or "django_catalog.CATALOG_ENCOUNTER_MODEL_is_not_set"
    )


def test_the_encounter_key_is_the_swappable_key_of_basemodels_on_the_catalog_setting():
    field = Basket._meta.get_field("encounter")

    assert isinstance(field, SwappableForeignKey)
    assert field.swappable_setting == conf.ENCOUNTER_MODEL_SETTING
    assert field.remote_field.on_delete is models.PROTECT
    assert type(field.clone()) is SwappableForeignKey


@pytest.mark.parametrize("command", [["check"], ["migrate", "--noinput"], ["makemigrations", "--check", "--dry-run"]])
def test_a_project_without_the_encounter_model_setting_gets_the_error_not_a_traceback(command):
    settings_module = "tests.settings_without_encounter_model"
    unset = ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    environment = {key: value for key, value in os.environ.items() if key not in unset}
    result = subprocess.run(
        [sys.executable, "-m", "django", *command, f"--settings={settings_module}", "--pythonpath=."],
        cwd=PACKAGE_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 1
    assert "django_catalog.E001" in result.stderr
    assert "CATALOG_ENCOUNTER_MODEL is not set" in result.stderr
    assert "Set CATALOG_ENCOUNTER_MODEL to the 'app_label.ModelName'" in result.stderr
    assert "Traceback" not in result.stderr
    assert "AttributeError" not in result.stderr


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "django_catalog", "--check", "--dry-run", verbosity=0)


def test_no_source_file_names_another_domain_package():
    source_dir = Path(django_catalog.__file__).parent
    forbidden = ("django_encounters", "django_worklog", "django_ledger", "django_stock", "django_budget")
    for path in source_dir.rglob("*.py"):
        text = path.read_text()
        assert not [name for name in forbidden if name in text], path
