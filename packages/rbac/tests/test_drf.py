"""DRF permission classes, checked against real APIView/ViewSet dispatch."""

import importlib
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.generics import RetrieveAPIView
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView
from rest_framework.viewsets import ViewSet

from django_rbac.drf import HasHierarchyLevel, HasModulePermission, HasRole, HasScopedRole
from tests.conftest import fresh
from tests.testapp.models import Organization

factory = APIRequestFactory()


def call(view, user=None, method="get", **kwargs):
    request = getattr(factory, method)("/")
    if user is not None:
        force_authenticate(request, user=fresh(user))
    return view(request, **kwargs)


class Ok(APIView):
    def get(self, request, **kwargs):
        return Response("ok")

    def post(self, request, **kwargs):
        return Response("ok")


class PracticeView(Ok):
    permission_classes = [HasModulePermission]
    required_permission = "practice.view"


class PerMethodView(Ok):
    permission_classes = [HasModulePermission]
    required_permissions = {"get": "practice.view"}


class OrganizationPracticeView(Ok):
    permission_classes = [HasModulePermission]
    required_permission = "practice.view"

    def get_rbac_scope(self, request):
        return Organization.objects.get(pk=self.kwargs["pk"])


class PracticeViewSet(ViewSet):
    permission_classes = [HasModulePermission]
    required_permissions = {"list": "practice.view", "create": "practice.add"}

    def list(self, request):
        return Response([])

    def create(self, request):
        return Response({})


class OrganizationDetail(RetrieveAPIView):
    """Object-level scope: the organization itself is the scope of the object."""

    queryset = Organization.objects.all()
    permission_classes = [HasModulePermission]
    required_permission = "practice.view"

    def get_rbac_object_scope(self, obj):
        return obj

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_object().name)


class OrganizationDetailGlobalCheck(RetrieveAPIView):
    """No object scope: the request-level check decides for every object."""

    queryset = Organization.objects.all()
    permission_classes = [HasModulePermission]
    required_permission = "practice.view"

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_object().name)


class ManagerOnly(Ok):
    permission_classes = [HasHierarchyLevel]
    required_hierarchy_level = 60


class StaffOnly(Ok):
    permission_classes = [HasRole]
    required_roles = ["staff"]


class OrganizationStaff(Ok):
    permission_classes = [HasScopedRole]
    required_roles = ["staff"]

    def get_rbac_scope(self, request):
        return Organization.objects.get(pk=self.kwargs["pk"])


class OrganizationStaffDetail(RetrieveAPIView):
    queryset = Organization.objects.all()
    permission_classes = [HasScopedRole]
    required_roles = ["staff"]

    def get_rbac_object_scope(self, obj):
        return obj

    def retrieve(self, request, *args, **kwargs):
        return Response(self.get_object().name)


class OrganizationStaffDetailByRequest(OrganizationStaff, RetrieveAPIView):
    queryset = Organization.objects.all()

    def get(self, request, *args, **kwargs):
        return Response(self.get_object().name)


class NoRoles(Ok):
    permission_classes = [HasRole]


class NoScope(Ok):
    permission_classes = [HasScopedRole]
    required_roles = ["staff"]


class NoPermission(Ok):
    permission_classes = [HasModulePermission]


class NoLevel(Ok):
    permission_classes = [HasHierarchyLevel]


@pytest.mark.django_db
def test_module_permission_lets_through_a_user_holding_it(clerk, staff_role, grant):
    grant(clerk, staff_role)
    assert call(PracticeView.as_view(), clerk).status_code == 200


@pytest.mark.django_db
def test_module_permission_refuses_a_user_without_it(clerk):
    assert call(PracticeView.as_view(), clerk).status_code == 403


@pytest.mark.django_db
def test_module_permission_refuses_anonymous_users():
    assert call(PracticeView.as_view()).status_code in (401, 403)


@pytest.mark.django_db
def test_per_method_mapping_refuses_unmapped_methods(clerk, staff_role, grant):
    grant(clerk, staff_role)
    assert call(PerMethodView.as_view(), clerk).status_code == 200
    assert call(PerMethodView.as_view(), clerk, method="post").status_code == 403


@pytest.mark.django_db
def test_per_action_mapping_on_a_viewset(clerk, staff_role, grant):
    grant(clerk, staff_role)
    assert call(PracticeViewSet.as_view({"get": "list"}), clerk).status_code == 200
    assert call(PracticeViewSet.as_view({"post": "create"}), clerk, method="post").status_code == 403


@pytest.mark.django_db
def test_module_permission_for_the_request_scope(clerk, staff_role, grant, organization, other_organization):
    grant(clerk, staff_role, organization)
    view = OrganizationPracticeView.as_view()
    assert call(view, clerk, pk=organization.pk).status_code == 200
    assert call(view, clerk, pk=other_organization.pk).status_code == 403


@pytest.mark.django_db
def test_module_permission_for_the_object_scope(clerk, staff_role, grant, organization, other_organization):
    grant(clerk, staff_role)
    view = OrganizationDetail.as_view()
    assert call(view, clerk, pk=organization.pk).status_code == 200


@pytest.mark.django_db
def test_global_check_at_request_level_refuses_a_scoped_only_user(clerk, staff_role, grant, organization):
    grant(clerk, staff_role, organization)
    assert call(OrganizationDetail.as_view(), clerk, pk=organization.pk).status_code == 403


@pytest.mark.django_db
def test_object_checks_without_an_object_scope_follow_the_request_check(
    clerk, make_user, staff_role, grant, organization
):
    grant(clerk, staff_role, organization)
    everywhere = make_user("everywhere")
    grant(everywhere, staff_role)
    assert call(OrganizationDetailGlobalCheck.as_view(), clerk, pk=organization.pk).status_code == 403
    assert call(OrganizationDetailGlobalCheck.as_view(), everywhere, pk=organization.pk).status_code == 200
    assert call(OrganizationStaffDetailByRequest.as_view(), clerk, pk=organization.pk).status_code == 200


@pytest.mark.django_db
def test_hierarchy_level_class(manager, clerk, staff_role, grant):
    grant(clerk, staff_role)
    assert call(ManagerOnly.as_view(), manager).status_code == 200
    assert call(ManagerOnly.as_view(), clerk).status_code == 403


@pytest.mark.django_db
def test_has_role_needs_a_global_assignment(clerk, staff_role, grant, organization, make_user):
    scoped_only = make_user("scoped")
    grant(scoped_only, staff_role, organization)
    grant(clerk, staff_role)
    assert call(StaffOnly.as_view(), clerk).status_code == 200
    assert call(StaffOnly.as_view(), scoped_only).status_code == 403
    assert call(StaffOnly.as_view()).status_code in (401, 403)


@pytest.mark.django_db
def test_superuser_passes_role_classes(make_user, organization):
    root = make_user("root", is_superuser=True)
    assert call(StaffOnly.as_view(), root).status_code == 200
    assert call(OrganizationStaff.as_view(), root, pk=organization.pk).status_code == 200
    assert call(OrganizationStaffDetail.as_view(), root, pk=organization.pk).status_code == 200


@pytest.mark.django_db
def test_scoped_role_for_the_request_scope(clerk, staff_role, grant, organization, other_organization):
    grant(clerk, staff_role, organization)
    view = OrganizationStaff.as_view()
    assert call(view, clerk, pk=organization.pk).status_code == 200
    assert call(view, clerk, pk=other_organization.pk).status_code == 403
    assert call(view, pk=organization.pk).status_code in (401, 403)


@pytest.mark.django_db
def test_scoped_role_for_the_object_scope(clerk, staff_role, grant, organization, other_organization):
    grant(clerk, staff_role, organization)
    view = OrganizationStaffDetail.as_view()
    assert call(view, clerk, pk=organization.pk).status_code == 200
    assert call(view, clerk, pk=other_organization.pk).status_code == 403


@pytest.mark.django_db
def test_scoped_role_object_view_refuses_users_without_the_role_anywhere(clerk, organization):
    assert call(OrganizationStaffDetail.as_view(), clerk, pk=organization.pk).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("view", [NoRoles, NoScope, NoPermission, NoLevel])
def test_view_missing_its_configuration_is_an_error(clerk, view):
    with pytest.raises(ImproperlyConfigured):
        call(view.as_view(), clerk)


def test_importing_without_drf_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "rest_framework", None)
    monkeypatch.setitem(sys.modules, "rest_framework.permissions", None)
    monkeypatch.delitem(sys.modules, "django_rbac.drf")
    with pytest.raises(ImportError, match=r"pip install 'django-primitives-rbac\[drf\]'"):
        importlib.import_module("django_rbac.drf")
