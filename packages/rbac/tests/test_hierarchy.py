import pytest
from django.contrib.auth.models import AnonymousUser

from django_rbac import selectors
from tests.conftest import fresh


@pytest.mark.django_db
def test_level_is_the_highest_current_role(clerk, staff_role, director_role, grant):
    grant(clerk, staff_role)
    grant(clerk, director_role)
    assert fresh(clerk).hierarchy_level == 80


@pytest.mark.django_db
def test_level_is_zero_without_roles(clerk):
    assert clerk.hierarchy_level == 0


@pytest.mark.django_db
def test_superuser_level_is_100(make_user):
    assert make_user("root", is_superuser=True).hierarchy_level == 100


def test_anonymous_level_is_zero():
    assert selectors.hierarchy_level(AnonymousUser()) == 0


@pytest.mark.django_db
def test_scoped_role_counts_in_the_rank(clerk, director_role, grant, organization):
    grant(clerk, director_role, organization)
    assert fresh(clerk).hierarchy_level == 80


@pytest.mark.django_db
def test_level_for_a_scope_counts_global_roles_and_that_scope_only(
    clerk, staff_role, director_role, grant, organization, other_organization
):
    grant(clerk, staff_role)
    grant(clerk, director_role, organization)
    user = fresh(clerk)
    assert selectors.hierarchy_level(user, organization) == 80
    assert selectors.hierarchy_level(user, other_organization) == 20
    assert selectors.global_hierarchy_level(user) == 20


@pytest.mark.django_db
def test_superuser_level_for_any_scope_is_100(make_user, organization):
    root = make_user("root", is_superuser=True)
    assert selectors.hierarchy_level(root, organization) == 100
    assert selectors.global_hierarchy_level(root) == 100


@pytest.mark.django_db
def test_can_manage_a_user_of_lower_level(manager, clerk, staff_role, grant):
    grant(clerk, staff_role)
    assert manager.can_manage_user(fresh(clerk))


@pytest.mark.django_db
def test_cannot_manage_a_peer(manager, make_user, supervisor_role, grant):
    peer = make_user("peer")
    grant(peer, supervisor_role)
    assert not manager.can_manage_user(peer)


@pytest.mark.django_db
def test_cannot_manage_oneself(manager):
    assert not manager.can_manage_user(manager)
    assert not manager.can_manage_user(fresh(manager))


@pytest.mark.django_db
def test_cannot_manage_nobody_or_an_unsaved_user(manager):
    from tests.testapp.models import User

    assert not manager.can_manage_user(None)
    assert not manager.can_manage_user(User(username="ghost"))


@pytest.mark.django_db
def test_inactive_user_manages_nobody(manager, clerk):
    manager.is_active = False
    assert not selectors.can_manage_user(manager, clerk)


@pytest.mark.django_db
def test_manageable_roles_are_strictly_below_own_level(manager, staff_role, supervisor_role, director_role):
    assert set(manager.get_manageable_roles()) == {staff_role}


@pytest.mark.django_db
def test_inactive_user_has_no_manageable_roles(manager, staff_role):
    manager.is_active = False
    assert not manager.get_manageable_roles().exists()


@pytest.mark.django_db
def test_manageable_users_leave_out_self_peers_superiors_and_superusers(
    manager, clerk, make_user, staff_role, supervisor_role, grant
):
    junior = make_user("junior")
    grant(junior, staff_role)
    peer = make_user("peer")
    grant(peer, supervisor_role)
    make_user("root", is_superuser=True)
    assert set(selectors.manageable_users(manager)) == {clerk, junior}


@pytest.mark.django_db
def test_user_without_level_manages_no_users(clerk, make_user):
    make_user("other")
    assert not selectors.manageable_users(clerk).exists()


@pytest.mark.django_db
def test_meets_hierarchy_level_needs_an_active_user(manager):
    assert selectors.meets_hierarchy_level(manager, 60)
    assert not selectors.meets_hierarchy_level(manager, 61)
    manager.is_active = False
    assert not selectors.meets_hierarchy_level(manager, 0)
