"""API views guarded by the DRF permission (their URLs are in tests/drf_urls.py: DRF is a test extra only)."""

from rest_framework.response import Response
from rest_framework.views import APIView

from django_modules.drf import ModuleRequired


class PharmacyAPI(APIView):
    permission_classes = [ModuleRequired]
    required_module = "pharmacy"

    def get(self, request):
        return Response({"ok": True})


class BillingAPI(APIView):
    permission_classes = [ModuleRequired.for_module("billing")]

    def get(self, request):
        return Response({"ok": True})


class UnconfiguredAPI(APIView):
    permission_classes = [ModuleRequired]

    def get(self, request):
        return Response({"ok": True})
