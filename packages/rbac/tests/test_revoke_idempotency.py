"""revoke_role(idempotency_key=): a retried revocation returns the assignments the first call ended."""

import pytest

from django_decisioning import IdempotencyConflictError
from django_decisioning.models import Decision, IdempotencyKey
from django_rbac import services
from django_rbac.decisions import REVOKE_ACTION
from django_rbac.exceptions import InvalidAssignmentError, RoleNotAssignedError
from django_rbac.models import UserRole
from tests.conftest import fresh, row_counts


@pytest.fixture
def assignment(manager, clerk, staff_role):
    return services.assign_role(by=manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_a_retried_revocation_with_its_key_returns_the_first_result_and_records_one_decision(manager, assignment):
    first = services.revoke_role(by=manager, user_role=assignment, idempotency_key="end-clerk")
    again = services.revoke_role(by=fresh(manager), user_role=assignment, idempotency_key="end-clerk")
    assert again == first and again[0].valid_to == first[0].valid_to
    assert Decision.objects.for_action(REVOKE_ACTION).count() == 1
    assert IdempotencyKey.objects.get(key="end-clerk").scope == services.REVOKE_IDEMPOTENCY_SCOPE
    assert services.REVOKE_IDEMPOTENCY_SCOPE == "django_rbac.revoke_role"


@pytest.mark.django_db
def test_without_a_key_a_repeat_finds_nothing_left_to_end(manager, assignment):
    services.revoke_role(by=manager, user_role=assignment)
    with pytest.raises(RoleNotAssignedError):
        services.revoke_role(by=manager, user_role=assignment)


@pytest.mark.django_db
def test_a_retry_by_user_and_role_returns_every_assignment_it_ended(manager, clerk, staff_role, organization):
    services.assign_role(by=manager, user=clerk, role=staff_role)
    services.assign_role(by=manager, user=clerk, role=staff_role, scope=organization)
    first = services.revoke_role(by=manager, user=clerk, role=staff_role, idempotency_key="k")
    assert services.revoke_role(by=manager, user=clerk, role=staff_role, idempotency_key="k") == first
    assert UserRole.objects.filter(user=clerk).not_ended().count() == 1  # the scoped one stays


@pytest.mark.django_db
def test_the_same_key_for_another_revocation_is_a_conflict(manager, clerk, staff_role, make_role, assignment):
    other = services.assign_role(by=manager, user=clerk, role=make_role("cashier", 10))
    services.revoke_role(by=manager, user_role=assignment, idempotency_key="k")
    before = row_counts()
    with pytest.raises(IdempotencyConflictError):
        services.revoke_role(by=manager, user_role=other, idempotency_key="k")
    assert row_counts() == before
    assert UserRole.objects.get(pk=other.pk).valid_to is None


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "k" * 256, 7], ids=["empty", "too-long", "not-a-string"])
def test_a_malformed_key_is_refused_before_anything_is_written(manager, assignment, key):
    before = row_counts()
    with pytest.raises(InvalidAssignmentError, match="idempotency_key"):
        services.revoke_role(by=manager, user_role=assignment, idempotency_key=key)
    assert row_counts() == before
