"""Budget: budgets, buckets, income and expenses, voids, the month snapshot. Module ``budget``.

Amounts are strings (``"12.50"``) in the budget's currency; a JSON float is refused.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import ClinicPrimaryKeyRelatedField, MoneyAmountField, reason_text
from api.permissions import ModuleViewSet
from api.writes import validated, write
from clinic.months import parse_month
from django_budget import BucketKind, Priority, TransactionKind
from django_budget import services as budgets
from django_budget.models import Bucket, Budget, BudgetTransaction
from django_budget.selectors import month_snapshot, month_totals


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Budget
        fields = ["id", "name", "currency", "created_at"]


class BucketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Bucket
        fields = [
            "id",
            "budget",
            "name",
            "kind",
            "priority",
            "monthly_limit_amount",
            "monthly_limit_currency",
            "rollover",
            "start_month",
            "archived_at",
        ]


class BudgetTransactionSerializer(serializers.ModelSerializer):
    bucket: serializers.StringRelatedField[Any] = serializers.StringRelatedField(allow_null=True)
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = BudgetTransaction
        fields = [
            "id",
            "budget",
            "kind",
            "bucket",
            "amount",
            "currency",
            "date",
            "description",
            "reverses",
            "reason",
            "created_by",
            "recorded_at",
        ]


class BucketInput(serializers.Serializer):
    budget = ClinicPrimaryKeyRelatedField(queryset=Budget.objects.all())
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=BucketKind.choices)
    monthly_limit = MoneyAmountField(min_value=Decimal("0"))
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.B)
    rollover = serializers.BooleanField(default=False)
    start_month = serializers.DateField(required=False, default=None, help_text="any day of the first month")


class BudgetTransactionInput(serializers.Serializer):
    budget = ClinicPrimaryKeyRelatedField(queryset=Budget.objects.all())
    kind = serializers.ChoiceField(choices=TransactionKind.choices)
    bucket = ClinicPrimaryKeyRelatedField(
        queryset=Bucket.objects.all(), org_lookup="budget__org_key", required=False, allow_null=True
    )
    amount = MoneyAmountField()
    date = serializers.DateField(required=False, default=None, help_text="default: today")
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=255)

    def validate(self, data):
        if data["kind"] == TransactionKind.EXPENSE and data.get("bucket") is None:
            raise serializers.ValidationError({"bucket": ["An expense is spent from a bucket."]})
        if data["kind"] == TransactionKind.INCOME and data.get("bucket") is not None:
            raise serializers.ValidationError({"bucket": ["An income goes to the budget, not to a bucket."]})
        return data


class VoidInput(serializers.Serializer):
    reason = reason_text()


class MonthField(serializers.CharField):
    """A month as ``YYYY-MM`` (0002-01 to 9998-12), given as its first day."""

    default_error_messages = {"month": "Give a month from 0002-01 to 9998-12 as YYYY-MM."}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> dt.date:  # type: ignore[override]  # text in, a date out
        try:
            return parse_month(super().to_internal_value(data))
        except ValueError:
            self.fail("month")


class TransactionFilters(serializers.Serializer):
    month = MonthField(required=False, help_text="YYYY-MM: transactions dated in that month")


class MonthSerializer(serializers.Serializer):
    budget = serializers.UUIDField()
    month = serializers.CharField()
    currency = serializers.CharField()
    income = serializers.CharField()
    spent = serializers.CharField()
    net = serializers.CharField()
    buckets = serializers.ListField(child=serializers.DictField())


def month_body(budget: Budget, month: dt.date) -> dict:
    """The month snapshot and totals as JSON (also what the budget page shows)."""
    totals = month_totals(budget=budget, month=month)
    return {
        "budget": budget.pk,
        "month": f"{month:%Y-%m}",
        "currency": budget.currency,
        "income": str(totals.income.amount),
        "spent": str(totals.spent.amount),
        "net": str(totals.net.amount),
        "buckets": [
            {
                "bucket": row.bucket.name,
                "kind": row.bucket.kind,
                "priority": row.bucket.priority,
                "limit": str(row.limit.amount),
                "limit_is_allocation": row.limit_is_allocation,
                "spent": str(row.spent.amount),
                "remaining": str(row.remaining.amount),
                "carry_over": str(row.carry_over.amount),
                "available": str(row.available.amount),
            }
            for row in month_snapshot(budget=budget, month=month)
        ],
    }


class BudgetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Budgets; ``GET /budget/budgets/<id>/months/<YYYY-MM>/`` is the month's snapshot."""

    rbac_module = "budget"
    queryset = Budget.objects.order_by("name")
    serializer_class = BudgetSerializer

    def get_queryset(self):
        return self.of_clinic(super().get_queryset())

    @extend_schema(responses=MonthSerializer)
    @action(detail=True, methods=["get"], url_path=r"months/(?P<month>\d{4}-\d{2})")
    def month(self, request, pk=None, month=None):
        try:
            first_day = parse_month(month)
        except ValueError as exc:
            raise serializers.ValidationError({"month": [str(exc)]}) from exc
        return Response(month_body(self.get_object(), first_day))


class BucketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    rbac_module = "budget"
    queryset = Bucket.objects.order_by("budget", "priority", "name")
    serializer_class = BucketSerializer

    def get_queryset(self):
        return self.of_clinic(super().get_queryset(), "budget__org_key")

    @extend_schema(request=BucketInput, responses={201: BucketSerializer})
    def create(self, request):
        data = validated(BucketInput, request.data)

        def perform(key):
            bucket = budgets.create_bucket(**data)
            return bucket, BucketSerializer(bucket).data

        return write(request, operation="budget.create_bucket", perform=perform)


class BudgetTransactionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Income and expenses, newest first (``?month=YYYY-MM``); ``POST`` records one, ``.../void/`` reverses it."""

    rbac_module = "budget"
    serializer_class = BudgetTransactionSerializer
    filters = TransactionFilters

    def get_queryset(self):
        transactions = BudgetTransaction.objects.select_related("bucket", "created_by").order_by("-recorded_at")
        transactions = self.of_clinic(transactions, "budget__org_key")
        query = self.filter_values() if self.action == "list" else {}
        if "month" in query:
            transactions = transactions.in_month(query["month"])
        return transactions

    @extend_schema(request=BudgetTransactionInput, responses={201: BudgetTransactionSerializer})
    def create(self, request):
        data = validated(BudgetTransactionInput, request.data)
        common = {
            "budget": data["budget"],
            "amount": data["amount"],
            "date": data["date"] or timezone.localdate(),
            "description": data["description"],
            "by": request.user,
        }

        def perform(key):
            if data["kind"] == TransactionKind.INCOME:
                posted = budgets.post_income(**common, idempotency_key=key)
            else:
                posted = budgets.post_expense(**common, bucket=data["bucket"], idempotency_key=key)
            return posted, BudgetTransactionSerializer(posted).data

        return write(request, operation="budget.post_transaction", perform=perform)

    @extend_schema(request=VoidInput, responses={201: BudgetTransactionSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Write the reversal of a transaction (409 if it was voided already; 403 without the permission)."""
        original = self.get_object()
        data = validated(VoidInput, request.data)

        def perform(key):
            reversal = budgets.void_transaction(transaction=original, reason=data["reason"], by=request.user)
            return reversal, BudgetTransactionSerializer(reversal).data

        return write(request, operation="budget.void", perform=perform)
