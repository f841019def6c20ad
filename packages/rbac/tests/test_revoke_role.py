"""revoke_role: it ends periods (never deletes), and refuses every escalation with nothing written."""

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from django_rbac import services
from django_rbac.exceptions import (
    InactiveActorError,
    InvalidAssignmentError,
    RoleLevelTooHighError,
    RoleNotAssignedError,
    SelfAssignmentError,
    TargetLevelTooHighError,
)
from django_rbac.models import UserRole
from tests.conftest import fresh, row_counts, state_of_assignments


@contextmanager
def refused(exception):
    before = (row_counts(), state_of_assignments())
    with pytest.raises(exception):
        yield
    assert (row_counts(), state_of_assignments()) == before


@pytest.fixture
def clerk_as_staff(clerk, staff_role, grant, past):
    return grant(clerk, staff_role, valid_from=past(30))


@pytest.mark.django_db
def test_revoke_ends_the_period_and_keeps_the_row(manager, clerk_as_staff):
    before = timezone.now()
    [ended] = services.revoke_role(by=manager, user_role=clerk_as_staff)
    stored = UserRole.objects.get(pk=clerk_as_staff.pk)
    assert stored.valid_to >= before
    assert stored.revoked_by == manager
    assert ended.pk == stored.pk
    assert clerk_as_staff.valid_to == stored.valid_to


@pytest.mark.django_db
def test_revoke_by_user_role_and_scope(manager, clerk, staff_role, grant, organization):
    scoped = grant(clerk, staff_role, organization)
    everywhere = grant(clerk, staff_role)
    services.revoke_role(by=manager, user=clerk, role=staff_role, scope=organization)
    assert UserRole.objects.get(pk=scoped.pk).valid_to is not None
    assert UserRole.objects.get(pk=everywhere.pk).valid_to is None


@pytest.mark.django_db
def test_revoke_clears_the_target_permission_cache(manager, clerk, clerk_as_staff):
    assert clerk.has_module_permission("practice", "view")
    services.revoke_role(by=manager, user=clerk, role=clerk_as_staff.role)
    assert not clerk.has_module_permission("practice", "view")


@pytest.mark.django_db
def test_revoke_clears_the_cache_of_the_assignment_user_object(manager, clerk_as_staff):
    assignment = UserRole.objects.select_related("user").get(pk=clerk_as_staff.pk)
    assert assignment.user.has_module_permission("practice", "view")
    services.revoke_role(by=manager, user_role=assignment)
    assert not assignment.user.has_module_permission("practice", "view")


@pytest.mark.django_db
def test_revoke_at_a_future_moment_keeps_the_role_until_then(manager, clerk, clerk_as_staff, future):
    end = future(7)
    services.revoke_role(by=manager, user_role=clerk_as_staff, at=end)
    assert UserRole.objects.get(pk=clerk_as_staff.pk).valid_to == end
    assert fresh(clerk).has_module_permission("practice", "view")


@pytest.mark.django_db
def test_revoking_a_future_assignment_leaves_it_an_empty_period(manager, clerk, staff_role, grant, future):
    upcoming = grant(clerk, staff_role, valid_from=future(5))
    services.revoke_role(by=manager, user_role=upcoming)
    stored = UserRole.objects.get(pk=upcoming.pk)
    assert stored.valid_to == stored.valid_from
    assert not UserRole.objects.as_of(future(6)).filter(user=clerk).exists()


# --- attacks ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revoking_own_role_is_refused(manager):
    own = UserRole.objects.get(user=manager)
    with refused(SelfAssignmentError):
        services.revoke_role(by=manager, user_role=own)


@pytest.mark.django_db
def test_revoking_a_superior_role_is_refused(manager, make_user, director_role, grant):
    boss = make_user("boss")
    boss_role = grant(boss, director_role)
    with refused(RoleLevelTooHighError):
        services.revoke_role(by=manager, user_role=boss_role)


@pytest.mark.django_db
def test_revoking_a_low_role_of_a_superior_is_refused(manager, make_user, director_role, staff_role, grant):
    boss = make_user("boss")
    grant(boss, director_role)
    low = grant(boss, staff_role)
    with refused(TargetLevelTooHighError):
        services.revoke_role(by=manager, user_role=low)


@pytest.mark.django_db
def test_revoking_a_low_role_of_a_peer_is_refused(manager, make_user, staff_role, supervisor_role, grant):
    peer = make_user("peer")
    grant(peer, supervisor_role)
    low = grant(peer, staff_role)
    with refused(TargetLevelTooHighError):
        services.revoke_role(by=manager, user=peer, role=staff_role)
    assert UserRole.objects.get(pk=low.pk).valid_to is None


@pytest.mark.django_db
def test_revoking_a_future_superior_role_of_a_junior_is_refused(manager, clerk, director_role, grant, future):
    upcoming = grant(clerk, director_role, valid_from=future(3))
    with refused(RoleLevelTooHighError):
        services.revoke_role(by=manager, user_role=upcoming)


@pytest.mark.django_db
def test_inactive_revoker_is_refused(manager, clerk_as_staff):
    manager.is_active = False
    with refused(InactiveActorError):
        services.revoke_role(by=manager, user_role=clerk_as_staff)


@pytest.mark.django_db
def test_anonymous_revoker_is_refused(clerk_as_staff):
    with refused(InactiveActorError):
        services.revoke_role(by=AnonymousUser(), user_role=clerk_as_staff)


@pytest.mark.django_db
def test_scoped_manager_cannot_revoke_in_another_scope(
    make_user, clerk, staff_role, supervisor_role, grant, organization, other_organization
):
    local_manager = make_user("local")
    grant(local_manager, supervisor_role, organization)
    elsewhere = grant(clerk, staff_role, other_organization)
    with refused(RoleLevelTooHighError):
        services.revoke_role(by=local_manager, user_role=elsewhere)


@pytest.mark.django_db
def test_all_or_nothing_when_one_of_several_assignments_is_out_of_reach(
    make_user, clerk, staff_role, supervisor_role, grant, organization, other_organization, future
):
    local_manager = make_user("local")
    grant(local_manager, supervisor_role, organization)
    grant(clerk, staff_role, valid_from=future(1), valid_to=future(2))
    grant(clerk, staff_role, valid_from=future(3))
    with refused(RoleLevelTooHighError):
        services.revoke_role(by=local_manager, user=clerk, role=staff_role)


# --- malformed requests ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revoking_an_ended_assignment_is_refused(manager, clerk, staff_role, grant, past):
    ended = grant(clerk, staff_role, valid_from=past(10), valid_to=past(5))
    with refused(RoleNotAssignedError):
        services.revoke_role(by=manager, user_role=ended)


@pytest.mark.django_db
def test_revoking_a_role_never_held_is_refused(manager, clerk, staff_role):
    with refused(RoleNotAssignedError):
        services.revoke_role(by=manager, user=clerk, role=staff_role)


@pytest.mark.django_db
def test_backdated_revocation_is_refused(manager, clerk_as_staff, past):
    with refused(InvalidAssignmentError):
        services.revoke_role(by=manager, user_role=clerk_as_staff, at=past(1))


@pytest.mark.django_db
def test_revoke_needs_an_assignment_or_a_user_and_a_role(manager, clerk, clerk_as_staff):
    with refused(InvalidAssignmentError):
        services.revoke_role(by=manager, user=clerk)
    with refused(InvalidAssignmentError):
        services.revoke_role(by=manager, user_role=clerk_as_staff, user=clerk, role=clerk_as_staff.role)
