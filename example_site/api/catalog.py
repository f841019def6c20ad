"""Catalog: items, the basket of a visit (add item, commit) and the work items a commit spawns. Module ``catalog``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from api.fields import ClinicPrimaryKeyRelatedField, QuantityField
from api.permissions import ModuleViewSet
from api.writes import validated, write
from django_catalog.models import Basket, BasketItem, CatalogItem, WorkItem
from django_catalog.services import (
    add_item,
    commit_basket,
    complete_work_item,
    get_or_create_draft_basket,
    start_work_item,
)
from django_encounters.models import Encounter


class CatalogItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CatalogItem
        fields = [
            "id",
            "display_name",
            "kind",
            "service_category",
            "routing",
            "price_amount",
            "price_currency",
            "stock_sku",
            "active",
        ]


class BasketItemSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(source="catalog_item.display_name", read_only=True)

    class Meta:
        model = BasketItem
        fields = [
            "id",
            "catalog_item",
            "display_name",
            "quantity",
            "price_amount_snapshot",
            "price_currency_snapshot",
            "routing_snapshot",
        ]


class WorkItemSerializer(serializers.ModelSerializer):
    encounter = serializers.UUIDField(source="basket.encounter_id", read_only=True)
    assignee: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "encounter",
            "basket",
            "catalog_item",
            "display_name",
            "quantity",
            "board",
            "status",
            "assignee",
            "started_at",
            "completed_at",
        ]


class BasketSerializer(serializers.ModelSerializer):
    items = BasketItemSerializer(many=True, read_only=True)
    work_items = WorkItemSerializer(many=True, read_only=True)

    class Meta:
        model = Basket
        fields = ["id", "encounter", "status", "created_at", "committed_at", "items", "work_items"]


class CatalogItemFilters(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CatalogItem.Kind.choices, required=False)
    name = serializers.CharField(max_length=200, required=False, help_text="part of the display name")


class WorkItemFilters(serializers.Serializer):
    board = serializers.CharField(max_length=100, required=False)
    status = serializers.ChoiceField(choices=WorkItem.Status.choices, required=False)
    encounter = serializers.UUIDField(required=False, help_text="the visit's id")
    open = serializers.BooleanField(required=False, help_text="only open work")


class BasketInput(serializers.Serializer):
    encounter = ClinicPrimaryKeyRelatedField(queryset=Encounter.objects.all(), org_lookup="definition__org_key")


class AddItemInput(serializers.Serializer):
    catalog_item: serializers.PrimaryKeyRelatedField[Any] = ClinicPrimaryKeyRelatedField(
        queryset=CatalogItem.objects.all()
    )
    quantity = QuantityField(required=False, default=1)


class CatalogItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """What can be ordered. Filters: ``?kind=service|stock_item``, ``?name=`` (contains)."""

    rbac_module = "catalog"
    serializer_class = CatalogItemSerializer
    filters = CatalogItemFilters

    def get_queryset(self):
        items = self.of_clinic(CatalogItem.objects.order_by("display_name"))
        if self.action != "list":
            return items
        query = self.filter_values()
        if "kind" in query:
            items = items.filter(kind=query["kind"])
        if "name" in query:
            items = items.filter(display_name__icontains=query["name"])
        return items


class BasketViewSet(mixins.RetrieveModelMixin, ModuleViewSet):
    """A visit's basket: ``POST`` gives the visit's draft basket (made if needed), then add items and commit."""

    rbac_module = "catalog"
    serializer_class = BasketSerializer
    queryset = Basket.objects.prefetch_related("items__catalog_item", "work_items__assignee", "work_items__basket")

    def get_queryset(self):
        # A basket belongs to the organization of its visit's definition.
        return self.of_clinic(super().get_queryset(), "encounter__definition__org_key")

    def _body(self, basket: Basket) -> dict:
        return BasketSerializer(self.get_queryset().get(pk=basket.pk)).data

    @extend_schema(request=BasketInput, responses={201: BasketSerializer})
    def create(self, request):
        data = validated(BasketInput, request.data)

        def perform(key):
            basket = get_or_create_draft_basket(data["encounter"], request.user)
            return basket, self._body(basket)

        return write(request, operation="catalog.open_basket", perform=perform)

    @extend_schema(request=AddItemInput, responses={201: BasketItemSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request, pk=None):
        """Add a catalog item to the draft basket (409 once it is committed)."""
        basket = self.get_object()
        data = validated(AddItemInput, request.data)

        def perform(key):
            line = add_item(
                basket=basket,
                catalog_item=data["catalog_item"],
                by=request.user,
                quantity=data["quantity"],
                idempotency_key=key,  # stored on the line: a retry after the key expired adds nothing
            )
            return basket, BasketItemSerializer(line).data

        return write(request, operation="catalog.add_item", perform=perform)

    @extend_schema(request=None, responses={201: WorkItemSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Commit the basket: one work item per line, routed to its board. A second commit changes nothing."""
        basket = self.get_object()

        def perform(key):
            work_items = commit_basket(basket, request.user)
            return basket, WorkItemSerializer(work_items, many=True).data

        return write(request, operation="catalog.commit_basket", perform=perform)


class WorkItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Work items by board. Filters: ``?board=``, ``?status=``, ``?encounter=``, ``?open=1``."""

    rbac_module = "catalog"
    serializer_class = WorkItemSerializer
    filters = WorkItemFilters

    def get_queryset(self):
        items = self.of_clinic(WorkItem.objects.select_related("assignee", "basket"), "catalog_item__org_key")
        if self.action != "list":
            return items.order_by("created_at")
        query = self.filter_values()
        if "board" in query:
            items = items.for_board(query["board"])
        if "status" in query:
            items = items.filter(status=query["status"])
        if "encounter" in query:
            items = items.filter(basket__encounter_id=query["encounter"])
        if query.get("open"):
            items = items.open()
        return items.order_by("created_at")

    @extend_schema(request=None, responses={201: WorkItemSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        work_item = self.get_object()
        return write(
            request,
            operation="catalog.start_work_item",
            perform=lambda key: (work_item, WorkItemSerializer(start_work_item(work_item, by=request.user)).data),
        )

    @extend_schema(request=None, responses={201: WorkItemSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        work_item = self.get_object()
        return write(
            request,
            operation="catalog.complete_work_item",
            perform=lambda key: (work_item, WorkItemSerializer(complete_work_item(work_item, by=request.user)).data),
        )
