"""System checks for settings that can be wrong."""

import pytest

from django_sequence.checks import check_settings


def ids(settings_messages):
    return [message.id for message in settings_messages]


def test_default_settings_pass():
    assert check_settings() == []


@pytest.mark.parametrize("template", ["{prefix}{number}", "{day}-{value}", 42])
def test_bad_default_template_is_an_error(settings, template):
    settings.SEQUENCE_DEFAULT_TEMPLATE = template
    assert ids(check_settings()) == ["django_sequence.E001"]


def test_bad_default_template_error_names_the_placeholder(settings):
    settings.SEQUENCE_DEFAULT_TEMPLATE = "{prefix}{number}"
    assert "{number}" in check_settings()[0].msg


@pytest.mark.parametrize("padding", [-1, 21, "4", True])
def test_bad_default_padding_is_an_error(settings, padding):
    settings.SEQUENCE_DEFAULT_PADDING = padding
    assert ids(check_settings()) == ["django_sequence.E002"]


@pytest.mark.parametrize("timeout", [-1, "60", None])
def test_bad_cache_timeout_is_an_error(settings, timeout):
    settings.SEQUENCE_DEFINITION_CACHE_TIMEOUT = timeout
    assert ids(check_settings()) == ["django_sequence.E003"]


def test_require_definition_that_is_not_a_bool_is_an_error(settings):
    settings.SEQUENCE_REQUIRE_DEFINITION = "yes"
    assert ids(check_settings()) == ["django_sequence.E004"]


def test_prepared_statements_that_is_not_a_bool_is_an_error(settings):
    settings.SEQUENCE_PREPARED_STATEMENTS = "off"
    assert ids(check_settings()) == ["django_sequence.E005"]


def test_use_tz_off_is_a_warning(settings):
    settings.USE_TZ = False
    assert ids(check_settings()) == ["django_sequence.W001"]


def test_checks_are_registered_with_django():
    from django.core import checks

    assert check_settings in checks.registry.registry.get_checks()
