"""``GET /api/v1/``: where everything is (signed-in users only, no module needed)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

ENDPOINTS = {
    "auth token (POST username, password)": "api-token",
    "schema (OpenAPI 3)": "schema",
    "docs (Swagger UI)": "api-docs",
    "persons": "person-list",
    "organizations": "organization-list",
    "encounter definitions": "encounter-definition-list",
    "encounters": "encounter-list",
    "catalog items": "catalog-item-list",
    "baskets (POST encounter)": "basket-list",
    "work items": "work-item-list",
    "worklog start": "worklog-start",
    "worklog stop": "worklog-stop",
    "worklog active": "worklog-active",
    "worklog sessions": "worklog-sessions",
    "stock items": "stock-item-list",
    "stock lots": "lot-list",
    "stock locations": "location-list",
    "stock receive": "stock-receive",
    "stock issue": "stock-issue",
    "stock transfer": "stock-transfer",
    "stock balances": "stock-balances",
    "stock expiring lots": "stock-expiring-lots",
    "stock movements": "stock-movements",
    "ledger accounts": "account-list",
    "ledger transactions": "transaction-list",
    "ledger balances": "ledger-balances",
    "ledger trial balance": "ledger-trial-balance",
    "budgets (GET <id>/months/YYYY-MM/)": "budget-list",
    "budget buckets": "bucket-list",
    "budget transactions": "budget-transaction-list",
    "sequences": "sequence-list",
    "documents": "document-list",
    "notes": "note-list",
    "tags": "tags",
    "agreements": "agreement-list",
    "modules": "module-list",
    "audit log": "audit-log-list",
    "invoices": "invoice-list",
    "clinic settings": "clinic-settings",
    "settlements obligations": "obligation-list",
    "settlements (payments, refunds, reversals)": "settlement-list",
    "settlements payment (POST)": "settlement-payments",
    "settlements refund (POST)": "settlement-refunds",
    "settlements balances (a group's, with suggested transfers)": "settlement-balances",
}


class APIRoot(APIView):
    """The example clinic's API. Every POST honours an ``Idempotency-Key`` header."""

    permission_classes = [IsAuthenticated]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response({name: reverse(url_name, request=request) for name, url_name in ENDPOINTS.items()})
