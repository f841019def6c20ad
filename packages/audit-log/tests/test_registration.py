import pickle
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.db import models
from django.db.migrations.state import ModelState

from django_audit_log import TrackingConfigurationError, register, registration_for, unregister
from django_audit_log.models import AuditLog
from django_audit_log.tracking import TrackingQuerySetMixin
from tests.testapp.models import Customer, Note, Plain


@pytest.fixture
def plain_tracked():
    registration = register(Plain, exclude=["size"])
    yield registration
    unregister(Plain)


def test_registration_lists_the_tracked_fields():
    assert [f.name for f in registration_for(Customer).fields] == [
        "name",
        "email",
        "password",
        "balance",
        "visits",
        "profile",
        "last_seen",
    ]


def test_include_can_name_an_auto_now_field():
    register(Plain, include=["name"])
    try:
        assert [f.name for f in registration_for(Plain).fields] == ["name"]
    finally:
        unregister(Plain)


@pytest.mark.django_db
def test_a_registered_model_is_tracked_until_unregistered(entries):
    register(Plain)
    try:
        Plain.objects.create(name="tracked")
        Plain.objects.update(size=3)
    finally:
        unregister(Plain)
    Plain.objects.create(name="not tracked")
    Plain.objects.update(size=4)
    assert [(e.action, e.metadata["write"]) for e in entries()] == [
        ("create", "save"),
        ("update", "queryset.update"),
    ]


def test_unregister_restores_the_model_and_its_managers(plain_tracked):
    assert issubclass(Plain.objects.get_queryset().__class__, TrackingQuerySetMixin)
    unregister(Plain)
    try:
        assert not issubclass(Plain.objects.get_queryset().__class__, TrackingQuerySetMixin)
        assert "save_base" not in Plain.__dict__
        assert "refresh_from_db" not in Plain.__dict__
    finally:
        register(Plain, exclude=["size"])


def test_registering_twice_is_refused(plain_tracked):
    with pytest.raises(TrackingConfigurationError, match="already registered"):
        register(Plain)


def test_unregistering_an_untracked_model_is_refused():
    with pytest.raises(TrackingConfigurationError, match="not registered"):
        unregister(Plain)


@pytest.mark.parametrize(
    "options",
    [{"include": ["nope"]}, {"exclude": ["nope"]}, {"include": ["id"]}, {"exclude": "name"}, {"sensitivity": "x"}],
    ids=["unknown-include", "unknown-exclude", "primary-key", "string-not-list", "bad-sensitivity"],
)
def test_bad_options_are_refused(options):
    with pytest.raises(TrackingConfigurationError):
        register(Plain, **options)
    assert registration_for(Plain) is None


class Abstract(models.Model):
    class Meta:
        abstract = True
        app_label = "testapp"


@pytest.mark.parametrize("target", [AuditLog, Abstract, Note.labels.through, models.Model, "testapp.Plain", 3])
def test_only_concrete_models_other_than_the_audit_log_can_be_registered(target):
    with pytest.raises(TrackingConfigurationError):
        register(target)


def test_the_package_imports_before_django_is_set_up():
    code = (
        "import django_audit_log\n"
        "from django_audit_log import log, log_event, register, verify_chain\n"
        "from django.apps import apps\n"
        "assert not apps.ready\n"
    )
    env = {"PATH": "", "PYTHONPATH": ""}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_querysets_of_tracked_models_pickle():
    Customer.objects.create(name="Ada")
    queryset = Customer.objects.named("Ada")
    restored = pickle.loads(pickle.dumps(queryset))
    assert type(restored) is type(queryset)
    assert [c.name for c in restored] == ["Ada"]


def test_migrations_see_the_declared_manager():
    state = ModelState.from_model(Customer)
    [(name, manager)] = state.managers
    assert (name, manager.deconstruct()[1]) == ("objects", "tests.testapp.models.CustomerManager")


@pytest.mark.django_db
def test_registration_makes_no_migration_for_the_tracked_models():
    # Customer's manager is use_in_migrations: its runtime subclass must compare equal to it.
    call_command("makemigrations", "testapp", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_custom_queryset_methods_still_work():
    Customer.objects.create(name="Ada")
    Customer.objects.create(name="Bob", visits=1)
    assert Customer.objects.named("Bob").get().visits == 1
    assert AuditLog.objects.for_model(Customer).count() == 2
