"""Resolution: the org's override, else the module's global default; unknown keys are errors."""

import pytest

from django_modules import (
    ModuleDisabledError,
    UnknownModuleError,
    clear_override,
    disable_module,
    enable_module,
    is_module_enabled,
    list_enabled_modules,
    require_module,
)
from django_modules.models import Module, OrgModuleState
from tests.testapp.models import NumberedOrg, Org


def test_without_override_a_module_follows_its_global_default(org, pharmacy, billing):
    assert is_module_enabled(org, "pharmacy") is True
    assert is_module_enabled(org, "billing") is False


def test_an_override_that_disables_beats_an_active_default(org, pharmacy):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    assert is_module_enabled(org, "pharmacy") is False


def test_an_override_that_enables_beats_an_inactive_default(org, billing):
    OrgModuleState.objects.create(org=org, module=billing, enabled=True)

    assert is_module_enabled(org, "billing") is True


def test_an_override_applies_to_its_own_org_only(org, other_org, pharmacy):
    OrgModuleState.objects.create(org=other_org, module=pharmacy, enabled=False)

    assert is_module_enabled(org, "pharmacy") is True
    assert is_module_enabled(other_org, "pharmacy") is False


def test_changing_the_global_default_changes_orgs_without_override_only(org, other_org, pharmacy):
    OrgModuleState.objects.create(org=other_org, module=pharmacy, enabled=True)
    Module.objects.filter(pk=pharmacy.pk).update(active=False)

    assert is_module_enabled(org, "pharmacy") is False
    assert is_module_enabled(other_org, "pharmacy") is True


def test_an_unknown_key_raises_unknown_module_naming_the_key(org, pharmacy):
    with pytest.raises(UnknownModuleError, match="'pharmacie'") as raised:
        is_module_enabled(org, "pharmacie")

    assert raised.value.key == "pharmacie"
    assert isinstance(raised.value, LookupError)


def test_a_soft_deleted_module_is_unknown_even_with_an_override(org, pharmacy):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=True)
    pharmacy.delete()

    with pytest.raises(UnknownModuleError):
        is_module_enabled(org, "pharmacy")
    assert list_enabled_modules(org) == set()


def test_a_new_module_reusing_a_deleted_key_starts_without_the_old_overrides(org, make_module):
    old = make_module("lab", active=True)
    OrgModuleState.objects.create(org=org, module=old, enabled=False)
    old.delete()

    make_module("lab", active=True)

    assert is_module_enabled(org, "lab") is True


def test_a_key_in_another_case_is_another_module(org, pharmacy):
    with pytest.raises(UnknownModuleError, match="'Pharmacy'"):
        is_module_enabled(org, "Pharmacy")


def test_is_module_enabled_takes_one_query(org, pharmacy, django_assert_num_queries):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    with django_assert_num_queries(1):
        is_module_enabled(org, "pharmacy")


def test_an_unknown_key_is_told_apart_in_the_same_one_query(org, pharmacy, django_assert_num_queries):
    with django_assert_num_queries(1), pytest.raises(UnknownModuleError):
        is_module_enabled(org, "nope")


def test_list_enabled_modules_resolves_every_module_for_the_org(org, other_org, make_module):
    lab, imaging, billing, _pharmacy = (
        make_module("lab", active=True),
        make_module("imaging", active=True),
        make_module("billing", active=False),
        make_module("pharmacy", active=False),
    )
    OrgModuleState.objects.create(org=org, module=imaging, enabled=False)
    OrgModuleState.objects.create(org=org, module=billing, enabled=True)
    OrgModuleState.objects.create(org=other_org, module=lab, enabled=False)

    assert list_enabled_modules(org) == {"lab", "billing"}
    assert list_enabled_modules(other_org) == {"imaging"}


def test_list_enabled_modules_takes_one_query_however_many_modules(org, make_module, django_assert_num_queries):
    for number in range(10):
        module = make_module(f"module-{number}", active=number % 2 == 0)
        if number % 3 == 0:
            OrgModuleState.objects.create(org=org, module=module, enabled=number % 2 == 1)

    with django_assert_num_queries(1):
        enabled = list_enabled_modules(org)

    assert enabled == {"module-2", "module-3", "module-4", "module-8", "module-9"}


def test_list_enabled_modules_is_empty_without_modules(org):
    assert list_enabled_modules(org) == set()


def test_with_org_state_shows_each_modules_override_and_result(org, pharmacy, billing):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    rows = {m.key: (m.override, m.is_enabled) for m in Module.objects.with_org_state(org)}

    assert rows == {"pharmacy": (False, False), "billing": (None, False)}


def test_require_module_returns_quietly_when_enabled(org, pharmacy, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert require_module(org, "pharmacy") is None


def test_require_module_raises_module_disabled_naming_the_module_and_the_org(org, billing):
    with pytest.raises(ModuleDisabledError) as raised:
        require_module(org, "billing")

    assert str(raised.value) == "Module 'billing' is disabled for organization 'Acme Clinic'."
    assert raised.value.key == "billing"
    assert raised.value.org == org


def test_require_module_raises_unknown_module_for_an_unknown_key(org):
    with pytest.raises(UnknownModuleError):
        require_module(org, "ghost")


@pytest.mark.parametrize("call", [is_module_enabled, require_module, enable_module, disable_module, clear_override])
def test_a_key_that_is_not_a_string_is_a_type_error(org, call):
    with pytest.raises(TypeError, match="module key is a string"):
        call(org, None)


@pytest.mark.parametrize(
    "call",
    [
        lambda org: is_module_enabled(org, "pharmacy"),
        list_enabled_modules,
        lambda org: enable_module(org, "pharmacy"),
        lambda org: clear_override(org, "pharmacy"),
    ],
)
@pytest.mark.parametrize("bad_org", [None, "Acme Clinic", NumberedOrg(pk=1, name="wrong model")])
def test_an_org_of_another_type_is_a_type_error(db, pharmacy, call, bad_org):
    with pytest.raises(TypeError, match="org must be a saved Org"):
        call(bad_org)


def test_an_unsaved_org_is_a_value_error(db, pharmacy):
    with pytest.raises(ValueError, match="org must be a saved Org"):
        is_module_enabled(Org(name="draft"), "pharmacy")
