"""Stock: receive, issue (FEFO), transfer, balances, expiring lots. Module ``stock``.

Locations are named by ``code``, items by ``sku``, lots by id, among the clinic's organization's
only (other organizations hold the same codes and SKUs). Quantities are JSON integers.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, serializers
from rest_framework.response import Response

from api.fields import ClinicPrimaryKeyRelatedField, ClinicSlugRelatedField, QuantityField, reason_text
from api.permissions import ModuleAPIView, ModuleView, ModuleViewSet
from api.writes import validated, write
from clinic.organizations import clinic_org, of_clinic
from django_stock.models import Location, Lot, StockItem, StockMovement
from django_stock.selectors import expiring_within, stock_report
from django_stock.services import issue, receive, transfer


class StockItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = StockItem
        fields = ["id", "sku", "name", "unit"]


class LotSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "sku", "lot_number", "manufacture_date", "expiry_date", "status"]


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "code", "name", "kind"]


class MovementSerializer(serializers.ModelSerializer):
    location: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lot = LotSerializer(read_only=True)

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "movement_type",
            "location",
            "lot",
            "quantity",
            "signed_quantity",
            "reason",
            "operation_id",
            "effective_at",
            "recorded_at",
        ]


class StockLineSerializer(serializers.Serializer):
    location = serializers.CharField()
    sku = serializers.CharField()
    item = serializers.CharField()
    lot_id = serializers.UUIDField()
    lot_number = serializers.CharField()
    expiry_date = serializers.DateField(allow_null=True)
    quantity = serializers.IntegerField()
    usable = serializers.BooleanField()


class ExpiringLotSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku", read_only=True)
    on_hand = serializers.IntegerField(read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "sku", "lot_number", "expiry_date", "status", "on_hand"]


def _locations(**kwargs):
    return ClinicSlugRelatedField(slug_field="code", queryset=Location.objects.all(), **kwargs)


class ItemOrLotInput(serializers.Serializer):
    item: serializers.SlugRelatedField[Any] = ClinicSlugRelatedField(
        slug_field="sku", queryset=StockItem.objects.all(), required=False, help_text="FEFO over the item's lots"
    )
    lot: serializers.PrimaryKeyRelatedField[Any] = ClinicPrimaryKeyRelatedField(
        queryset=Lot.objects.all(), org_lookup="item__org_key", required=False
    )
    quantity = QuantityField()
    reason = reason_text(required=False, default="", allow_blank=True)

    def validate(self, data):
        if ("item" in data) == ("lot" in data):
            raise serializers.ValidationError({"item": ["Give either item (FEFO) or lot, not both nor neither."]})
        return data


class ReceiveInput(serializers.Serializer):
    location = _locations()
    lot: serializers.PrimaryKeyRelatedField[Any] = ClinicPrimaryKeyRelatedField(
        queryset=Lot.objects.all(), org_lookup="item__org_key"
    )
    quantity = QuantityField()
    reason = reason_text(required=False, default="", allow_blank=True)


class IssueInput(ItemOrLotInput):
    location = _locations()


class TransferInput(ItemOrLotInput):
    from_location = _locations()
    to_location = _locations()


class LocationFilter(serializers.Serializer):
    location = _locations(required=False, help_text="a location's code")


class ExpiringFilters(LocationFilter):
    days = serializers.IntegerField(min_value=0, max_value=3650, required=False, default=30)


class LotFilters(serializers.Serializer):
    sku = serializers.CharField(max_length=100, required=False, help_text="the item's SKU")


class MovementFilters(LocationFilter):
    lot = serializers.UUIDField(required=False, help_text="a lot's id")


def _movements(movements) -> list:
    return list(MovementSerializer(movements, many=True).data)


class ReceiveView(ModuleView):
    """Stock enters a location (a delivery)."""

    rbac_module = "stock"

    @extend_schema(request=ReceiveInput, responses={201: MovementSerializer(many=True)})
    def post(self, request):
        data = validated(ReceiveInput, request.data)

        def perform(key):
            movement = receive(**data, by=request.user, idempotency_key=key)
            return movement, _movements([movement])

        return write(request, operation="stock.receive", perform=perform)


class IssueView(ModuleView):
    """Stock leaves a location: from ``lot``, or FEFO over the ``item``'s usable lots (409 when short)."""

    rbac_module = "stock"

    @extend_schema(request=IssueInput, responses={201: MovementSerializer(many=True)})
    def post(self, request):
        data = validated(IssueInput, request.data)

        def perform(key):
            movements = issue(**data, by=request.user, idempotency_key=key)
            return movements[0], _movements(movements)

        return write(request, operation="stock.issue", perform=perform)


class TransferView(ModuleView):
    """Move stock between two locations atomically (``lot``, or FEFO ``item``)."""

    rbac_module = "stock"

    @extend_schema(request=TransferInput, responses={201: MovementSerializer(many=True)})
    def post(self, request):
        data = validated(TransferInput, request.data)

        def perform(key):
            movements = transfer(**data, by=request.user, idempotency_key=key)
            return movements[0], _movements(movements)

        return write(request, operation="stock.transfer", perform=perform)


class BalancesView(ModuleView):
    """Stock per location and lot, FEFO order (``?location=<code>`` for one location)."""

    rbac_module = "stock"
    filters = LocationFilter

    @extend_schema(responses=StockLineSerializer(many=True))
    def get(self, request):
        query = self.filter_values()
        locations = [query["location"]] if "location" in query else of_clinic(Location.objects.order_by("code"))
        lines = [
            {
                "location": location.code,
                "sku": line.item.sku,
                "item": line.item.name,
                "lot_id": line.lot.pk,
                "lot_number": line.lot.lot_number,
                "expiry_date": line.expiry_date,
                "quantity": line.quantity,
                "usable": line.usable,
            }
            for location in locations
            for line in stock_report(location, org=clinic_org())
        ]
        return Response(StockLineSerializer(lines, many=True).data)


class ExpiringLotsView(ModuleView):
    """Lots with stock expiring within ``?days=`` (default 30), ``?location=<code>`` optional."""

    rbac_module = "stock"
    filters = ExpiringFilters

    @extend_schema(responses=ExpiringLotSerializer(many=True))
    def get(self, request):
        query = self.filter_values()
        lots = expiring_within(query["days"], location=query.get("location"), org=clinic_org())
        return Response(ExpiringLotSerializer(lots, many=True).data)


class StockItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    rbac_module = "stock"
    queryset = StockItem.objects.order_by("sku")
    serializer_class = StockItemSerializer

    def get_queryset(self):
        return self.of_clinic(super().get_queryset())


class LotViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Lots (``?sku=`` filters by item)."""

    rbac_module = "stock"
    serializer_class = LotSerializer
    filters = LotFilters

    def get_queryset(self):
        lots = self.of_clinic(Lot.objects.select_related("item"), "item__org_key").order_by(
            "item__sku", "expiry_date", "lot_number"
        )
        query = self.filter_values() if self.action == "list" else {}
        if "sku" in query:
            lots = lots.filter(item__sku=query["sku"])
        return lots


class LocationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    rbac_module = "stock"
    queryset = Location.objects.order_by("code")
    serializer_class = LocationSerializer
    lookup_field = "code"

    def get_queryset(self):
        return self.of_clinic(super().get_queryset())


class MovementListView(ModuleAPIView, generics.ListAPIView):
    """Movements, newest first (``?lot=<id>``, ``?location=<code>``)."""

    rbac_module = "stock"
    serializer_class = MovementSerializer
    filters = MovementFilters

    def get_queryset(self):
        movements = self.of_clinic(StockMovement.objects.select_related("location", "lot__item"), "location__org_key")
        movements = movements.order_by("-recorded_at")
        query = self.filter_values()
        if "lot" in query:
            movements = movements.filter(lot_id=query["lot"])
        if "location" in query:
            movements = movements.filter(location=query["location"])
        return movements
