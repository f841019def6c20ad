"""Many organizations: role slugs unique per organization, checks that count one organization's roles, services
that judge authority within the role's organization, and the migration that brings ``Role.org_key``."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from django_basemodels import ANY_ORG, InvalidOrgError, org_key
from django_basemodels.tenancy import per_database_natural_keys
from django_rbac import (
    CrossOrgAssignmentError,
    InvalidRoleError,
    PermissionNotHeldError,
    RoleLevelTooHighError,
    TargetLevelTooHighError,
    assign_role,
    can_manage_user,
    check_assignment,
    check_role_definition,
    create_role,
    delete_role,
    django_permissions,
    effective_permissions,
    get_manageable_roles,
    global_hierarchy_level,
    has_module_permission,
    has_role,
    hierarchy_level,
    manageable_users,
    meets_hierarchy_level,
    revoke_role,
    update_role,
)
from django_rbac.drf import HasHierarchyLevel, HasModulePermission, HasRole, HasScopedRole
from django_rbac.models import Role, UserRole
from tests.conftest import fresh, row_counts, state_of_assignments
from tests.testapp.models import Organization, Province, Ward

pytestmark = pytest.mark.django_db


@pytest.fixture
def pharmacy_a(organization):
    return organization


@pytest.fixture
def pharmacy_b(other_organization):
    return other_organization


@pytest.fixture
def root(make_user):
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def pharmacists(root, pharmacy_a, pharmacy_b):
    """ "pharmacist" three times: pharmacy A's, pharmacy B's (other permissions) and one of no organization."""
    in_a = create_role(
        by=root,
        org=pharmacy_a,
        name="Pharmacist",
        slug="pharmacist",
        hierarchy_level=40,
        module_permissions=["dispensing.*"],
        permissions=["testapp.view_medicine"],
    )
    in_b = create_role(
        by=root,
        org=pharmacy_b,
        name="Pharmacist",
        slug="pharmacist",
        hierarchy_level=30,
        module_permissions=["billing.view"],
        permissions=["testapp.change_medicine"],
    )
    in_none = create_role(
        by=root, name="Pharmacist", slug="pharmacist", hierarchy_level=10, module_permissions=["practice.view"]
    )
    return in_a, in_b, in_none


@pytest.fixture
def head_a(root, make_user, pharmacy_a, pharmacists):
    """Pharmacy A's head (level 60 there, nowhere else), with the admin permissions on roles."""
    role = create_role(
        by=root,
        org=pharmacy_a,
        name="Head",
        slug="head",
        hierarchy_level=60,
        module_permissions=["dispensing.*", "inventory.count"],
        permissions=[
            "testapp.delete_medicine",
            "django_rbac.view_role",
            "django_rbac.change_role",
            "django_rbac.view_userrole",
        ],
    )
    user = make_user("head-a", is_staff=True)
    assign_role(by=root, user=user, role=role)
    return fresh(user)


def a_role_of(org, slug="assistant", level=20, **fields):
    return Role.objects.create(org=org, name=slug.title(), slug=slug, hierarchy_level=level, **fields)


def test_the_natural_keys_of_the_package_are_unique_per_org():
    assert per_database_natural_keys(Role) == []
    assert per_database_natural_keys(UserRole) == []


def test_the_new_error_is_public_and_an_invalid_assignment():
    import django_rbac
    from django_rbac import exceptions

    assert "CrossOrgAssignmentError" in django_rbac.__all__
    assert django_rbac.CrossOrgAssignmentError is exceptions.CrossOrgAssignmentError
    assert issubclass(CrossOrgAssignmentError, exceptions.InvalidAssignmentError)


def test_two_orgs_and_no_org_each_define_the_same_slug(pharmacists, pharmacy_a, pharmacy_b):
    in_a, in_b, in_none = pharmacists
    assert sorted(Role.objects.filter(slug="pharmacist").values_list("org_key", flat=True)) == sorted(
        ["", org_key(pharmacy_a), org_key(pharmacy_b)]
    )
    assert (in_a.org, in_b.org, in_none.org) == (pharmacy_a, pharmacy_b, None)


def test_each_orgs_role_lists_hold_only_its_roles(root, pharmacists, pharmacy_a, pharmacy_b):
    in_a, in_b, in_none = pharmacists
    assert list(Role.objects.for_org(pharmacy_a)) == [in_a]
    assert list(Role.objects.for_org(pharmacy_b)) == [in_b]
    assert list(Role.objects.for_org(None)) == [in_none]
    assert list(get_manageable_roles(root, org=pharmacy_a)) == [in_a]
    assert list(get_manageable_roles(root, org=pharmacy_b)) == [in_b]
    assert list(get_manageable_roles(root, org=None)) == [in_none]
    assert set(get_manageable_roles(root)) == {in_a, in_b, in_none}  # ANY_ORG: every organization, as before


def test_manageable_roles_of_an_org_are_those_below_the_users_level_there(head_a, pharmacists, pharmacy_a, pharmacy_b):
    in_a, _, _ = pharmacists
    assert list(get_manageable_roles(head_a, org=pharmacy_a)) == [in_a]
    assert list(get_manageable_roles(head_a, org=pharmacy_b)) == []
    assert list(get_manageable_roles(head_a, org=None)) == []
    assert list(head_a.get_manageable_roles(org=pharmacy_a)) == [in_a]


def test_a_lookup_by_slug_never_answers_with_another_orgs_role(clerk, grant, pharmacists, pharmacy_a, pharmacy_b):
    in_a, in_b, in_none = pharmacists
    grant(clerk, in_a)
    user = fresh(clerk)
    assert has_role(user, "pharmacist", org=pharmacy_a)
    assert not has_role(user, "pharmacist", org=pharmacy_b)
    assert not has_role(user, "pharmacist")  # the slug alone names the role of no organization
    assert has_role(user, "pharmacist", org=ANY_ORG)
    assert has_role(user, in_a) and not has_role(user, in_b) and not has_role(user, in_none)
    assert user.has_role("pharmacist", org=pharmacy_a) and not user.has_role("pharmacist", org=pharmacy_b)
    user.is_active = False
    assert not has_role(user, "pharmacist", org=pharmacy_a) and not has_role(user, in_a)


def test_permissions_given_by_one_orgs_role_never_come_out_for_another(
    clerk, grant, pharmacists, pharmacy_a, pharmacy_b
):
    in_a, _, _ = pharmacists
    grant(clerk, in_a)
    user = fresh(clerk)
    assert has_module_permission(user, "dispensing", "give", org=pharmacy_a)
    assert not has_module_permission(user, "dispensing", "give", org=pharmacy_b)
    assert not has_module_permission(user, "dispensing", "give", org=None)
    assert not user.has_module_permission("dispensing", "give", org=pharmacy_b)
    assert django_permissions(user, org=pharmacy_a) == {"testapp.view_medicine"}
    assert django_permissions(user, org=pharmacy_b) == set()
    assert (hierarchy_level(user, org=pharmacy_a), hierarchy_level(user, org=pharmacy_b)) == (40, 0)
    assert (global_hierarchy_level(user, org=pharmacy_a), global_hierarchy_level(user, org=pharmacy_b)) == (40, 0)
    assert meets_hierarchy_level(user, 40, org=pharmacy_a) and not meets_hierarchy_level(user, 40, org=pharmacy_b)
    # B's pharmacist (same slug) gives billing.view and change_medicine: holding A's gives neither, anywhere.
    assert not has_module_permission(user, "billing", "view")
    assert not user.has_perm("testapp.change_medicine")


def test_without_org_the_checks_count_every_orgs_roles_as_before(clerk, grant, pharmacists):
    in_a, in_b, _ = pharmacists
    grant(clerk, in_a)
    grant(clerk, in_b)
    user = fresh(clerk)
    assert has_module_permission(user, "dispensing", "give") and has_module_permission(user, "billing", "view")
    assert django_permissions(user) == {"testapp.view_medicine", "testapp.change_medicine"}
    assert user.has_perm("testapp.change_medicine")  # RoleBackend answers for every organization
    assert hierarchy_level(user) == 40


def test_scoped_grants_stay_in_their_org(clerk, grant, pharmacists, pharmacy_a, pharmacy_b, province):
    in_a, _, _ = pharmacists
    grant(clerk, in_a, province)
    user = fresh(clerk)
    assert has_module_permission(user, "dispensing", "give", scope=province, org=pharmacy_a)
    assert not has_module_permission(user, "dispensing", "give", scope=province, org=pharmacy_b)
    assert has_role(user, "pharmacist", scope=province, org=pharmacy_a)
    assert not has_role(user, "pharmacist", scope=province, org=pharmacy_b)
    assert django_permissions(user, province, org=pharmacy_a) == {"testapp.view_medicine"}
    assert django_permissions(user, province, org=pharmacy_b) == set()
    assert hierarchy_level(user, province, org=pharmacy_b) == 0


def test_assignments_belong_to_the_org_of_their_role(clerk, grant, pharmacists, pharmacy_a, pharmacy_b):
    in_a, in_b, in_none = pharmacists
    to_a, to_b, to_none = grant(clerk, in_a), grant(clerk, in_b), grant(clerk, in_none)
    assert list(UserRole.objects.for_org(pharmacy_a)) == [to_a]
    assert list(UserRole.objects.for_org(pharmacy_b)) == [to_b]
    assert list(UserRole.objects.for_org(None)) == [to_none]
    assert UserRole.objects.for_org(ANY_ORG).count() == 3


def test_checks_for_several_orgs_cost_no_more_queries(
    clerk, grant, pharmacists, pharmacy_a, pharmacy_b, django_assert_num_queries
):
    in_a, in_b, _ = pharmacists
    grant(clerk, in_a)
    grant(clerk, in_b)
    user = fresh(clerk)
    with django_assert_num_queries(2):
        for org in (pharmacy_a, pharmacy_b, None, ANY_ORG, org_key(pharmacy_a)):
            has_module_permission(user, "dispensing", "give", org=org)
            has_role(user, "pharmacist", org=org)
            hierarchy_level(user, org=org)
            django_permissions(user, org=org)
    assert effective_permissions(user).for_org(org_key(pharmacy_b)).everywhere.roles == {"pharmacist"}


def test_an_org_that_names_no_organization_is_refused(clerk, grant, pharmacists):
    grant(clerk, pharmacists[0])
    user = fresh(clerk)
    with pytest.raises(InvalidOrgError):
        has_module_permission(user, "dispensing", "give", org="")
    with pytest.raises(InvalidOrgError):
        get_manageable_roles(user, org=Province(name="unsaved"))


def test_ranks_between_users_count_the_roles_of_the_org(
    head_a, make_user, grant, pharmacists, pharmacy_a, pharmacy_b, root
):
    _, in_b, _ = pharmacists
    senior_b = make_user("senior-b")
    grant(senior_b, a_role_of(pharmacy_b, "director", 70))
    clerk_b = make_user("clerk-b")
    grant(clerk_b, in_b)
    assert can_manage_user(head_a, clerk_b, org=pharmacy_a)
    assert not can_manage_user(head_a, clerk_b, org=pharmacy_b)
    assert not head_a.can_manage_user(clerk_b, org=pharmacy_b)
    assert {"clerk-b", "senior-b"} <= set(manageable_users(head_a, org=pharmacy_a).values_list("username", flat=True))
    assert not manageable_users(head_a, org=pharmacy_b).exists()
    # Without org, as before: ranks count every organization's roles (senior-b's 70 is above head-a's 60).
    assert "senior-b" not in set(manageable_users(head_a).values_list("username", flat=True))


def test_a_manager_of_one_org_cannot_grant_another_orgs_role(head_a, clerk, pharmacists, pharmacy_a):
    in_a, in_b, in_none = pharmacists
    before = (row_counts(), state_of_assignments())
    for role in (in_b, in_none):
        with pytest.raises(RoleLevelTooHighError, match="your level here is 0"):
            assign_role(by=head_a, user=clerk, role=role)
    assert (row_counts(), state_of_assignments()) == before
    assign_role(by=head_a, user=clerk, role=in_a)
    assert has_role(clerk, "pharmacist", org=pharmacy_a)


def test_the_target_users_level_counts_within_the_roles_org(head_a, make_user, grant, pharmacists, pharmacy_a):
    in_a, _, _ = pharmacists
    senior_elsewhere = make_user("senior-b")
    grant(senior_elsewhere, a_role_of("pharmacy-b", "director", 90))
    assign_role(by=head_a, user=senior_elsewhere, role=in_a)  # level 0 in pharmacy A, whatever they are elsewhere

    senior_here = make_user("senior-a")
    grant(senior_here, a_role_of(pharmacy_a, "director", 70))
    with pytest.raises(TargetLevelTooHighError):
        assign_role(by=head_a, user=senior_here, role=in_a)


def test_another_orgs_assignment_cannot_be_revoked(head_a, clerk, grant, pharmacists):
    _, in_b, _ = pharmacists
    assignment = grant(clerk, in_b)
    before = (row_counts(), state_of_assignments())
    with pytest.raises(RoleLevelTooHighError):
        revoke_role(by=head_a, user_role=assignment)
    assert (row_counts(), state_of_assignments()) == before


def test_a_role_of_one_org_is_refused_for_a_scope_of_another(head_a, clerk, pharmacists, pharmacy_a, pharmacy_b):
    in_a, _, _ = pharmacists
    ward_b = Ward.objects.create(org=pharmacy_b, name="B ward")
    ward_of_none = Ward.objects.create(name="Shared ward")
    before = (row_counts(), state_of_assignments())
    with pytest.raises(CrossOrgAssignmentError) as refusal:
        assign_role(by=head_a, user=clerk, role=in_a, scope=ward_b)
    assert refusal.value.org_keys == sorted([org_key(pharmacy_a), org_key(pharmacy_b)])
    with pytest.raises(CrossOrgAssignmentError):
        check_assignment(by=head_a, user=clerk, role=in_a, scope=ward_of_none)
    with pytest.raises(CrossOrgAssignmentError):
        assign_role(by=head_a, user=clerk, role=in_a, scope=ward_b, idempotency_key="grant-1")
    assert (row_counts(), state_of_assignments()) == before

    ward_a = Ward.objects.create(org=pharmacy_a, name="A ward")
    assign_role(by=head_a, user=clerk, role=in_a, scope=ward_a)
    assert has_module_permission(clerk, "dispensing", "give", scope=ward_a, org=pharmacy_a)


def test_a_scope_that_does_not_say_its_org_is_not_checked(head_a, clerk, pharmacists, pharmacy_b):
    # Documented limit: only an OrgOwned scope tells its organization; pharmacy B itself is accepted as a scope.
    in_a, _, _ = pharmacists
    assignment = assign_role(by=head_a, user=clerk, role=in_a, scope=pharmacy_b)
    assert assignment.scope == pharmacy_b


def test_roles_are_defined_within_the_org_where_the_actor_has_authority(head_a, pharmacy_a, pharmacy_b):
    intern = create_role(
        by=head_a,
        org=pharmacy_a,
        name="Intern",
        slug="intern",
        hierarchy_level=10,
        module_permissions=["dispensing.give"],
        permissions=["testapp.delete_medicine"],
    )
    assert intern.org == pharmacy_a and intern.org_key == org_key(pharmacy_a)
    before = row_counts()
    for org in (pharmacy_b, None):
        with pytest.raises(RoleLevelTooHighError):
            create_role(by=head_a, org=org, name="Intern", slug="intern", hierarchy_level=10)
    assert row_counts() == before


def test_permissions_held_through_another_orgs_role_cannot_be_put_into_a_role(root, head_a, pharmacists, pharmacy_a):
    _, in_b, _ = pharmacists
    assign_role(by=root, user=head_a, role=in_b)  # billing.view and change_medicine, in pharmacy B
    head = fresh(head_a)
    assert head.has_perm("testapp.change_medicine") and has_module_permission(head, "billing", "view")
    before = row_counts()
    with pytest.raises(PermissionNotHeldError):
        create_role(
            by=head,
            org=pharmacy_a,
            name="Cashier",
            slug="cashier",
            hierarchy_level=10,
            module_permissions=["billing.view"],
        )
    with pytest.raises(PermissionNotHeldError):
        create_role(
            by=head,
            org=pharmacy_a,
            name="Cashier",
            slug="cashier",
            hierarchy_level=10,
            permissions=["testapp.change_medicine"],
        )
    assert row_counts() == before


def test_a_users_own_permissions_still_count_in_every_org(head_a, pharmacy_a):
    head_a.user_permissions.add(Permission.objects.get(content_type__app_label="testapp", codename="add_medicine"))
    role = create_role(
        by=fresh(head_a),
        org=pharmacy_a,
        name="Stocker",
        slug="stocker",
        hierarchy_level=10,
        permissions=["testapp.add_medicine"],
    )
    assert list(role.permissions.values_list("codename", flat=True)) == ["add_medicine"]


class DenyingBackend:
    """A backend that refuses every permission outright (``PermissionDenied``), as Django lets a backend do."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        raise PermissionDenied


def test_a_backend_that_refuses_a_permission_stops_the_search_as_in_django(head_a, pharmacy_a, settings):
    head_a.user_permissions.add(Permission.objects.get(content_type__app_label="testapp", codename="add_medicine"))
    settings.AUTHENTICATION_BACKENDS = ["tests.test_tenancy.DenyingBackend", *settings.AUTHENTICATION_BACKENDS]
    with pytest.raises(PermissionNotHeldError):
        create_role(
            by=fresh(head_a),
            org=pharmacy_a,
            name="Stocker",
            slug="stocker",
            hierarchy_level=10,
            permissions=["testapp.add_medicine"],
        )


def test_a_slug_is_unique_within_an_org_only(root, pharmacists, pharmacy_a, pharmacy_b):
    with pytest.raises(InvalidRoleError, match="exists already in organization"):
        create_role(by=root, org=pharmacy_a, name="Pharmacist", slug="pharmacist", hierarchy_level=10)
    with pytest.raises(InvalidRoleError, match="exists already"):
        create_role(by=root, name="Pharmacist", slug="pharmacist", hierarchy_level=10)
    assert create_role(by=root, org="pharmacy-c", name="Pharmacist", slug="pharmacist", hierarchy_level=10).org == (
        "pharmacy-c"
    )

    assistant_a = create_role(by=root, org=pharmacy_a, name="Assistant", slug="assistant", hierarchy_level=10)
    assistant_b = create_role(by=root, org=pharmacy_b, name="Assistant", slug="assistant", hierarchy_level=10)
    with pytest.raises(InvalidRoleError, match="exists already in organization"):
        update_role(by=root, role=assistant_a, slug="pharmacist")
    assert update_role(by=root, role=assistant_b, slug="helper").slug == "helper"
    assert update_role(by=root, role=assistant_a, slug="helper").org == pharmacy_a


def test_the_definition_check_refuses_a_slug_in_use_in_the_roles_org(root, pharmacists, pharmacy_a):
    with pytest.raises(InvalidRoleError, match="exists already in organization"):
        check_role_definition(by=root, role=a_role_of_unsaved(pharmacy_a, "pharmacist"))
    check_role_definition(by=root, role=a_role_of_unsaved("pharmacy-c", "pharmacist"))


def test_a_duplicate_slug_that_slips_past_the_check_is_still_an_invalid_role_error(root, pharmacists, monkeypatch):
    monkeypatch.setattr("django_rbac.services.roles.check_role_definition", lambda **kwargs: None)
    before = row_counts()
    with pytest.raises(InvalidRoleError, match="exists already"):
        create_role(by=root, name="Pharmacist", slug="pharmacist", hierarchy_level=10)
    assert row_counts() == before


def test_an_org_that_names_no_organization_is_an_invalid_role(root):
    for org in ("", Province(name="unsaved"), 42):
        with pytest.raises(InvalidRoleError):
            create_role(by=root, org=org, name="Nurse", slug="nurse", hierarchy_level=10)
    assert not Role.objects.exists()


def test_changing_or_deleting_a_role_needs_authority_in_its_org(head_a, pharmacists):
    in_a, in_b, _ = pharmacists
    with pytest.raises(RoleLevelTooHighError):
        update_role(by=head_a, role=in_b, name="Chemist")
    with pytest.raises(RoleLevelTooHighError):
        delete_role(by=head_a, role=in_b)
    assert Role.objects.get(pk=in_b.pk).name == "Pharmacist"
    assert update_role(by=head_a, role=in_a, name="Chemist").name == "Chemist"
    delete_role(by=head_a, role=a_role_of(in_a.org, "trainee", 10))


def test_a_role_moved_to_another_org_in_memory_is_judged_in_both(head_a, pharmacists, pharmacy_a):
    _, in_b, _ = pharmacists
    in_b.org = pharmacy_a  # head-a is at 60 in pharmacy A, at 0 in pharmacy B where the role is stored
    with pytest.raises(RoleLevelTooHighError, match="change a role of level 30: your level is 0"):
        check_role_definition(by=head_a, role=in_b)


def test_the_database_refuses_a_duplicate_slug_within_one_org(pharmacists, pharmacy_a, pharmacy_b):
    for org in (pharmacy_a, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            Role.objects.create(org=org, name="Again", slug="pharmacist", hierarchy_level=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.bulk_create([a_role_of_unsaved(pharmacy_b, "cashier"), a_role_of_unsaved(pharmacy_b, "cashier")])
    Role.objects.bulk_create([a_role_of_unsaved(pharmacy_a, "cashier"), a_role_of_unsaved(pharmacy_b, "cashier")])
    assert Role.objects.filter(slug="cashier").count() == 2


def a_role_of_unsaved(org, slug):
    return Role(org=org, name=slug.title(), slug=slug, hierarchy_level=10)


# The admin: the organization of roles and assignments is shown and filtered on; authority is the role's org's.


def test_the_admin_shows_and_filters_by_org(client, root, clerk, grant, pharmacists, pharmacy_a):
    in_a, _, _ = pharmacists
    grant(clerk, in_a)
    client.force_login(root)
    key = org_key(pharmacy_a)
    roles = client.get("/admin/django_rbac/role/", {"org_key": key})
    assert roles.status_code == 200 and key in roles.content.decode()
    assert list(roles.context["cl"].queryset) == [in_a]
    assignments = client.get("/admin/django_rbac/userrole/", {"role__org_key": key})
    assert [row.role for row in assignments.context["cl"].queryset] == [in_a]
    assert key in assignments.content.decode()


def test_the_admin_shows_another_orgs_role_read_only(client, head_a, pharmacists):
    in_a, in_b, _ = pharmacists
    client.force_login(head_a)
    assert 'name="_save"' in client.get(f"/admin/django_rbac/role/{in_a.pk}/change/").content.decode()
    page = client.get(f"/admin/django_rbac/role/{in_b.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


# Views: the decorators, mixins and DRF permission classes take the organization from the view.


@pytest.mark.parametrize("prefix", ["", "/cbv"])
def test_views_count_the_roles_of_the_org_they_name(client, clerk, grant, pharmacists, pharmacy_a, pharmacy_b, prefix):
    in_a, _, _ = pharmacists
    grant(clerk, in_a)
    client.force_login(clerk)
    assert client.get(f"{prefix}/organizations/{pharmacy_a.pk}/dispense/").status_code == 200
    assert client.get(f"{prefix}/organizations/{pharmacy_b.pk}/dispense/").status_code == 403


@pytest.mark.parametrize("prefix", ["", "/cbv"])
def test_level_views_count_the_level_in_the_org_they_name(client, head_a, pharmacy_a, pharmacy_b, prefix):
    client.force_login(head_a)
    assert client.get(f"{prefix}/organizations/{pharmacy_a.pk}/approve/").status_code == 200
    assert client.get(f"{prefix}/organizations/{pharmacy_b.pk}/approve/").status_code == 403


class InOrganization:
    def get_rbac_org(self, request):
        return Organization.objects.get(pk=self.kwargs["org"])


class DispenseAPI(InOrganization, APIView):
    permission_classes = [HasModulePermission]
    required_permission = "dispensing.give"

    def get(self, request, **kwargs):
        return Response("ok")


class DispenseInWardAPI(InOrganization, RetrieveAPIView):
    queryset = Ward.objects.all()
    permission_classes = [HasModulePermission]
    required_permission = "dispensing.give"

    def get_rbac_object_scope(self, obj):
        return obj

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_object().name)


class SeniorAPI(InOrganization, APIView):
    permission_classes = [HasHierarchyLevel]
    required_hierarchy_level = 40

    def get(self, request, **kwargs):
        return Response("ok")


class PharmacistAPI(InOrganization, APIView):
    permission_classes = [HasRole]
    required_roles = ["pharmacist"]

    def get(self, request, **kwargs):
        return Response("ok")


class PharmacistWithoutOrgAPI(APIView):
    permission_classes = [HasRole]
    required_roles = ["pharmacist"]

    def get(self, request, **kwargs):
        return Response("ok")


class PharmacistForWardAPI(InOrganization, RetrieveAPIView):
    queryset = Ward.objects.all()
    permission_classes = [HasScopedRole]
    required_roles = ["pharmacist"]

    def get_rbac_object_scope(self, obj):
        return obj

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_object().name)


class PharmacistOfOrganizationAPI(InOrganization, APIView):
    permission_classes = [HasScopedRole]
    required_roles = ["pharmacist"]

    def get_rbac_scope(self, request):
        return Organization.objects.get(pk=self.kwargs["org"])

    def get(self, request, **kwargs):
        return Response("ok")


def api_status(view, user, **kwargs):
    request = APIRequestFactory().get("/")
    force_authenticate(request, user=fresh(user))
    return view.as_view()(request, **kwargs).status_code


def test_drf_permission_classes_count_the_roles_of_the_views_org(clerk, grant, pharmacists, pharmacy_a, pharmacy_b):
    in_a, _, _ = pharmacists
    grant(clerk, in_a)
    ward_a = Ward.objects.create(org=pharmacy_a, name="A ward")
    for view in (DispenseAPI, SeniorAPI, PharmacistAPI):
        assert api_status(view, clerk, org=pharmacy_a.pk) == 200, view
        assert api_status(view, clerk, org=pharmacy_b.pk) == 403, view
    assert api_status(DispenseInWardAPI, clerk, org=pharmacy_a.pk, pk=ward_a.pk) == 200
    assert api_status(DispenseInWardAPI, clerk, org=pharmacy_b.pk, pk=ward_a.pk) == 403
    assert api_status(PharmacistWithoutOrgAPI, clerk) == 403  # the slug alone: the role of no organization


def test_drf_scoped_roles_count_the_roles_of_the_views_org(clerk, grant, pharmacists, pharmacy_a, pharmacy_b):
    in_a, _, _ = pharmacists
    ward_a = Ward.objects.create(org=pharmacy_a, name="A ward")
    grant(clerk, in_a, ward_a)
    grant(clerk, in_a, pharmacy_a)
    assert api_status(PharmacistForWardAPI, clerk, org=pharmacy_a.pk, pk=ward_a.pk) == 200
    assert api_status(PharmacistForWardAPI, clerk, org=pharmacy_b.pk, pk=ward_a.pk) == 403
    assert api_status(PharmacistOfOrganizationAPI, clerk, org=pharmacy_a.pk) == 200
    assert api_status(PharmacistOfOrganizationAPI, clerk, org=pharmacy_b.pk) == 403


# The migration: existing roles belong to no organization; backwards, slugs must be unique again.

BEFORE = ("django_rbac", "0002_rename_decision_actions")
AFTER = ("django_rbac", "0003_role_org_key")


def role_model_at(migration):
    return MigrationExecutor(connection).loader.project_state(migration).apps.get_model("django_rbac", "Role")


@pytest.fixture
def migrated_back():
    call_command("migrate", "django_rbac", BEFORE[1], verbosity=0)
    yield
    call_command("migrate", "django_rbac", verbosity=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back")
def test_existing_roles_belong_to_no_org_and_orgs_can_then_reuse_their_slugs():
    role_model_at(BEFORE).objects.create(name="Staff", slug="staff", hierarchy_level=20, module_permissions=[])

    call_command("migrate", "django_rbac", AFTER[1], verbosity=0)

    assert list(Role.objects.values_list("org_key", "slug")) == [("", "staff")]
    Role.objects.create(org="pharmacy-a", name="Staff", slug="staff", hierarchy_level=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(name="Staff again", slug="staff", hierarchy_level=20)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_back")
def test_backwards_the_slug_is_unique_again_once_no_two_orgs_share_one():
    call_command("migrate", "django_rbac", AFTER[1], verbosity=0)
    Role.objects.create(name="Staff", slug="staff", hierarchy_level=20)
    Role.objects.create(org="pharmacy-a", name="Staff", slug="staff", hierarchy_level=20)

    with pytest.raises(IntegrityError):
        call_command("migrate", "django_rbac", BEFORE[1], verbosity=0)
    Role.objects.filter(org_key="pharmacy-a").delete()
    call_command("migrate", "django_rbac", BEFORE[1], verbosity=0)

    before = role_model_at(BEFORE)
    assert list(before.objects.values_list("slug", flat=True)) == ["staff"]
    with pytest.raises(IntegrityError), transaction.atomic():
        before.objects.create(name="Staff again", slug="staff", hierarchy_level=20, module_permissions=[])
