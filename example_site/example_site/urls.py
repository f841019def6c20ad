from django.contrib import admin
from django.urls import include, path
from django.views import defaults

from api.errors import api_error_view
from clinic import health

urlpatterns = [
    path("", include("clinic.urls")),
    path("api/v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("django_prometheus.urls")),  # /metrics
]

# Under /api/ Django's own refusals answer JSON in the API's error shape; pages keep Django's pages.
handler400 = api_error_view(400, defaults.bad_request)
handler403 = api_error_view(403, defaults.permission_denied)
handler404 = api_error_view(404, defaults.page_not_found)
handler500 = api_error_view(500, defaults.server_error)
