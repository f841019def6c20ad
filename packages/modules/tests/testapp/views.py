"""Views guarded by a module, one of each kind the package supports."""

from django.http import HttpResponse
from django.views import View

from django_modules import require_module
from django_modules.decorators import module_required
from django_modules.views import ModuleRequiredMixin


@module_required("pharmacy")
def pharmacy_page(request):
    return HttpResponse("pharmacy page")


@module_required("pharmacy")
async def async_pharmacy_page(request):
    return HttpResponse("async pharmacy")


@module_required("no-such-module")
def misspelled_page(request):
    return HttpResponse("never")


def page_calling_the_selector(request):
    require_module(request.org, "billing")
    return HttpResponse("checked inside")


class PharmacyView(ModuleRequiredMixin, View):
    required_module = "pharmacy"

    def get(self, request):
        return HttpResponse("pharmacy view")


class AsyncPharmacyView(ModuleRequiredMixin, View):
    required_module = "pharmacy"

    async def get(self, request):
        return HttpResponse("async pharmacy view")


class UnconfiguredView(ModuleRequiredMixin, View):
    def get(self, request):
        return HttpResponse("never")
