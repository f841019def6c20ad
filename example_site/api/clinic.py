"""The clinic's own workflows across packages: dispensing, billing, invoices, settings. Module ``clinic``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api.fields import ClinicSlugRelatedField
from api.parsers import JSONParser
from api.permissions import ModuleView, ModuleViewSet
from api.stock import MovementSerializer
from api.writes import validated, write
from clinic.models import ClinicSettings, Invoice, InvoiceLine
from clinic.organizations import of_clinic
from clinic.services import bill_visit, dispense_work_item
from django_catalog.models import WorkItem
from django_encounters.models import Encounter
from django_modules.drf import ModuleRequired
from django_rbac.drf import HasModulePermission
from django_stock.models import Location


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["work_item", "description", "kind", "quantity", "unit_price_amount", "amount"]


class InvoiceSerializer(serializers.ModelSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    total_amount = serializers.SerializerMethodField(help_text="rounded to the currency's minor unit")
    patient: serializers.StringRelatedField[Any] = serializers.StringRelatedField()
    issued_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "encounter",
            "patient",
            "total_amount",
            "total_currency",
            "ledger_transaction",
            "issued_at",
            "issued_by",
            "lines",
        ]

    def get_total_amount(self, invoice: Invoice) -> str:
        total = invoice.total
        assert total is not None  # set when the invoice is created
        return str(total.quantized().amount)


class ClinicSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClinicSettings
        fields = [
            "name",
            "currency",
            "pharmacy_location_code",
            "visit_definition_key",
            "invoice_sequence_scope",
            "receivables_account_code",
            "service_revenue_account_code",
            "medicine_revenue_account_code",
        ]
        # The books and the numbering are set up with these: changing them is a migration, not a PATCH.
        read_only_fields = [
            "currency",
            "visit_definition_key",
            "invoice_sequence_scope",
            "receivables_account_code",
            "service_revenue_account_code",
            "medicine_revenue_account_code",
        ]

    def validate_pharmacy_location_code(self, code: str) -> str:
        if not of_clinic(Location.objects.filter(code=code)).exists():
            raise serializers.ValidationError(f"The clinic has no stock location with the code {code!r}.")
        return code


class DispenseInput(serializers.Serializer):
    location: serializers.SlugRelatedField[Any] = ClinicSlugRelatedField(
        slug_field="code",
        queryset=Location.objects.all(),
        required=False,
        help_text="default: the clinic's pharmacy location",
    )


class VisitViewSet(ModuleViewSet):
    """``POST /clinic/visits/<encounter id>/invoice/`` bills a visit waiting for billing (module ``billing`` on)."""

    rbac_module = "clinic"
    rbac_actions = {"invoice": "bill"}
    permission_classes = [IsAuthenticated, HasModulePermission, ModuleRequired.for_module("billing")]
    queryset = Encounter.objects.all()
    serializer_class = InvoiceSerializer  # what OPTIONS describes

    def get_queryset(self):
        return self.of_clinic(super().get_queryset(), "definition__org_key")

    @extend_schema(request=None, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"])
    def invoice(self, request, pk=None):
        """Invoice number from the sequence, ledger posting, visit moved to ``billed``: one transaction."""
        encounter = self.get_object()

        def perform(key):
            invoice = bill_visit(encounter=encounter, by=request.user, idempotency_key=key)
            return invoice, InvoiceSerializer(invoice).data

        return write(request, operation="clinic.bill_visit", perform=perform)


class PharmacyViewSet(ModuleViewSet):
    """``POST /clinic/work-items/<id>/dispense/``: issue the medicine FEFO, record it, complete the work item.

    Needs the clinic's ``pharmacy`` module on (django-modules), besides the ``clinic.dispense`` permission.
    """

    rbac_module = "clinic"
    rbac_actions = {"dispense": "dispense"}
    permission_classes = [IsAuthenticated, HasModulePermission, ModuleRequired.for_module("pharmacy")]
    queryset = WorkItem.objects.select_related("catalog_item")
    serializer_class = DispenseInput  # what OPTIONS describes

    def get_queryset(self):
        return self.of_clinic(super().get_queryset(), "catalog_item__org_key")

    @extend_schema(request=DispenseInput, responses={201: MovementSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def dispense(self, request, pk=None):
        work_item = self.get_object()
        data = validated(DispenseInput, request.data)
        location = data.get("location") or of_clinic(Location.objects).get(
            code=ClinicSettings.get_instance().pharmacy_location_code
        )

        def perform(key):
            movements = dispense_work_item(work_item=work_item, location=location, by=request.user, idempotency_key=key)
            return work_item, MovementSerializer(movements, many=True).data

        return write(request, operation="clinic.dispense", perform=perform)


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    rbac_module = "clinic"
    queryset = Invoice.objects.select_related("patient", "issued_by").prefetch_related("lines")
    serializer_class = InvoiceSerializer

    def get_queryset(self):
        return self.of_clinic(super().get_queryset())


class SettingsView(ModuleView):
    """The clinic's settings (a singleton row): ``GET``, and ``PATCH`` some fields (a JSON body)."""

    rbac_module = "clinic"
    parser_classes = [JSONParser]

    @extend_schema(responses=ClinicSettingsSerializer)
    def get(self, request):
        return Response(ClinicSettingsSerializer(ClinicSettings.get_instance()).data)

    @extend_schema(request=ClinicSettingsSerializer, responses=ClinicSettingsSerializer)
    def patch(self, request):
        settings = ClinicSettings.get_instance()
        serializer = ClinicSettingsSerializer(settings, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)

        def perform(key):
            saved = serializer.save()
            return saved, ClinicSettingsSerializer(saved).data

        return write(request, operation="clinic.update_settings", perform=perform, status_code=status.HTTP_200_OK)
