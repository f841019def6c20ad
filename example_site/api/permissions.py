"""RBAC on every endpoint: each view names its module, the HTTP method or action gives the verb.

``django_rbac.drf.HasModulePermission`` (a default permission class in settings) reads
``required_permission`` from the view; ``ModuleAPIView`` computes it:

- safe methods (GET, HEAD, OPTIONS): ``<module>.view``;
- the ``create`` action of a viewset: ``<module>.add``;
- any other write: ``<module>.change``, unless ``rbac_actions`` names another verb for the action
  (``{"bill": "bill"}`` asks for ``clinic.bill``).

A role holding only ``*.view`` permissions (the seeded ``auditor``) thus gets 403 on every write.
"""

from __future__ import annotations

from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.views import APIView


class ModuleAPIView:
    rbac_module: str = ""
    rbac_actions: dict[str, str] = {}

    @property
    def required_permission(self) -> str:
        action = getattr(self, "action", None) or self.request.method.lower()
        if action in self.rbac_actions:
            verb = self.rbac_actions[action]
        elif self.request.method in SAFE_METHODS:
            verb = "view"
        elif action == "create":
            verb = "add"
        else:
            verb = "change"
        return f"{self.rbac_module}.{verb}"


class ModuleView(ModuleAPIView, APIView):
    """An ``APIView`` guarded by its RBAC module."""


class ModuleViewSet(ModuleAPIView, viewsets.GenericViewSet):
    """A ``GenericViewSet`` guarded by its RBAC module (add the list/retrieve mixins it needs)."""
