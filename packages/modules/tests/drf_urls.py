"""URLs of the DRF views, used by test_drf.py only (`nox -s migrations` loads tests.urls without DRF)."""

from django.urls import path

from tests.testapp import drf_views

urlpatterns = [
    path("api/pharmacy/", drf_views.PharmacyAPI.as_view()),
    path("api/billing/", drf_views.BillingAPI.as_view()),
    path("api/unconfigured/", drf_views.UnconfiguredAPI.as_view()),
]
