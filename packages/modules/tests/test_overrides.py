"""Writing overrides: enable_module, disable_module, clear_override (idempotent, race-safe)."""

import pytest

from django_basemodels.testing import run_concurrently
from django_modules import UnknownModuleError, clear_override, disable_module, enable_module, is_module_enabled
from django_modules.models import Module, OrgModuleState
from tests.testapp.models import Org


def test_disable_module_turns_a_default_on_module_off_for_that_org(org, other_org, pharmacy):
    disable_module(org, "pharmacy")

    assert is_module_enabled(org, "pharmacy") is False
    assert is_module_enabled(other_org, "pharmacy") is True


def test_enable_module_turns_a_default_off_module_on_for_that_org(org, billing):
    state = enable_module(org, "billing")

    assert is_module_enabled(org, "billing") is True
    assert (state.org, state.module, state.enabled) == (org, billing, True)


def test_enable_module_records_who_did_it(org, billing, user):
    state = enable_module(org, "billing", by=user)

    assert OrgModuleState.objects.get(pk=state.pk).changed_by == user


def test_switching_an_override_updates_its_one_row(org, pharmacy, user):
    first = disable_module(org, "pharmacy")
    second = enable_module(org, "pharmacy", by=user)

    assert first.pk == second.pk
    assert list(OrgModuleState.objects.values_list("enabled", "changed_by")) == [(True, user.pk)]


def test_enabling_twice_keeps_one_row(org, pharmacy):
    enable_module(org, "pharmacy")
    enable_module(org, "pharmacy")

    assert OrgModuleState.objects.filter(org=org, module=pharmacy).count() == 1


def test_an_override_equal_to_the_default_is_still_kept(org, pharmacy):
    enable_module(org, "pharmacy")
    Module.objects.filter(pk=pharmacy.pk).update(active=False)

    assert is_module_enabled(org, "pharmacy") is True


def test_clear_override_returns_the_org_to_the_global_default(org, pharmacy):
    disable_module(org, "pharmacy")

    assert clear_override(org, "pharmacy") is True
    assert is_module_enabled(org, "pharmacy") is True
    assert not OrgModuleState.objects.exists()


def test_clear_override_without_an_override_is_a_harmless_no(org, other_org, pharmacy):
    disable_module(other_org, "pharmacy")

    assert clear_override(org, "pharmacy") is False
    assert OrgModuleState.objects.filter(org=other_org).count() == 1


@pytest.mark.parametrize("write", [enable_module, disable_module, clear_override])
def test_writing_an_unknown_module_raises_and_writes_nothing(org, write):
    with pytest.raises(UnknownModuleError, match="'ghost'"):
        write(org, "ghost")

    assert not OrgModuleState.objects.exists()


def test_a_soft_deleted_module_cannot_be_enabled(org, pharmacy):
    pharmacy.delete()

    with pytest.raises(UnknownModuleError):
        enable_module(org, "pharmacy")


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_one_override_leave_one_row_and_no_error():
    org = Org.objects.create(name="Raced Clinic")
    Module.objects.create(key="pharmacy", name="Pharmacy")
    writers = [lambda: enable_module(org, "pharmacy"), lambda: disable_module(org, "pharmacy")] * 4

    outcomes = run_concurrently(writers)

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert OrgModuleState.objects.filter(org=org).count() == 1


@pytest.mark.parametrize("by", ["alice", 42])
def test_by_must_be_a_saved_user(org, pharmacy, by):
    from django_modules import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="by must be a saved User"):
        enable_module(org, "pharmacy", by=by)
    assert not OrgModuleState.objects.exists()


def test_an_unsaved_user_is_refused(org, pharmacy):
    from django.contrib.auth import get_user_model

    from django_modules import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="by must be a saved User"):
        disable_module(org, "pharmacy", by=get_user_model()(username="draft"))
