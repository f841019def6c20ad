"""System checks report every bad setting; the getters refuse the same values at run time."""

import datetime

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from django_documents import conf
from django_documents.checks import check_settings


def ids(messages):
    return [message.id for message in messages]


def test_the_test_settings_pass():
    assert check_settings() == []


def test_the_defaults_pass(settings):
    for name in ("DOCUMENTS_STORAGE", "DOCUMENTS_MAX_FILE_SIZE", "DOCUMENTS_ALLOWED_CONTENT_TYPES"):
        if hasattr(settings, name):
            delattr(settings, name)
    del settings.DOCUMENTS_RETENTION_POLICIES
    assert check_settings() == []
    assert (conf.storage_alias(), conf.max_file_size(), conf.allowed_content_types(), conf.retention_policies()) == (
        "default",
        50 * 1024 * 1024,
        None,
        {},
    )


@pytest.mark.parametrize("value", ["s3", "", None, 3])
def test_a_storage_that_is_not_a_key_of_storages_is_an_error(settings, value):
    settings.DOCUMENTS_STORAGE = value
    [error] = check_settings()
    assert (error.id, error.level) == ("django_documents.E001", checks.ERROR)


def test_a_storage_alias_of_storages_passes(settings):
    settings.DOCUMENTS_STORAGE = "staticfiles"
    assert check_settings() == []


@pytest.mark.parametrize("value", [0, -1, "10MB", 1.5, True])
def test_a_size_limit_that_is_not_a_positive_integer_is_an_error(settings, value):
    settings.DOCUMENTS_MAX_FILE_SIZE = value
    assert ids(check_settings()) == ["django_documents.E002"]


@pytest.mark.parametrize("value", ["application/pdf", ["pdf"], ["image/*", 3], ["*/*"], {"application/pdf": 1}])
def test_allowed_content_types_that_are_not_a_list_of_types_are_an_error(settings, value):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = value
    assert ids(check_settings()) == ["django_documents.E003"]


def test_allowed_content_types_are_matched_lowercase(settings):
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = ("Application/PDF", "image/*")
    assert check_settings() == []
    assert conf.allowed_content_types() == ("application/pdf", "image/*")


@pytest.mark.parametrize(
    "value",
    [
        [("invoice", datetime.timedelta(days=1))],
        {"invoice": 3650},
        {"invoice": datetime.timedelta(0)},
        {"": datetime.timedelta(days=1)},
        {"x" * 101: datetime.timedelta(days=1)},
    ],
)
def test_retention_policies_that_are_not_names_to_positive_timedeltas_are_an_error(settings, value):
    settings.DOCUMENTS_RETENTION_POLICIES = value
    assert ids(check_settings()) == ["django_documents.E004"]


def test_every_bad_setting_is_reported_at_once(settings):
    settings.DOCUMENTS_STORAGE = "nowhere"
    settings.DOCUMENTS_MAX_FILE_SIZE = 0
    settings.DOCUMENTS_ALLOWED_CONTENT_TYPES = "pdf"
    settings.DOCUMENTS_RETENTION_POLICIES = None
    assert ids(check_settings()) == [f"django_documents.E00{number}" for number in (1, 2, 3, 4)]


def test_the_checks_are_registered(settings):
    settings.DOCUMENTS_MAX_FILE_SIZE = -1
    assert "django_documents.E002" in ids(checks.run_checks())


@pytest.mark.parametrize(
    ("name", "value", "getter"),
    [
        ("DOCUMENTS_STORAGE", "nowhere", conf.storage_alias),
        ("DOCUMENTS_MAX_FILE_SIZE", 0, conf.max_file_size),
        ("DOCUMENTS_ALLOWED_CONTENT_TYPES", "pdf", conf.allowed_content_types),
        ("DOCUMENTS_RETENTION_POLICIES", {"x": 1}, conf.retention_policies),
    ],
)
def test_the_getters_refuse_a_bad_setting(settings, name, value, getter):
    setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured):
        getter()
