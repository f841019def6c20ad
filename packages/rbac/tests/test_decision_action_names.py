"""Migration 0002 renames the decisions recorded as ``rbac.assign``/``rbac.revoke`` to their services' names."""

import pytest
from django.core.management import call_command

from django_basemodels.testing import empty_guarded_tables
from django_decisioning.models import Decision
from django_decisioning.services import record_decision
from django_rbac.decisions import ASSIGN_ACTION, REVOKE_ACTION


def test_actions_are_named_after_the_services_that_record_them():
    assert (ASSIGN_ACTION, REVOKE_ACTION) == ("django_rbac.assign_role", "django_rbac.revoke_role")


@pytest.fixture
def committed_decisions():
    yield
    call_command("migrate", "django_rbac", verbosity=0)
    empty_guarded_tables(Decision)


@pytest.mark.django_db(transaction=True)
def test_decisions_stored_under_the_former_names_are_renamed_both_ways(committed_decisions):
    call_command("migrate", "django_rbac", "0001", verbosity=0)
    record_decision(action="rbac.assign", by=None, outcome="assigned")
    record_decision(action="rbac.revoke", by=None, outcome="revoked")
    record_decision(action="other.assign", by=None, outcome="kept")

    call_command("migrate", "django_rbac", "0002", verbosity=0)
    assert sorted(Decision.objects.values_list("action", flat=True)) == [
        "django_rbac.assign_role",
        "django_rbac.revoke_role",
        "other.assign",
    ]

    call_command("migrate", "django_rbac", "0001", verbosity=0)
    assert sorted(Decision.objects.values_list("action", flat=True)) == ["other.assign", "rbac.assign", "rbac.revoke"]
