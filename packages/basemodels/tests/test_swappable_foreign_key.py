"""SwappableForeignKey: a key to the model a setting names, migrated as the setting (like AUTH_USER_MODEL)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import SettingsReference
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import models
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.graph import MigrationGraph
from django.db.migrations.questioner import MigrationQuestioner
from django.db.migrations.state import ModelState, ProjectState
from django.db.migrations.writer import MigrationWriter
from django.test.utils import isolate_apps

import django_basemodels
from django_basemodels import conf
from django_basemodels.fields import SwappableForeignKey
from tests.testapp.models import Assignment, Ticket

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def team_key(**options):
    return SwappableForeignKey(setting="TESTAPP_TEAM_MODEL", on_delete=models.CASCADE, **options)


def test_it_is_part_of_the_public_api():
    assert django_basemodels.SwappableForeignKey is SwappableForeignKey
    assert "SwappableForeignKey" in django_basemodels.__all__


def test_the_key_points_at_the_model_the_setting_names():
    field = Assignment._meta.get_field("team")

    assert field.related_model is Group
    assert field.swappable_setting == "TESTAPP_TEAM_MODEL"


@pytest.mark.django_db
def test_rows_join_through_the_key_like_a_foreign_key():
    team = Group.objects.create(name="night shift")
    assignment = Assignment.objects.create(task="restock", team=team)

    assert Assignment.objects.get(team__name="night shift") == assignment
    assert list(team.assignments.all()) == [assignment]
    assert assignment.backup_team is None


def test_deconstruct_gives_a_plain_foreign_key_whose_target_is_the_setting():
    _name, path, args, kwargs = Assignment._meta.get_field("team").deconstruct()

    assert path == "django.db.models.ForeignKey"
    assert args == []
    assert isinstance(kwargs["to"], SettingsReference)
    assert kwargs["to"].setting_name == "TESTAPP_TEAM_MODEL"
    assert kwargs["to"] == "auth.group"
    assert kwargs["on_delete"] is models.CASCADE
    assert kwargs["related_name"] == "assignments"


def test_the_migration_writer_writes_a_plain_foreign_key_to_the_setting():
    source, imports = MigrationWriter.serialize(Assignment._meta.get_field("team"))

    assert source == (
        "models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', "
        "to=settings.TESTAPP_TEAM_MODEL)"
    )
    assert "from django.conf import settings" in imports
    assert not [line for line in imports if "django_basemodels" in line]


def test_clone_keeps_the_key_swappable():
    field = Assignment._meta.get_field("backup_team")

    clone = field.clone()

    assert type(clone) is SwappableForeignKey
    assert clone.swappable_setting == "TESTAPP_TEAM_MODEL"
    assert clone.deconstruct()[1:] == field.deconstruct()[1:]
    assert clone.deconstruct()[3]["to"].setting_name == "TESTAPP_TEAM_MODEL"
    assert clone.null is True


def test_clone_keeps_the_target_it_was_declared_with(settings):
    field = Assignment._meta.get_field("team")
    settings.TESTAPP_TEAM_MODEL = "testapp.Ticket"

    clone = field.clone()

    assert clone.remote_field.model == "auth.group"


def test_migration_states_keep_the_key_swappable():
    state = ProjectState.from_apps(apps)
    field = state.models["testapp", "assignment"].fields["team"]

    assert isinstance(field, SwappableForeignKey)
    assert field.swappable_setting == "TESTAPP_TEAM_MODEL"
    rendered = state.apps.get_model("testapp", "Assignment")._meta.get_field("team")
    assert rendered.related_model is state.apps.get_model("auth", "Group")


def test_a_generated_migration_references_the_setting_not_its_value(settings):
    settings.SHOP_TEAM_MODEL = "teams.Team"
    team = ModelState("teams", "Team", [("id", models.AutoField(primary_key=True))])
    order = ModelState(
        "shop",
        "Order",
        [
            ("id", models.AutoField(primary_key=True)),
            ("team", SwappableForeignKey(setting="SHOP_TEAM_MODEL", on_delete=models.PROTECT)),
        ],
    )
    before, after = ProjectState(), ProjectState()
    before.add_model(team.clone())
    after.add_model(team.clone())
    after.add_model(order)
    questioner = MigrationQuestioner(defaults={"ask_initial": True})

    changes = MigrationAutodetector(before, after, questioner).changes(graph=MigrationGraph())
    source = MigrationWriter(changes["shop"][0]).as_string()

    assert "migrations.swappable_dependency(settings.SHOP_TEAM_MODEL)" in source
    assert "('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to=settings.SHOP_TEAM_MODEL))" in (
        source
    )
    assert "teams" not in source
    assert "django_basemodels" not in source


def test_the_test_migration_names_the_setting_and_never_the_model():
    source = (PACKAGE_ROOT / "tests" / "testapp" / "migrations" / "0002_assignment.py").read_text()

    assert "migrations.swappable_dependency(settings.TESTAPP_TEAM_MODEL)" in source
    assert "to=settings.TESTAPP_TEAM_MODEL" in source
    assert "auth.group" not in source.lower()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "testapp", "--check", "--dry-run", verbosity=0)


@pytest.mark.parametrize("value", [None, "", 42])
def test_an_unset_setting_leaves_a_placeholder_named_after_it(settings, value):
    if value is None:
        del settings.TESTAPP_TEAM_MODEL
    else:
        settings.TESTAPP_TEAM_MODEL = value

    field = team_key()

    assert field.remote_field.model == "TESTAPP_TEAM_MODEL_is_not_set"
    assert field.remote_field.model == conf.unset_swappable_model_reference("TESTAPP_TEAM_MODEL")
    assert field.deconstruct()[3]["to"].setting_name == "TESTAPP_TEAM_MODEL"


def test_a_set_value_is_used_as_written_for_the_owner_check_to_judge(settings):
    settings.TESTAPP_TEAM_MODEL = "no_dot"

    assert team_key().remote_field.model == "no_dot"


@isolate_apps("tests.testapp")
def test_a_model_declared_while_the_setting_is_unset_loads_and_fails_its_checks(settings):
    del settings.TESTAPP_TEAM_MODEL

    class Chore(models.Model):
        team = team_key()

        class Meta:
            app_label = "testapp"

    field = Chore._meta.get_field("team")
    errors = field.check()

    assert [error.id for error in errors] == ["fields.E300"]
    assert "TESTAPP_TEAM_MODEL_is_not_set" in errors[0].msg
    assert type(field.clone()) is SwappableForeignKey


def run_python(*arguments, **env):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment.update(env)
    return subprocess.run(
        [sys.executable, *arguments], cwd=PACKAGE_ROOT, env=environment, capture_output=True, text=True, check=False
    )


def test_a_project_without_the_setting_gets_check_errors_not_a_traceback():
    result = run_python("-m", "django", "check", "--settings=tests.settings_without_team_model", "--pythonpath=.")

    assert result.returncode == 1
    assert "testapp.Assignment.team: (fields.E300)" in result.stderr
    assert "TESTAPP_TEAM_MODEL_is_not_set" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_field_imports_before_django_is_set_up():
    result = run_python("-c", "from django_basemodels import SwappableForeignKey; print(SwappableForeignKey.__name__)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "SwappableForeignKey"


def test_the_setting_is_required():
    with pytest.raises(TypeError, match="setting="):
        SwappableForeignKey(on_delete=models.CASCADE)


def test_on_delete_is_required():
    with pytest.raises(TypeError, match="on_delete"):
        SwappableForeignKey(setting="TESTAPP_TEAM_MODEL")


@pytest.mark.parametrize("to", ["auth.Group", Group, Ticket])
def test_a_fixed_target_is_refused(to):
    with pytest.raises(TypeError, match=r"models\.ForeignKey"):
        SwappableForeignKey(to=to, on_delete=models.CASCADE, setting="TESTAPP_TEAM_MODEL")


def test_a_key_that_would_not_be_swappable_is_refused():
    with pytest.raises(TypeError, match="always swappable"):
        team_key(swappable=False)


@pytest.mark.parametrize("setting", ["testapp_team_model", "TESTAPP.TEAM", "", "TEAM MODEL", 42])
def test_a_setting_name_must_be_an_upper_case_identifier(setting):
    with pytest.raises(ValueError, match="upper-case identifier"):
        SwappableForeignKey(setting=setting, on_delete=models.CASCADE)


def test_a_settings_reference_for_another_setting_is_refused():
    with pytest.raises(ValueError, match="OTHER_MODEL"):
        SwappableForeignKey(
            setting="TESTAPP_TEAM_MODEL", to=SettingsReference("auth.group", "OTHER_MODEL"), on_delete=models.CASCADE
        )


def test_the_settings_reference_alone_rebuilds_the_key():
    field = SwappableForeignKey(to=SettingsReference("auth.group", "TESTAPP_TEAM_MODEL"), on_delete=models.CASCADE)

    assert field.swappable_setting == "TESTAPP_TEAM_MODEL"
    assert field.remote_field.model == "auth.group"
