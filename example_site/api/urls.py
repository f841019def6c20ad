"""``/api/v1/``: one router for the viewsets, plain paths for the single-purpose views."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from api import (
    agreements,
    audit_log,
    budget,
    catalog,
    clinic,
    documents,
    encounters,
    ledger,
    modules,
    notes,
    parties,
    sequences,
    settlements,
    stock,
    worklog,
)
from api.root import APIRoot
from api.tokens import RevokeAllTokensView, RevokeTokenView, TokenView

router = SimpleRouter()
router.register("parties/persons", parties.PersonViewSet, basename="person")
router.register("parties/organizations", parties.OrganizationViewSet, basename="organization")
router.register("encounters/definitions", encounters.DefinitionViewSet, basename="encounter-definition")
router.register("encounters", encounters.EncounterViewSet, basename="encounter")
router.register("catalog/items", catalog.CatalogItemViewSet, basename="catalog-item")
router.register("catalog/baskets", catalog.BasketViewSet, basename="basket")
router.register("catalog/work-items", catalog.WorkItemViewSet, basename="work-item")
router.register("stock/items", stock.StockItemViewSet, basename="stock-item")
router.register("stock/lots", stock.LotViewSet, basename="lot")
router.register("stock/locations", stock.LocationViewSet, basename="location")
router.register("ledger/accounts", ledger.AccountViewSet, basename="account")
router.register("ledger/transactions", ledger.TransactionViewSet, basename="transaction")
router.register("budget/budgets", budget.BudgetViewSet, basename="budget")
router.register("budget/buckets", budget.BucketViewSet, basename="bucket")
router.register("budget/transactions", budget.BudgetTransactionViewSet, basename="budget-transaction")
router.register("sequences", sequences.SequenceViewSet, basename="sequence")
router.register("documents", documents.DocumentViewSet, basename="document")
router.register("notes", notes.NoteViewSet, basename="note")
router.register("agreements", agreements.AgreementViewSet, basename="agreement")
router.register("modules", modules.ProductModuleViewSet, basename="module")
router.register("audit-log", audit_log.AuditLogViewSet, basename="audit-log")
router.register("clinic/visits", clinic.VisitViewSet, basename="visit")
router.register("clinic/work-items", clinic.PharmacyViewSet, basename="pharmacy")
router.register("clinic/invoices", clinic.InvoiceViewSet, basename="invoice")
router.register("settlements/obligations", settlements.ObligationViewSet, basename="obligation")
router.register("settlements/settlements", settlements.SettlementViewSet, basename="settlement")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", RevokeTokenView.as_view(), name="api-token-revoke"),
    path("auth/token/revoke-all/", RevokeAllTokensView.as_view(), name="api-token-revoke-all"),
    path("auth/", include("rest_framework.urls")),  # sign-in for the browsable API
    # The contract is public (it names no data); everything it describes needs a sign-in.
    path(
        "schema/", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]), name="schema"
    ),
    path("docs/", login_required(SpectacularSwaggerView.as_view(url_name="schema")), name="api-docs"),
    path("worklog/start/", worklog.StartView.as_view(), name="worklog-start"),
    path("worklog/stop/", worklog.StopView.as_view(), name="worklog-stop"),
    path("worklog/active/", worklog.ActiveView.as_view(), name="worklog-active"),
    path("worklog/sessions/", worklog.SessionListView.as_view(), name="worklog-sessions"),
    path("stock/receive/", stock.ReceiveView.as_view(), name="stock-receive"),
    path("stock/issue/", stock.IssueView.as_view(), name="stock-issue"),
    path("stock/transfer/", stock.TransferView.as_view(), name="stock-transfer"),
    path("stock/balances/", stock.BalancesView.as_view(), name="stock-balances"),
    path("stock/expiring-lots/", stock.ExpiringLotsView.as_view(), name="stock-expiring-lots"),
    path("stock/movements/", stock.MovementListView.as_view(), name="stock-movements"),
    path("ledger/balances/", ledger.BalancesView.as_view(), name="ledger-balances"),
    path("ledger/trial-balance/", ledger.TrialBalanceView.as_view(), name="ledger-trial-balance"),
    path("clinic/settings/", clinic.SettingsView.as_view(), name="clinic-settings"),
    path("tags/", notes.TagsView.as_view(), name="tags"),
    path("settlements/payments/", settlements.PaymentView.as_view(), name="settlement-payments"),
    path("settlements/refunds/", settlements.RefundView.as_view(), name="settlement-refunds"),
    path("settlements/balances/", settlements.GroupBalancesView.as_view(), name="settlement-balances"),
    path("", APIRoot.as_view(), name="api-root"),
    path("", include(router.urls)),
]
