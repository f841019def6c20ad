"""Product modules of the clinic (pharmacy, billing, ...): list, switch on or off. Module ``modules``.

The clinic's dispensing and billing endpoints are guarded by ``django_modules.drf.ModuleRequired``:
with ``pharmacy`` switched off, ``POST /clinic/work-items/<id>/dispense/`` answers 403 naming it.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.permissions import ModuleViewSet
from api.writes import write
from clinic.models import ClinicSettings
from django_modules import clear_override, disable_module, enable_module
from django_modules.models import Module


class ModuleStateSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField(help_text="the global default")
    override = serializers.BooleanField(allow_null=True, help_text="the clinic's override, if any")
    is_enabled = serializers.BooleanField()


class ProductModuleViewSet(ModuleViewSet):
    """The clinic's modules with their state; ``enable``, ``disable`` and ``clear`` set or drop its override."""

    rbac_module = "modules"
    serializer_class = ModuleStateSerializer  # what OPTIONS describes
    lookup_field = "key"
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def _clinic(self):
        return ClinicSettings.get_instance().organization

    def _state(self, key: str) -> dict:
        module = get_object_or_404(Module.objects.with_org_state(self._clinic()), key=key)
        return ModuleStateSerializer(module).data

    @extend_schema(responses=ModuleStateSerializer(many=True))
    def list(self, request):
        modules = self.paginate_queryset(Module.objects.with_org_state(self._clinic()).order_by("key"))
        return self.get_paginated_response(ModuleStateSerializer(modules, many=True).data)

    @extend_schema(responses=ModuleStateSerializer)
    def retrieve(self, request, key=None):
        return Response(self._state(key))

    def _switch(self, request, key, operation, change):
        self._state(key)  # 404 for an unknown module

        def perform(k):
            change()
            return get_object_or_404(Module, key=key), self._state(key)

        return write(request, operation=f"modules.{operation}", perform=perform, status_code=200)

    @extend_schema(request=None, responses=ModuleStateSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, key=None):
        return self._switch(request, key, "enable", lambda: enable_module(self._clinic(), key, by=request.user))

    @extend_schema(request=None, responses=ModuleStateSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request, key=None):
        return self._switch(request, key, "disable", lambda: disable_module(self._clinic(), key, by=request.user))

    @extend_schema(request=None, responses=ModuleStateSerializer)
    @action(detail=True, methods=["post"])
    def clear(self, request, key=None):
        return self._switch(request, key, "clear", lambda: clear_override(self._clinic(), key))
