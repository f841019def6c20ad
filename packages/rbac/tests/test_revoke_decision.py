"""revoke_role closes the period of an assignment and records the revocation as a new fact (a Decision)."""

import datetime as dt

import pytest

from django_decisioning.models import Decision
from django_decisioning.testing import assert_delegation_captured
from django_rbac import decisions, services
from django_rbac.decisions import REVOKE_ACTION
from django_rbac.exceptions import EscalationError, InvalidAssignmentError
from django_rbac.models import UserRole
from tests.conftest import row_counts

# What revoking may change on an assignment: the end of its period, who ended it, the row's mtime.
PERIOD_FIELDS = {"valid_to", "revoked_by_id", "updated_at"}


def identity(assignment: UserRole) -> dict:
    row = UserRole.objects.get(pk=assignment.pk)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in PERIOD_FIELDS}


@pytest.fixture
def assignment(manager, clerk, staff_role, past):
    return services.assign_role(by=manager, user=clerk, role=staff_role, valid_from=past(10))


@pytest.mark.django_db
def test_revoking_records_a_decision_and_leaves_the_grant_as_it_was(manager, assignment):
    before = identity(assignment)
    granted_before = assignment.granted

    [ended] = services.revoke_role(by=manager, user_role=assignment)

    [decision] = decisions.revocations(assignment)
    assert (decision.action, decision.actor, decision.outcome) == (REVOKE_ACTION, manager, "revoked")
    assert decision.target == UserRole.objects.get(pk=assignment.pk)
    assert decision.effective_at == ended.valid_to
    assert identity(assignment) == before
    assert UserRole.objects.get(pk=assignment.pk).granted == granted_before
    assert decisions.grant_decision(assignment) != decision


@pytest.mark.django_db
def test_the_revocation_evidence_snapshots_the_assignment(manager, assignment, staff_role):
    [ended] = services.revoke_role(by=manager, user_role=assignment)
    evidence = decisions.revocations(assignment).get().evidence
    assert evidence["user_role"] == str(assignment.pk)
    assert evidence["role"]["slug"] == "staff" and evidence["role"]["hierarchy_level"] == 20
    assert evidence["previous_valid_to"] is None
    assert evidence["valid_to"] == ended.valid_to.astimezone(dt.timezone.utc).isoformat()
    assert evidence["assigned_by"] == str(manager.pk)


@pytest.mark.django_db
def test_a_revocation_on_behalf_of_a_principal(manager, assignment, organization):
    services.revoke_role(by=manager, user_role=assignment, on_behalf_of=organization)
    assert_delegation_captured(decisions.revocations(assignment).get(), actor=manager, on_behalf_of=organization)


@pytest.mark.django_db
def test_one_decision_per_assignment_ended(manager, clerk, staff_role, future):
    first = services.assign_role(by=manager, user=clerk, role=staff_role, valid_to=future(5))
    second = services.assign_role(by=manager, user=clerk, role=staff_role, valid_from=future(5))

    ended = services.revoke_role(by=manager, user=clerk, role=staff_role)

    assert {row.pk for row in ended} == {first.pk, second.pk}
    assert Decision.objects.for_action(REVOKE_ACTION).count() == 2
    assert decisions.revocations(first).count() == decisions.revocations(second).count() == 1


@pytest.mark.django_db
def test_moving_a_future_end_earlier_adds_a_decision(manager, assignment, future):
    services.revoke_role(by=manager, user_role=assignment, at=future(20))
    services.revoke_role(by=manager, user_role=UserRole.objects.get(pk=assignment.pk), at=future(10))
    first, second = decisions.revocations(assignment)
    assert first.evidence["previous_valid_to"] is None
    assert second.evidence["previous_valid_to"] == first.evidence["valid_to"]


@pytest.mark.django_db
def test_a_refused_revocation_records_nothing(make_user, staff_role, grant, assignment):
    peer = make_user("peer")
    grant(peer, staff_role)
    before = (row_counts(), identity(assignment), UserRole.objects.get(pk=assignment.pk).valid_to)
    with pytest.raises(EscalationError):
        services.revoke_role(by=peer, user_role=assignment)
    assert (row_counts(), identity(assignment), UserRole.objects.get(pk=assignment.pk).valid_to) == before


@pytest.mark.django_db
def test_an_invalid_principal_is_refused(manager, assignment):
    before = row_counts()
    with pytest.raises(InvalidAssignmentError):
        services.revoke_role(by=manager, user_role=assignment, on_behalf_of=object())
    assert row_counts() == before
    assert UserRole.objects.get(pk=assignment.pk).valid_to is None
