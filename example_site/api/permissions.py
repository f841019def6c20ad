"""RBAC on every endpoint: each view names its module, the HTTP method or action gives the verb.

``django_rbac.drf.HasModulePermission`` (a default permission class in settings) reads
``required_permission`` from the view; ``ModuleAPIView`` computes it with
``clinic.access.required_permission``, the rule the pages follow too:

- safe methods (GET, HEAD, OPTIONS): ``<module>.view``;
- the ``create`` action of a viewset: ``<module>.add``;
- any other write: ``<module>.change``, unless ``rbac_actions`` names another verb for the action
  (``{"bill": "bill"}`` asks for ``clinic.bill``).

A role holding only ``*.view`` permissions (the seeded ``auditor``) thus gets 403 on every write.

A view's query filters are a serializer too (``filters = ...``): ``filter_values()`` validates the
query string with it, so a value it cannot parse is a 400 instead of being ignored, and the schema
lists each filter (``api.schema``).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.views import APIView

from clinic.access import required_permission
from clinic.organizations import of_clinic


class ModuleAPIView:
    request: Any  # the view's, when mixed into one
    rbac_module: str = ""
    rbac_actions: dict[str, str] = {}
    filters: type[serializers.Serializer] | None = None

    def of_clinic(self, queryset: Any, lookup: str = "org_key") -> Any:
        """``clinic.organizations.of_clinic``: the clinic's rows only. Unfiltered while drf-spectacular
        builds the schema (a fake view, maybe before any migration: there is no clinic to ask)."""
        if getattr(self, "swagger_fake_view", False):
            return queryset
        return of_clinic(queryset, lookup)

    def filter_values(self) -> dict[str, Any]:
        """The query filters given, validated by ``filters``; a 400 naming the filter otherwise."""
        if self.filters is None:
            return {}
        serializer = self.filters(data=self.request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return {name: value for name, value in serializer.validated_data.items() if value is not None}

    @property
    def required_permission(self) -> str:
        return required_permission(
            self.rbac_module, self.request.method, getattr(self, "action", None), self.rbac_actions
        )


class ModuleView(ModuleAPIView, APIView):
    """An ``APIView`` guarded by its RBAC module."""


class ModuleViewSet(ModuleAPIView, viewsets.GenericViewSet):
    """A ``GenericViewSet`` guarded by its RBAC module (add the list/retrieve mixins it needs)."""
