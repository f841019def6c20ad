"""A swappable-model setting: `conf.get_swappable_model` reads it, `checks.swappable_model_setting_errors` checks it."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from django_basemodels import checks, conf

HINT = "Set TESTAPP_TEAM_MODEL to the 'app_label.ModelName' of your team model."


def errors():
    return checks.swappable_model_setting_errors(
        "TESTAPP_TEAM_MODEL", id_prefix="testapp", reason="assignments need a team model", hint=HINT
    )


def test_a_setting_naming_an_installed_model_passes_and_gives_the_model():
    assert errors() == []
    assert conf.get_swappable_model("TESTAPP_TEAM_MODEL") is Group


@pytest.mark.parametrize("value", [None, ""])
def test_an_unset_or_empty_setting_is_e001(settings, value):
    if value is None:
        del settings.TESTAPP_TEAM_MODEL
    else:
        settings.TESTAPP_TEAM_MODEL = value

    [error] = errors()

    assert error.id == "testapp.E001"
    assert error.msg == "TESTAPP_TEAM_MODEL is not set: assignments need a team model."
    assert error.hint == HINT
    assert error.is_serious()


@pytest.mark.parametrize("value", ["auth.Team", "nowhere.Group", "no_dot", 42])
def test_a_setting_naming_no_installed_model_is_e002(settings, value):
    settings.TESTAPP_TEAM_MODEL = value

    [error] = errors()

    assert error.id == "testapp.E002"
    assert error.msg == f"TESTAPP_TEAM_MODEL = {value!r} names no installed model."
    assert error.hint == HINT


def test_the_hint_is_optional(settings):
    del settings.TESTAPP_TEAM_MODEL

    [error] = checks.swappable_model_setting_errors("TESTAPP_TEAM_MODEL", id_prefix="testapp", reason="r")

    assert error.hint is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "TESTAPP_TEAM_MODEL must be set to 'app_label.ModelName'."),
        ("", "TESTAPP_TEAM_MODEL must be set to 'app_label.ModelName'."),
        (42, "TESTAPP_TEAM_MODEL must be set to 'app_label.ModelName'."),
        ("no_dot", "TESTAPP_TEAM_MODEL must be of the form 'app_label.ModelName'."),
        ("auth.Team", "TESTAPP_TEAM_MODEL refers to model 'auth.Team' that has not been installed."),
    ],
)
def test_get_swappable_model_explains_a_bad_setting(settings, value, message):
    settings.TESTAPP_TEAM_MODEL = value

    with pytest.raises(ImproperlyConfigured) as excinfo:
        conf.get_swappable_model("TESTAPP_TEAM_MODEL")

    assert str(excinfo.value) == message
