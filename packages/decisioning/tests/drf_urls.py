"""URLs of the DRF views, used by test_drf.py only (`nox -s migrations` loads tests.urls without DRF)."""

from django.urls import path

from tests.testapp import drf_views

urlpatterns = [
    path("api/payments/", drf_views.PaymentsAPI.as_view()),
    path("api/accounts/<uuid:account_id>/payments/", drf_views.AccountPaymentsAPI.as_view()),
    path("api/refusing/", drf_views.RefusingAPI.as_view()),
    path("api/failing/", drf_views.FailingAPI.as_view()),
    path("api/plain/", drf_views.PlainDjangoResponseAPI.as_view()),
    path("api/receipt/", drf_views.receipt),
    path("api/receipts/", drf_views.ReceiptsAPI.as_view()),
]
