from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from django_rbac.decorators import require_permission, requires_hierarchy_level
from django_rbac.views import HierarchyPermissionMixin, ModulePermissionMixin
from tests.testapp.models import Organization


@require_permission("practice.view")
def practice_view(request):
    return HttpResponse("practice")


@require_permission("practice.view", scope=lambda request, pk: get_object_or_404(Organization, pk=pk))
def organization_practice_view(request, pk):
    return HttpResponse("organization practice")


@requires_hierarchy_level(60)
def approve_leave(request):
    return HttpResponse("approved")


class PracticeView(ModulePermissionMixin, View):
    required_permission = "practice.view"

    def get(self, request):
        return HttpResponse("practice cbv")


class OrganizationPracticeView(ModulePermissionMixin, View):
    required_permission = "practice.view"

    def get_rbac_scope(self):
        return get_object_or_404(Organization, pk=self.kwargs["pk"])

    def get(self, request, pk):
        return HttpResponse("organization practice cbv")


class ApproveLeaveView(HierarchyPermissionMixin, View):
    required_hierarchy_level = 60

    def get(self, request):
        return HttpResponse("approved cbv")


def organization_of(request, pk):
    return get_object_or_404(Organization, pk=pk)


@require_permission("dispensing.give", org=organization_of)
def dispense_view(request, pk):
    return HttpResponse("dispensed")


@requires_hierarchy_level(60, org=organization_of)
def approve_in_organization(request, pk):
    return HttpResponse("approved in organization")


class DispenseView(ModulePermissionMixin, View):
    required_permission = "dispensing.give"

    def get_rbac_org(self):
        return organization_of(self.request, self.kwargs["pk"])

    def get(self, request, pk):
        return HttpResponse("dispensed cbv")


class ApproveInOrganizationView(HierarchyPermissionMixin, View):
    required_hierarchy_level = 60

    def get_rbac_org(self):
        return organization_of(self.request, self.kwargs["pk"])

    def get(self, request, pk):
        return HttpResponse("approved in organization cbv")


class MisconfiguredModuleView(ModulePermissionMixin, View):
    pass


class MisconfiguredHierarchyView(HierarchyPermissionMixin, View):
    pass


urlpatterns = [
    path("admin/", admin.site.urls),
    path("practice/", practice_view),
    path("organizations/<uuid:pk>/practice/", organization_practice_view),
    path("approve/", approve_leave),
    path("cbv/practice/", PracticeView.as_view()),
    path("cbv/organizations/<uuid:pk>/practice/", OrganizationPracticeView.as_view()),
    path("cbv/approve/", ApproveLeaveView.as_view()),
    path("organizations/<uuid:pk>/dispense/", dispense_view),
    path("organizations/<uuid:pk>/approve/", approve_in_organization),
    path("cbv/organizations/<uuid:pk>/dispense/", DispenseView.as_view()),
    path("cbv/organizations/<uuid:pk>/approve/", ApproveInOrganizationView.as_view()),
    path("cbv/misconfigured-module/", MisconfiguredModuleView.as_view()),
    path("cbv/misconfigured-hierarchy/", MisconfiguredHierarchyView.as_view()),
]
