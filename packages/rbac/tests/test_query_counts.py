"""A user's effective permissions are loaded once: the first check queries, later ones do not."""

import pytest
from django.test import RequestFactory

from django_rbac import selectors, services
from tests.conftest import fresh


@pytest.fixture
def busy_clerk(clerk, make_role, grant, organization, province):
    grant(clerk, make_role("staff", 20, modules=["practice.view"], perms=["testapp.view_medicine"]))
    grant(clerk, make_role("local-lead", 40, modules=["stock.*"]), organization)
    grant(clerk, make_role("inspector", 30, modules=["inspection.view"]), province)
    return fresh(clerk)


@pytest.mark.django_db
def test_first_check_costs_two_queries(busy_clerk, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert busy_clerk.has_module_permission("practice", "view")


@pytest.mark.django_db
def test_first_check_of_a_user_without_roles_costs_one_query(clerk, django_assert_num_queries):
    user = fresh(clerk)
    with django_assert_num_queries(1):
        assert not user.has_module_permission("practice", "view")


@pytest.mark.django_db
def test_later_checks_cost_no_query(busy_clerk, organization, other_organization, province, django_assert_num_queries):
    with django_assert_num_queries(2):
        busy_clerk.has_module_permission("practice", "view")
    busy_clerk.has_perm("testapp.view_medicine")  # ModelBackend (also configured) loads its own cache once
    with django_assert_num_queries(0):
        for _ in range(10):
            assert busy_clerk.has_module_permission("practice", "view")
            assert busy_clerk.has_module_permission("stock", "post", scope=organization)
            assert not busy_clerk.has_module_permission("stock", "post", scope=other_organization)
            assert busy_clerk.has_module_permission("inspection", "view", scope=province)
            assert busy_clerk.has_role("local-lead", scope=organization)
            assert busy_clerk.hierarchy_level == 40
            assert selectors.hierarchy_level(busy_clerk, province) == 30
            assert busy_clerk.has_perm("testapp.view_medicine")
            assert not busy_clerk.has_perm("testapp.delete_medicine", organization)


@pytest.mark.django_db
def test_has_perm_through_the_role_backend_reuses_the_same_cache(busy_clerk, settings, django_assert_num_queries):
    settings.AUTHENTICATION_BACKENDS = ["django_rbac.backends.RoleBackend"]
    with django_assert_num_queries(2):
        for _ in range(10):
            assert busy_clerk.has_perm("testapp.view_medicine")
            assert busy_clerk.has_module_permission("practice", "view")


@pytest.mark.django_db
def test_one_request_loads_permissions_once(busy_clerk, organization, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = fresh(busy_clerk)
    with django_assert_num_queries(2):
        for _ in range(25):
            selectors.has_module_permission(request.user, "practice", "view")
            selectors.has_module_permission(request.user, "stock", "count", scope=organization)


@pytest.mark.django_db
def test_checks_after_an_assignment_see_the_new_role_with_one_reload(
    manager, busy_clerk, make_role, django_assert_num_queries
):
    assert not busy_clerk.has_module_permission("billing", "view")
    services.assign_role(by=manager, user=busy_clerk, role=make_role("cashier", 10, modules=["billing.view"]))
    with django_assert_num_queries(2):
        assert busy_clerk.has_module_permission("billing", "view")
        assert busy_clerk.has_module_permission("practice", "view")


@pytest.mark.django_db
def test_clear_cache_forces_a_reload(busy_clerk, django_assert_num_queries):
    busy_clerk.has_module_permission("practice", "view")
    busy_clerk.clear_rbac_cache()
    with django_assert_num_queries(2):
        busy_clerk.has_module_permission("practice", "view")
