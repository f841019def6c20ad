"""Run by test_integer_keyed_org.py in a pytest of its own, with tests/settings_integer_org.py.

The org model is fixed when the models load, so an integer-keyed org needs a separate process.
"""

import pytest
from django.db import connection

from django_modules import clear_override, disable_module, enable_module, is_module_enabled, list_enabled_modules
from django_modules.models import Module, OrgModuleState
from tests.testapp.models import NumberedOrg

pytestmark = pytest.mark.django_db


def test_the_org_column_takes_the_integer_key():
    column = OrgModuleState._meta.get_field("org")

    assert column.related_model is NumberedOrg
    assert column.db_type(connection) == NumberedOrg._meta.pk.rel_db_type(connection)


def test_overrides_and_defaults_resolve_for_integer_keyed_orgs(django_assert_num_queries):
    first, second = NumberedOrg.objects.create(name="One"), NumberedOrg.objects.create(name="Two")
    Module.objects.create(key="pharmacy", name="Pharmacy", active=True)
    Module.objects.create(key="billing", name="Billing", active=False)
    disable_module(first, "pharmacy")
    enable_module(second, "billing")

    with django_assert_num_queries(1):
        assert list_enabled_modules(first) == set()
    with django_assert_num_queries(1):
        assert is_module_enabled(second, "billing") is True
    assert list_enabled_modules(second) == {"pharmacy", "billing"}

    assert clear_override(first, "pharmacy") is True
    assert list_enabled_modules(first) == {"pharmacy"}
