"""Settings: the required org model, the org resolver, their system checks, and how migrations name them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.db.migrations.writer import MigrationWriter

import django_modules
from django_basemodels import SwappableForeignKey
from django_modules import conf
from django_modules.access import org_from_request_attribute
from django_modules.checks import check_org_model, check_org_resolver
from django_modules.models import OrgModuleState
from tests.testapp.models import Org

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def ids(messages):
    return [message.id for message in messages]


def test_the_configured_settings_pass_the_checks():
    assert check_org_model() == []
    assert check_org_resolver() == []


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_org_model_setting_is_an_error(settings, value):
    if value is None:
        del settings.MODULES_ORG_MODEL
    else:
        settings.MODULES_ORG_MODEL = value

    assert ids(check_org_model()) == ["django_modules.E001"]


@pytest.mark.parametrize("value", ["testapp.Company", "nowhere.Org", "no_dot", 42])
def test_an_org_model_setting_naming_no_model_is_an_error(settings, value):
    settings.MODULES_ORG_MODEL = value

    assert ids(check_org_model()) == ["django_modules.E002"]


@pytest.mark.parametrize(
    "value",
    ["tests.testapp.resolvers.missing", "no.such.module.resolve", "tests.testapp.resolvers.NOT_CALLABLE", 3, ""],
)
def test_a_resolver_setting_that_is_not_a_callable_path_is_an_error(settings, value):
    settings.MODULES_ORG_RESOLVER = value

    assert ids(check_org_resolver()) == ["django_modules.E003"]


def test_the_system_checks_are_registered(settings):
    del settings.MODULES_ORG_MODEL

    with pytest.raises(SystemCheckError, match=r"django_modules\.E001"):
        call_command("check")


def run_check_command(settings_module):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "django", "check", f"--settings={settings_module}", "--pythonpath=."],
        cwd=PACKAGE_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_project_without_the_org_model_setting_gets_the_error_not_a_traceback():
    result = run_check_command("tests.settings_without_org_model")

    assert result.returncode == 1
    assert "django_modules.E001" in result.stderr
    assert "Traceback" not in result.stderr


def test_get_org_model_returns_the_configured_model():
    assert conf.get_org_model() is Org
    assert django_modules.get_org_model is conf.get_org_model


@pytest.mark.parametrize("value", [None, "no_dot", "testapp.Company"])
def test_get_org_model_explains_a_bad_setting(settings, value):
    settings.MODULES_ORG_MODEL = value

    with pytest.raises(ImproperlyConfigured, match="MODULES_ORG_MODEL"):
        conf.get_org_model()


def test_the_default_resolver_reads_request_org(rf):
    request = rf.get("/")
    assert conf.get_org_resolver() is org_from_request_attribute
    assert org_from_request_attribute(request) is None

    request.org = "the org"

    assert org_from_request_attribute(request) == "the org"


def test_the_state_org_key_points_at_the_configured_model():
    assert OrgModuleState._meta.get_field("org").related_model is Org


def test_the_org_key_migrates_as_a_swappable_setting_not_its_value():
    field = OrgModuleState._meta.get_field("org")
    _name, path, _args, kwargs = field.deconstruct()

    assert path == "django.db.models.ForeignKey"
    assert kwargs["to"].setting_name == "MODULES_ORG_MODEL"
    source, _imports = MigrationWriter.serialize(kwargs["to"])
    assert source == "settings.MODULES_ORG_MODEL"


def test_the_shipped_migration_names_the_setting_and_never_the_test_model():
    migrations = Path(django_modules.__file__).parent / "migrations"
    source = "".join(path.read_text() for path in migrations.glob("0*.py"))

    assert 'MODULES_ORG_MODEL = getattr(settings, "MODULES_ORG_MODEL", None)' in source
    assert "migrations.swappable_dependency(MODULES_ORG_MODEL)" in source
    assert "to=MODULES_ORG_MODEL" in source
    assert "testapp" not in source


def test_the_org_key_is_the_swappable_key_of_basemodels_on_the_org_model_setting():
    field = OrgModuleState._meta.get_field("org")

    assert isinstance(field, SwappableForeignKey)
    assert field.swappable_setting == conf.ORG_MODEL_SETTING
    assert field.remote_field.on_delete is models.CASCADE
    assert type(field.clone()) is SwappableForeignKey


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "django_modules", "--check", "--dry-run", verbosity=0)


def run_python(code, **env):
    environment = {**os.environ, **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PACKAGE_ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_the_public_api_imports_before_django_is_set_up():
    result = run_python(
        "import django_modules; "
        "from django_modules import is_module_enabled, require_module, list_enabled_modules; "
        "print(sorted(django_modules.__all__))"
    )

    assert result.returncode == 0, result.stderr
    assert "'list_enabled_modules'" in result.stdout


def test_nothing_but_the_drf_module_needs_djangorestframework():
    result = run_python(
        "import sys; sys.modules['rest_framework'] = None\n"
        "import django; django.setup()\n"
        "import django_modules.admin, django_modules.decorators, django_modules.views, django_modules.services\n"
        "try:\n"
        "    import django_modules.drf\n"
        "except ImportError:\n"
        "    print('drf needs rest_framework')\n",
        DJANGO_SETTINGS_MODULE="tests.settings",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "drf needs rest_framework"


def test_the_package_imports_no_sibling_but_basemodels():
    source_dir = Path(django_modules.__file__).parent
    imported = set()
    for path in source_dir.rglob("*.py"):
        imported |= set(re.findall(r"^\s*(?:from|import) (django_\w+)", path.read_text(), flags=re.MULTILINE))

    assert imported == {"django_modules", "django_basemodels"}


def test_the_migrations_load_without_the_org_model_setting(settings):
    """``migrate`` runs checks that load every migration (the database-guarantee check): with the setting
    missing they must still import, so that the command stops on E001 instead of an AttributeError."""
    import importlib

    from django.db.migrations.loader import MigrationLoader

    first = importlib.import_module("django_modules.migrations.0001_initial")
    del settings.MODULES_ORG_MODEL
    try:
        reloaded = importlib.reload(first)
        assert reloaded.MODULES_ORG_MODEL == "django_modules.MODULES_ORG_MODEL_is_not_set"
        assert ("django_modules", "0001_initial") in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    finally:
        del settings.MODULES_ORG_MODEL  # the override's own deletion marker, undone before reloading
        importlib.reload(first)
