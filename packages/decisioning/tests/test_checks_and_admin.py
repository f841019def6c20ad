import datetime as dt

import pytest
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from django_basemodels.models import BaseModel
from django_decisioning.checks import check_models, check_settings, check_validity_constraints
from django_decisioning.mixins import EffectiveDatedMixin
from django_decisioning.models import Decision, IdempotencyKey
from django_decisioning.services import record_decision, run_idempotent


def check_ids():
    return [message.id for message in check_settings()]


def test_default_settings_pass_the_checks():
    assert check_ids() == []


def test_checks_are_registered():
    assert check_settings in checks.registry.registry.get_checks()


@pytest.mark.parametrize("value", [3600, dt.timedelta(0), "1 day"])
def test_a_ttl_that_is_not_a_positive_timedelta_is_an_error(settings, value):
    settings.DECISIONING_IDEMPOTENCY_TTL = value
    assert check_ids() == ["django_decisioning.E001"]


def test_ttl_none_is_accepted(settings):
    settings.DECISIONING_IDEMPOTENCY_TTL = None
    assert check_ids() == []


def test_a_lock_timeout_that_is_not_a_positive_timedelta_is_an_error(settings):
    settings.DECISIONING_IDEMPOTENCY_LOCK_TIMEOUT = -1
    assert check_ids() == ["django_decisioning.E002"]


def test_naive_datetimes_setting_is_warned_about(settings):
    settings.USE_TZ = False
    assert check_ids() == ["django_decisioning.W001"]


def test_models_of_this_project_keep_their_validity_constraints():
    assert check_models() == []


@isolate_apps("tests.testapp")
def test_effective_dated_model_whose_meta_comes_from_another_base_is_warned_about():
    class Shift(BaseModel, EffectiveDatedMixin):
        class Meta:
            app_label = "testapp"

    class Slot(EffectiveDatedMixin, models.Model):
        class Meta(EffectiveDatedMixin.Meta):
            app_label = "testapp"

    messages = check_validity_constraints([Shift, Slot])
    assert [(message.id, message.obj) for message in messages] == [("django_decisioning.W002", Shift)]


@pytest.mark.django_db
def test_admin_lists_keys_and_decisions_read_only(admin_client, admin_user):
    run_idempotent(scope="s", key="k", func=lambda: 1)
    record_decision(action="approve", by=admin_user, outcome="ok")
    for model in (IdempotencyKey, Decision):
        base = f"/admin/django_decisioning/{model._meta.model_name}/"
        assert admin_client.get(base).status_code == 200
        assert admin_client.get(f"{base}add/").status_code == 403
        row = model.objects.get()
        assert admin_client.get(f"{base}{row.pk}/change/").status_code == 200
    assert (
        admin_client.get(f"/admin/django_decisioning/decision/{Decision.objects.get().pk}/delete/").status_code == 403
    )


@pytest.mark.django_db
def test_model_string_forms_name_the_key_and_the_decision(admin_user):
    run_idempotent(scope="s", key="k", func=lambda: 1)
    decision = record_decision(action="approve", by=admin_user, outcome="ok")
    assert str(IdempotencyKey.objects.get()) == "s:k (succeeded)"
    assert str(decision) == "approve -> ok by admin"
