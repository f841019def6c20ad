"""Model invariants enforced by the database: one override per (org, module), live keys unique and non-empty."""

import pytest
from django.db import IntegrityError, transaction

from django_modules.models import Module, OrgModuleState

pytestmark = pytest.mark.django_db


def test_an_org_has_at_most_one_override_per_module(org, pharmacy):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)


def test_two_live_modules_cannot_share_a_key(pharmacy):
    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.create(key="pharmacy", name="Second pharmacy")


def test_a_deleted_module_leaves_its_key_to_a_new_live_one(pharmacy):
    pharmacy.delete()

    Module.objects.create(key="pharmacy", name="Pharmacy again")

    assert Module.all_objects.filter(key="pharmacy").count() == 2


def test_keys_differing_only_in_case_are_two_modules(pharmacy):
    # Keys compare byte by byte on every database (a binary collation on MariaDB/MySQL).
    upper = Module.objects.create(key="Pharmacy", name="Another pharmacy")

    assert Module.objects.get(key="Pharmacy") == upper
    assert Module.objects.get(key="pharmacy") == pharmacy


def test_a_module_key_cannot_be_empty(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        Module.objects.create(key="", name="Nameless")


def test_a_new_module_is_active_by_default(db):
    assert Module.objects.create(key="lab", name="Lab").active is True


def test_deleting_an_org_deletes_its_overrides(org, pharmacy):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    org.delete()

    assert not OrgModuleState.objects.exists()


def test_hard_deleting_a_module_deletes_its_overrides(org, pharmacy):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    pharmacy.hard_delete()

    assert not OrgModuleState.objects.exists()


def test_string_forms_name_the_module_and_org(org, pharmacy, make_module):
    state = OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    assert str(pharmacy) == "Pharmacy"
    assert str(Module(key="lab", name="")) == "lab"
    assert str(state) == "pharmacy disabled for Acme Clinic"
    state.enabled = True
    assert str(state) == "pharmacy enabled for Acme Clinic"
