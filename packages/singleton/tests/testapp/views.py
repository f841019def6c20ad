"""Views that read the singleton several times in one request, for the request-cache tests."""

from django.http import HttpRequest, JsonResponse

from tests.testapp.models import SiteSettings


def read_twice(request: HttpRequest) -> JsonResponse:
    first = SiteSettings.get_instance()
    second = SiteSettings.get_instance()
    return JsonResponse({"same_object": first is second, "site_name": second.site_name})


def read_save_read(request: HttpRequest) -> JsonResponse:
    first = SiteSettings.get_instance()
    first.site_name = request.GET["site_name"]
    first.save()
    second = SiteSettings.get_instance()
    return JsonResponse({"same_object": first is second, "site_name": second.site_name})


async def read_twice_async(request: HttpRequest) -> JsonResponse:
    first = await SiteSettings.aget_instance()
    second = await SiteSettings.aget_instance()
    return JsonResponse({"same_object": first is second, "site_name": second.site_name})
