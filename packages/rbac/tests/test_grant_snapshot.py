"""assign_role records a Decision whose evidence keeps what was granted; user_role.granted reads it back."""

import pytest

from django_basemodels.fields import canonical_object_id
from django_decisioning.models import Decision
from django_decisioning.testing import assert_delegation_captured, assert_snapshot_independent
from django_rbac import checks, decisions, services
from django_rbac.decisions import ASSIGN_ACTION, GrantedRole
from django_rbac.exceptions import InvalidAssignmentError, RoleLevelTooHighError
from django_rbac.models import UserRole
from tests.conftest import row_counts
from tests.testapp.models import Organization


@pytest.fixture
def cashier(make_role):
    return make_role("cashier", 20, modules=["practice.view", "billing.view"], perms=["testapp.view_medicine"])


def what(granted: GrantedRole) -> tuple:
    return (granted.slug, granted.name, granted.hierarchy_level, granted.permissions, granted.module_permissions)


@pytest.mark.django_db
def test_the_grant_is_recorded_as_a_decision(manager, clerk, cashier):
    assignment = services.assign_role(by=manager, user=clerk, role=cashier)
    decision = Decision.objects.for_action(ASSIGN_ACTION).for_target(assignment).get()
    assert (decision.actor, decision.outcome, decision.on_behalf_of) == (manager, "assigned", None)
    assert decision.effective_at == assignment.valid_from
    assert decision.evidence["role"] == {
        "id": str(cashier.pk),
        "slug": "cashier",
        "name": "Cashier",
        "hierarchy_level": 20,
        "permissions": ["testapp.view_medicine"],
        "module_permissions": ["billing.view", "practice.view"],
    }
    assert decisions.grant_decision(assignment) == decision


@pytest.mark.django_db
def test_granted_reads_the_snapshot_back(manager, clerk, cashier, organization, future):
    end = future(30)
    assignment = services.assign_role(by=manager, user=clerk, role=cashier, scope=organization, valid_to=end)
    granted = UserRole.objects.get(pk=assignment.pk).granted
    assert what(granted) == (
        "cashier",
        "Cashier",
        20,
        ("testapp.view_medicine",),
        ("billing.view", "practice.view"),
    )
    assert (granted.role_id, granted.scope_type, granted.scope_id) == (
        str(cashier.pk),
        "testapp.organization",
        canonical_object_id(organization.pk),
    )
    assert (granted.valid_from, granted.valid_to) == (assignment.valid_from, end)


@pytest.mark.django_db
def test_a_global_grant_has_no_scope(manager, clerk, cashier):
    granted = services.assign_role(by=manager, user=clerk, role=cashier).granted
    assert (granted.scope_type, granted.scope_id, granted.valid_to) == (None, "", None)


@pytest.mark.django_db
def test_editing_the_role_does_not_change_what_was_granted(manager, clerk, cashier, make_user):
    root = make_user("root", is_superuser=True, is_staff=True)
    assignment = services.assign_role(by=manager, user=clerk, role=cashier)
    decision = decisions.grant_decision(assignment)

    def edit_the_role():
        services.update_role(
            by=root, role=cashier, name="Head cashier", hierarchy_level=50, permissions=[], module_permissions=[]
        )

    assert_snapshot_independent(assignment, mutate=edit_the_role, read=lambda row: what(row.granted))
    assert assert_snapshot_independent(decision, mutate=lambda: None)["role"]["hierarchy_level"] == 20
    assert what(assignment.granted) == (
        "cashier",
        "Cashier",
        20,
        ("testapp.view_medicine",),
        ("billing.view", "practice.view"),
    )
    assert UserRole.objects.get(pk=assignment.pk).role.hierarchy_level == 50  # the live role did change


@pytest.mark.django_db
def test_a_row_made_outside_the_service_has_no_recorded_grant(clerk, cashier, grant):
    assignment = grant(clerk, cashier)
    assert assignment.granted is None
    assert decisions.grant_decision(assignment) is None


@pytest.mark.django_db
def test_a_grant_on_behalf_of_a_principal(manager, clerk, cashier, organization):
    assignment = services.assign_role(by=manager, user=clerk, role=cashier, on_behalf_of=organization)
    assert_delegation_captured(decisions.grant_decision(assignment), actor=manager, on_behalf_of=organization)


@pytest.mark.django_db
def test_a_backdated_grant_is_effective_from_its_start(manager, clerk, cashier, past):
    start = past(3)
    assignment = services.assign_role(by=manager, user=clerk, role=cashier, valid_from=start)
    decision = decisions.grant_decision(assignment)
    assert decision.effective_at == start < decision.recorded_at


@pytest.mark.django_db
@pytest.mark.parametrize("principal", [object(), Organization(name="unsaved")], ids=["not-a-model", "unsaved"])
def test_an_invalid_principal_is_refused_before_anything_is_written(manager, clerk, cashier, principal):
    before = row_counts()
    with pytest.raises(InvalidAssignmentError):
        services.assign_role(by=manager, user=clerk, role=cashier, on_behalf_of=principal)
    assert row_counts() == before


@pytest.mark.django_db
def test_a_refused_grant_records_no_decision(manager, clerk, supervisor_role):
    before = row_counts()
    with pytest.raises(RoleLevelTooHighError):
        services.assign_role(by=manager, user=clerk, role=supervisor_role)
    assert row_counts() == before


def test_decisioning_must_be_installed(monkeypatch):
    assert checks.check_decisioning_installed() == []
    monkeypatch.setattr(checks.apps, "is_installed", lambda name: name != "django_decisioning")
    assert [message.id for message in checks.check_decisioning_installed()] == ["django_rbac.E003"]
