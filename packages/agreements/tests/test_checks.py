"""System checks: the authority policy setting must name a callable; USE_TZ must be on."""

import pytest
from django.core import checks

from django_agreements.checks import check_settings

P = "tests.testapp.policies."


def check_ids():
    return [message.id for message in check_settings()]


def test_the_check_is_registered():
    assert check_settings in checks.registry.registry.get_checks(include_deployment_checks=True)


def test_default_settings_pass():
    assert check_ids() == []


def test_a_custom_callable_policy_passes(settings):
    settings.AGREEMENTS_AUTHORITY_POLICY = P + "staff_only"
    assert check_ids() == []


@pytest.mark.parametrize("value", [None, "", 42, ["a.b"]])
def test_a_policy_that_is_not_a_dotted_path_is_an_error(settings, value):
    settings.AGREEMENTS_AUTHORITY_POLICY = value
    assert check_ids() == ["django_agreements.E001"]


@pytest.mark.parametrize("value", [P + "missing", "no_such_module.policy", "nodots"])
def test_a_policy_that_does_not_import_is_an_error(settings, value):
    settings.AGREEMENTS_AUTHORITY_POLICY = value
    [message] = check_settings()
    assert message.id == "django_agreements.E002" and value in message.msg


def test_a_policy_that_is_not_callable_is_an_error(settings):
    settings.AGREEMENTS_AUTHORITY_POLICY = P + "NOT_CALLABLE"
    assert check_ids() == ["django_agreements.E003"]


def test_use_tz_off_is_a_warning(settings):
    settings.USE_TZ = False
    assert check_ids() == ["django_agreements.W001"]
