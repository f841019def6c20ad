"""System checks: the SINGLETON_CACHE setting (E001) and the singleton constraint of every model (W001)."""

import pytest
from django.apps import apps
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from django_singleton.checks import check_cache_setting, check_singleton_constraints, singleton_constraint_warnings
from django_singleton.models import SingletonModel
from tests.testapp.models import LegacySettings


@pytest.mark.parametrize("value", ["request", None])
def test_valid_cache_settings_pass(settings, value):
    settings.SINGLETON_CACHE = value
    assert check_cache_setting() == []


def test_the_cache_setting_defaults_to_request(settings):
    del settings.SINGLETON_CACHE
    assert check_cache_setting() == []


@pytest.mark.parametrize("value", ["Request", "session", True, 0, ["request"]])
def test_an_invalid_cache_setting_is_an_error(settings, value):
    settings.SINGLETON_CACHE = value
    [error] = check_cache_setting()
    assert error.id == "django_singleton.E001"
    assert error.level == checks.ERROR
    assert repr(value) in error.msg


def test_the_registered_checks_include_the_cache_setting(settings):
    settings.SINGLETON_CACHE = "never"
    assert "django_singleton.E001" in {message.id for message in checks.run_checks()}


def test_a_model_without_the_constraint_is_warned_about():
    [warning] = check_singleton_constraints(app_configs=[apps.get_app_config("testapp")])
    assert warning.id == "django_singleton.W001"
    assert warning.level == checks.WARNING
    assert warning.obj is LegacySettings


def test_models_with_the_constraint_pass_the_check():
    warned = {warning.obj for warning in check_singleton_constraints()}
    assert warned == {LegacySettings}


@isolate_apps("tests.testapp")
def test_a_meta_overriding_constraints_without_the_singleton_one_is_warned_about():
    class Counter(SingletonModel):
        value = models.IntegerField()

        class Meta:
            app_label = "testapp"
            constraints = [models.CheckConstraint(condition=models.Q(value__gte=0), name="counter_value_positive")]

    [warning] = singleton_constraint_warnings([Counter])
    assert warning.obj is Counter


@isolate_apps("tests.testapp")
def test_proxies_abstract_and_other_models_are_not_checked():
    class Plain(models.Model):
        class Meta:
            app_label = "testapp"

    class Unconstrained(SingletonModel):
        class Meta:
            app_label = "testapp"
            constraints: list[models.BaseConstraint] = []

    class UnconstrainedProxy(Unconstrained):
        class Meta:
            app_label = "testapp"
            proxy = True

    assert [warning.obj for warning in singleton_constraint_warnings([Plain, Unconstrained, UnconstrainedProxy])] == [
        Unconstrained
    ]
