import uuid

import pytest
from django.core import checks
from django.test import override_settings

from django_basemodels.checks import check_uuid_factory
from django_basemodels.uuids import new_uuid
from tests.testapp.models import Event, Invoice

FIXED = uuid.UUID("01234567-89ab-7def-8123-456789abcdef")


def fixed_uuid() -> uuid.UUID:
    return FIXED


NOT_CALLABLE = "a string"


def test_new_uuid_defaults_to_uuid4():
    assert new_uuid().version == 4


@override_settings(BASEMODELS_UUID_FACTORY="django_basemodels.uuids.uuid7")
def test_uuid7_factory_setting_makes_version_7_keys():
    assert new_uuid().version == 7


@override_settings(BASEMODELS_UUID_FACTORY="tests.test_uuid_factory.fixed_uuid")
def test_model_primary_key_comes_from_the_configured_factory():
    assert Invoice(number="1").pk == FIXED


def test_override_settings_switches_the_factory_of_an_already_used_process():
    assert Event(name="before").pk.version == 4
    with override_settings(BASEMODELS_UUID_FACTORY="django_basemodels.uuids.uuid7"):
        assert Event(name="during").pk.version == 7
    assert Event(name="after").pk.version == 4


@pytest.mark.django_db
def test_primary_key_exists_before_the_first_save_and_is_kept():
    event = Event(name="launch")
    key = event.pk
    event.save()
    assert isinstance(key, uuid.UUID)
    assert Event.objects.get().pk == key


def test_system_check_passes_for_the_default_factory():
    assert check_uuid_factory() == []


@override_settings(BASEMODELS_UUID_FACTORY="django_basemodels.uuids.uuid7")
def test_system_check_passes_for_uuid7():
    assert check_uuid_factory() == []


@pytest.mark.parametrize("path", ["no_such_module.make", "uuid.no_such_function", "uuid4"])
def test_system_check_errors_on_an_unimportable_factory(path):
    with override_settings(BASEMODELS_UUID_FACTORY=path):
        errors = check_uuid_factory()
    assert [error.id for error in errors] == ["django_basemodels.E001"]
    assert path in errors[0].msg


@override_settings(BASEMODELS_UUID_FACTORY=uuid.uuid4)
def test_system_check_errors_on_a_factory_given_as_an_object_not_a_path():
    assert [error.id for error in check_uuid_factory()] == ["django_basemodels.E001"]


@override_settings(BASEMODELS_UUID_FACTORY="tests.test_uuid_factory.NOT_CALLABLE")
def test_system_check_errors_on_a_non_callable_factory():
    assert [error.id for error in check_uuid_factory()] == ["django_basemodels.E002"]


@override_settings(BASEMODELS_UUID_FACTORY="no_such_module.make")
def test_system_check_is_registered_with_django():
    assert "django_basemodels.E001" in [message.id for message in checks.run_checks()]


@override_settings(BASEMODELS_UUID_FACTORY="no_such_module.make")
def test_unimportable_factory_fails_loudly_when_a_key_is_made():
    with pytest.raises(ImportError):
        new_uuid()
