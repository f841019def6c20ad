"""Sets ``request.org`` from the X-Org header (an org name), as a project's own middleware would."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tests.testapp.models import Org


class OrgFromHeaderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = request.headers.get("X-Org")
        if name:
            request.org = Org.objects.get(name=name)
        return self.get_response(request)
