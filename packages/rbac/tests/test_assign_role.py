"""assign_role: what it grants, and every way an attacker could try to escalate (each refused, nothing written)."""

from contextlib import contextmanager
from datetime import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from django_rbac import services
from django_rbac.exceptions import (
    DuplicateAssignmentError,
    EscalationError,
    InactiveActorError,
    InvalidAssignmentError,
    RoleLevelTooHighError,
    SelfAssignmentError,
    TargetLevelTooHighError,
)
from django_rbac.models import Role, UserRole
from tests.conftest import fresh, row_counts, state_of_assignments
from tests.testapp.models import Organization, User


@contextmanager
def refused(exception):
    before = (row_counts(), state_of_assignments())
    with pytest.raises(exception):
        yield
    assert (row_counts(), state_of_assignments()) == before


# --- what it does ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assign_role_creates_an_open_global_assignment(manager, clerk, staff_role):
    assignment = services.assign_role(by=manager, user=clerk, role=staff_role)
    assert (assignment.user, assignment.role, assignment.scope, assignment.valid_to) == (clerk, staff_role, None, None)
    assert assignment.assigned_by == manager


@pytest.mark.django_db
def test_assign_role_for_a_scope(manager, clerk, staff_role, organization):
    assignment = services.assign_role(by=manager, user=clerk, role=staff_role, scope=organization)
    assert UserRole.objects.get(pk=assignment.pk).scope == organization


@pytest.mark.django_db
def test_assign_role_with_a_period(manager, clerk, staff_role, future):
    start, end = future(1), future(30)
    assignment = services.assign_role(by=manager, user=clerk, role=staff_role, valid_from=start, valid_to=end)
    assert (assignment.valid_from, assignment.valid_to) == (start, end)


@pytest.mark.django_db
def test_assign_role_clears_the_target_permission_cache(manager, clerk, staff_role):
    assert not clerk.has_module_permission("practice", "view")
    services.assign_role(by=manager, user=clerk, role=staff_role)
    assert clerk.has_module_permission("practice", "view")


@pytest.mark.django_db
def test_superuser_assigns_a_level_99_role(make_user, clerk, make_role):
    root = make_user("root", is_superuser=True)
    services.assign_role(by=root, user=clerk, role=make_role("deputy", 99))
    assert fresh(clerk).hierarchy_level == 99


@pytest.mark.django_db
def test_escalation_error_is_a_permission_denied():
    assert issubclass(EscalationError, PermissionDenied)


# --- attacks ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_self_assignment_is_refused(manager, staff_role):
    with refused(SelfAssignmentError):
        services.assign_role(by=manager, user=manager, role=staff_role)


@pytest.mark.django_db
def test_self_assignment_through_another_object_of_the_same_user_is_refused(manager, staff_role):
    with refused(SelfAssignmentError):
        services.assign_role(by=manager, user=fresh(manager), role=staff_role)


@pytest.mark.django_db
def test_granting_a_role_at_own_level_is_refused(manager, clerk, supervisor_role):
    with refused(RoleLevelTooHighError):
        services.assign_role(by=manager, user=clerk, role=supervisor_role)


@pytest.mark.django_db
def test_granting_a_role_above_own_level_is_refused(manager, clerk, director_role):
    with refused(RoleLevelTooHighError):
        services.assign_role(by=manager, user=clerk, role=director_role)


@pytest.mark.django_db
def test_a_role_lowered_in_memory_does_not_fool_the_check(manager, clerk, director_role):
    director_role.hierarchy_level = 1
    with refused(RoleLevelTooHighError):
        services.assign_role(by=manager, user=clerk, role=director_role)


@pytest.mark.django_db
def test_assigning_to_a_peer_is_refused(manager, make_user, supervisor_role, staff_role, grant):
    peer = make_user("peer")
    grant(peer, supervisor_role)
    with refused(TargetLevelTooHighError):
        services.assign_role(by=manager, user=peer, role=staff_role)


@pytest.mark.django_db
def test_assigning_to_a_superior_is_refused(manager, make_user, director_role, staff_role, grant):
    boss = make_user("boss")
    grant(boss, director_role)
    with refused(TargetLevelTooHighError):
        services.assign_role(by=manager, user=boss, role=staff_role)


@pytest.mark.django_db
def test_assigning_to_a_superuser_disguised_in_memory_is_refused(manager, make_user, staff_role):
    root = make_user("root", is_superuser=True)
    root.is_superuser = False
    with refused(TargetLevelTooHighError):
        services.assign_role(by=manager, user=root, role=staff_role)


@pytest.mark.django_db
def test_assigning_to_a_user_whose_superior_role_is_scoped_is_refused(
    manager, make_user, director_role, staff_role, grant, organization
):
    boss = make_user("boss")
    grant(boss, director_role, organization)
    with refused(TargetLevelTooHighError):
        services.assign_role(by=manager, user=boss, role=staff_role)


@pytest.mark.django_db
def test_inactive_assigner_is_refused(manager, clerk, staff_role):
    User.objects.filter(pk=manager.pk).update(is_active=False)
    with refused(InactiveActorError):
        services.assign_role(by=manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_assigner_deactivated_in_memory_is_refused(manager, clerk, staff_role):
    manager.is_active = False
    with refused(InactiveActorError):
        services.assign_role(by=manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_anonymous_assigner_is_refused(clerk, staff_role):
    with refused(InactiveActorError):
        services.assign_role(by=AnonymousUser(), user=clerk, role=staff_role)


@pytest.mark.django_db
def test_user_without_roles_cannot_grant_a_level_0_role(make_user, clerk, make_role):
    nobody, visitor = make_user("nobody"), make_role("visitor", 0)
    with refused(RoleLevelTooHighError):
        services.assign_role(by=nobody, user=clerk, role=visitor)


@pytest.mark.django_db
def test_superuser_cannot_grant_a_level_100_role(make_user, clerk, make_role):
    root, owner = make_user("root", is_superuser=True), make_role("owner", 100)
    with refused(RoleLevelTooHighError):
        services.assign_role(by=root, user=clerk, role=owner)


@pytest.mark.django_db
def test_scoped_manager_cannot_grant_a_global_role(make_user, clerk, staff_role, supervisor_role, grant, organization):
    local_manager = make_user("local")
    grant(local_manager, supervisor_role, organization)
    with refused(RoleLevelTooHighError):
        services.assign_role(by=local_manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_scoped_manager_cannot_grant_in_another_scope(
    make_user, clerk, staff_role, supervisor_role, grant, organization, other_organization
):
    local_manager = make_user("local")
    grant(local_manager, supervisor_role, organization)
    with refused(RoleLevelTooHighError):
        services.assign_role(by=local_manager, user=clerk, role=staff_role, scope=other_organization)


@pytest.mark.django_db
def test_scoped_manager_grants_in_own_scope(make_user, clerk, staff_role, supervisor_role, grant, organization):
    local_manager = make_user("local")
    grant(local_manager, supervisor_role, organization)
    services.assign_role(by=local_manager, user=clerk, role=staff_role, scope=organization)
    assert fresh(clerk).has_module_permission("practice", "view", scope=organization)


@pytest.mark.django_db
def test_assigner_whose_role_was_revoked_in_the_database_is_refused(manager, clerk, staff_role):
    assert manager.hierarchy_level == 60  # cached on the object
    UserRole.objects.filter(user=manager).update(valid_to=UserRole.objects.get(user=manager).valid_from)
    with refused(RoleLevelTooHighError):
        services.assign_role(by=manager, user=clerk, role=staff_role)


# --- malformed requests -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_duplicate_open_assignment_is_refused(manager, clerk, staff_role):
    services.assign_role(by=manager, user=clerk, role=staff_role)
    with refused(DuplicateAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_overlapping_future_assignment_is_refused(manager, clerk, staff_role, future):
    services.assign_role(by=manager, user=clerk, role=staff_role, valid_from=future(10), valid_to=future(20))
    with refused(DuplicateAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role, valid_to=future(15))


@pytest.mark.django_db
def test_adjacent_periods_are_allowed(manager, clerk, staff_role, future):
    services.assign_role(by=manager, user=clerk, role=staff_role, valid_to=future(10))
    services.assign_role(by=manager, user=clerk, role=staff_role, valid_from=future(10))
    assert UserRole.objects.filter(user=clerk).count() == 2


@pytest.mark.django_db
def test_database_constraint_backs_the_duplicate_check(manager, clerk, staff_role, monkeypatch):
    services.assign_role(by=manager, user=clerk, role=staff_role)
    # As if a concurrent transaction committed the same grant after the service's own check.
    monkeypatch.setattr(type(UserRole.objects.all()), "exists", lambda self: False)
    with refused(DuplicateAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_period_ending_before_it_starts_is_refused(manager, clerk, staff_role, future):
    with refused(InvalidAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role, valid_from=future(2), valid_to=future(1))


@pytest.mark.django_db
def test_naive_datetime_is_refused(manager, clerk, staff_role):
    with refused(InvalidAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role, valid_from=datetime(2030, 1, 1))


@pytest.mark.django_db
def test_unsaved_scope_is_refused(manager, clerk, staff_role):
    with refused(InvalidAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role, scope=Organization(name="x", id=None))


@pytest.mark.django_db
def test_unsaved_user_is_refused(manager, staff_role):
    with refused(InvalidAssignmentError):
        services.assign_role(by=manager, user=User(username="ghost"), role=staff_role)


@pytest.mark.django_db
def test_unsaved_role_is_refused(manager, clerk):
    with refused(InvalidAssignmentError):
        services.assign_role(by=manager, user=clerk, role=Role(name="x", slug="x", hierarchy_level=1))


@pytest.mark.django_db
def test_deleted_user_is_refused(manager, clerk, staff_role):
    User.objects.filter(pk=clerk.pk).delete()
    with refused(InvalidAssignmentError):
        services.assign_role(by=manager, user=clerk, role=staff_role)
