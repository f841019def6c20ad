"""Settlements: obligations between parties, payments allocated to them, refunds, reversals, a group's balances.
Module ``settlements``.

Parties are the site's persons and organizations, named ``{"type": "person", "id": "..."}``. Amounts are strings
(``"12.50"``) in whole minor units of their currency; a JSON float is refused. Only the clinic's organization's
obligations and settlements show, and everything recorded here belongs to it. Cancelling an obligation and
reversing a payment or a refund also need ``SETTLEMENTS_REVERSE_PERMISSION`` (403 without it). A group is an
organization and the parties related to it (``clinic.settlements``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import ClinicPrimaryKeyRelatedField, CurrencyField, MoneyAmountField, reason_text
from api.permissions import ModuleView, ModuleViewSet
from api.targets import TARGETS, PartyInput, ReferenceSerializer, target_reference
from api.writes import validated, write
from clinic.organizations import clinic_org
from clinic.settlements import GroupReport, group_report
from django_basemodels.generic import generic_key_filter
from django_money import Money
from django_parties.models import Organization
from django_settlements import (
    SettlementKind,
    cancel_obligation,
    record_obligation,
    record_payment,
    record_refund,
    reverse_settlement,
)
from django_settlements.amounts import to_decimal, vendor_of
from django_settlements.models import Allocation, Obligation, Settlement

MAX_OBLIGATIONS = 100
ALLOCATIONS = [
    ("proportional", "In proportion to what is open on each obligation"),
    ("due_date", "The earliest due first"),
]


def _same_party(first: Any, second: Any) -> bool:
    return type(first) is type(second) and first.pk == second.pk


def _amount(value: Decimal | Money) -> str:
    """An amount as the API writes every amount column: four decimal places."""
    amount = value.amount if isinstance(value, Money) else value
    return str(amount.quantize(Decimal("0.0001")))


def _units(row: Any, units: Any) -> str:
    """An amount annotated by django-settlements' querysets (``paid_units``, ``open_units``), read exactly."""
    return _amount(to_decimal(units, vendor_of(row._state.db or DEFAULT_DB_ALIAS)))


class AllocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Allocation
        fields = ["settlement", "obligation", "amount", "currency", "direction"]


class CancellationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Obligation
        fields = ["id", "reason", "effective_at", "recorded_at"]


class ObligationSerializer(serializers.ModelSerializer):
    """An obligation: who owes whom, how much, by when, and what is paid and still open on it."""

    # paid_amount, open_amount and cancelled read the annotations of obligations(): serialize its rows only.
    debtor = serializers.SerializerMethodField()
    creditor = serializers.SerializerMethodField()
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    paid_amount = serializers.SerializerMethodField()
    open_amount = serializers.SerializerMethodField()
    cancelled = serializers.SerializerMethodField()
    cancellation = serializers.SerializerMethodField()
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "debtor",
            "creditor",
            "amount",
            "currency",
            "due_on",
            "description",
            "effective_at",
            "recorded_at",
            "created_by",
            "paid_amount",
            "open_amount",
            "cancelled",
            "cancellation",
            "allocations",
        ]

    @extend_schema_field(ReferenceSerializer)
    def get_debtor(self, obligation: Obligation) -> dict | None:
        return target_reference(obligation.debtor)

    @extend_schema_field(ReferenceSerializer)
    def get_creditor(self, obligation: Obligation) -> dict | None:
        return target_reference(obligation.creditor)

    def get_paid_amount(self, obligation: Obligation) -> str:
        return _units(obligation, obligation.paid_units)  # type: ignore[attr-defined]

    def get_open_amount(self, obligation: Obligation) -> str:
        return _units(obligation, obligation.open_units)  # type: ignore[attr-defined]

    def get_cancelled(self, obligation: Obligation) -> bool:
        return bool(obligation.is_cancelled)  # type: ignore[attr-defined]

    @extend_schema_field(CancellationSerializer(allow_null=True))
    def get_cancellation(self, obligation: Obligation) -> dict | None:
        try:
            cancellation = obligation.cancellation  # the reverse one-to-one: raises when there is none
        except ObjectDoesNotExist:
            return None
        return CancellationSerializer(cancellation).data


class SettlementSerializer(serializers.ModelSerializer):
    """A payment, a refund (``refund_of``) or a reversal (``reverses``), with its allocations to obligations."""

    payer = serializers.SerializerMethodField()
    payee = serializers.SerializerMethodField()
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    reversed_by = serializers.SerializerMethodField()
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta:
        model = Settlement
        fields = [
            "id",
            "kind",
            "payer",
            "payee",
            "amount",
            "currency",
            "description",
            "refund_of",
            "reverses",
            "reversed_by",
            "reason",
            "effective_at",
            "recorded_at",
            "created_by",
            "allocations",
        ]

    @extend_schema_field(ReferenceSerializer)
    def get_payer(self, settlement: Settlement) -> dict | None:
        return target_reference(settlement.payer)

    @extend_schema_field(ReferenceSerializer)
    def get_payee(self, settlement: Settlement) -> dict | None:
        return target_reference(settlement.payee)

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_reversed_by(self, settlement: Settlement) -> str | None:
        try:
            return str(settlement.reversal.pk)  # the reverse one-to-one: raises when there is none
        except ObjectDoesNotExist:
            return None


def obligations() -> Any:
    """The clinic's obligations (not their cancellations), with what is paid and open on each: a constant
    number of queries for any number of rows."""
    return (
        Obligation.objects.for_org(clinic_org())
        .originals()
        .with_open_amount()
        .select_related("created_by", "cancellation")
        .prefetch_related("debtor", "creditor", "allocations")
    )


def settlements() -> Any:
    """The clinic's payments, refunds and reversals: a constant number of queries for any number of rows."""
    return (
        Settlement.objects.for_org(clinic_org())
        .select_related("created_by", "reversal")
        .prefetch_related("payer", "payee", "allocations")
    )


class PartyFilter(serializers.Serializer):
    """``?party_type=&party_id=``: the rows where that party is on either side (both or neither)."""

    party_type = serializers.ChoiceField(choices=["person", "organization"], required=False)
    party_id = serializers.UUIDField(required=False)

    def validate(self, data):
        given = {"party_type", "party_id"} & set(data)
        if not given:
            return data
        if given != {"party_type", "party_id"}:
            raise serializers.ValidationError({"party_id": ["Give party_type and party_id together."]})
        party = TARGETS[data.pop("party_type")]._default_manager.filter(pk=data.pop("party_id")).first()
        if party is None:
            raise serializers.ValidationError({"party_id": ["No party of this type has this id."]})
        return {**data, "party": party}


def _either_side(first: str, second: str, party: Any) -> Q:
    return Q(**generic_key_filter(first, party)) | Q(**generic_key_filter(second, party))


class ObligationFilters(PartyFilter):
    open = serializers.BooleanField(required=False, help_text="true: something is left to pay; false: nothing is")
    currency = CurrencyField(required=False)


class SettlementFilters(PartyFilter):
    kind = serializers.ChoiceField(choices=SettlementKind.choices, required=False)


class ObligationInput(serializers.Serializer):
    debtor = PartyInput()
    creditor = PartyInput()
    amount = MoneyAmountField(min_value=Decimal("0.0001"))
    currency = CurrencyField()
    due_on = serializers.DateField(required=False, default=None, help_text="default: the day the debt arose")
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=255)
    effective_at = serializers.DateTimeField(
        required=False, default=None, help_text="when the debt arose (default: now); may be in the past"
    )

    def validate(self, data):
        if _same_party(data["debtor"], data["creditor"]):
            raise serializers.ValidationError({"creditor": ["A party cannot owe itself."]})
        currency = data.pop("currency")
        return {**data, "amount": Money(data["amount"], currency)}


class PaymentInput(serializers.Serializer):
    payer = PartyInput()
    payee = PartyInput()
    amount = MoneyAmountField(min_value=Decimal("0.0001"))
    currency = CurrencyField()
    obligations = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=MAX_OBLIGATIONS,
        help_text="the ids of the payer's obligations to the payee that the payment settles (none: an advance)",
    )
    allocation = serializers.ChoiceField(choices=ALLOCATIONS, default="proportional")
    description = serializers.CharField(required=False, default="", allow_blank=True, max_length=255)
    effective_at = serializers.DateTimeField(required=False, default=None, help_text="when it was paid (default: now)")

    def validate(self, data):
        if _same_party(data["payer"], data["payee"]):
            raise serializers.ValidationError({"payee": ["A party cannot pay itself."]})
        ids = data["obligations"]
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError({"obligations": ["Name each obligation once."]})
        found = {obligation.pk: obligation for obligation in obligations().filter(pk__in=ids)}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(
                {"obligations": [f"No obligation of the clinic has the id {missing[0]}."]}
            )
        currency = data.pop("currency")
        return {**data, "amount": Money(data["amount"], currency), "obligations": [found[pk] for pk in ids]}


class RefundInput(serializers.Serializer):
    payment = ClinicPrimaryKeyRelatedField(
        queryset=Settlement.objects.payments(), pk_field=serializers.UUIDField(), help_text="the payment given back"
    )
    amount = MoneyAmountField(min_value=Decimal("0.0001"), help_text="in the payment's currency")
    reason = reason_text(required=False, default="", allow_blank=True)
    obligation = ClinicPrimaryKeyRelatedField(
        queryset=Obligation.objects.originals(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
        default=None,
        help_text="the obligation the refund reopens (default: those the payment settled, in proportion)",
    )
    effective_at = serializers.DateTimeField(required=False, default=None, help_text="default: now")

    def validate(self, data):
        payment = data["payment"]
        return {**data, "amount": Money(data["amount"], payment.currency)}


class ReasonInput(serializers.Serializer):
    reason = reason_text()


class GroupQuery(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        pk_field=serializers.UUIDField(),
        required=False,
        help_text="the organization whose group it is (default: the clinic)",
    )
    as_of = serializers.DateTimeField(
        required=False, help_text="business time (ISO 8601): obligations and settlements effective by then"
    )


class BalanceSerializer(serializers.Serializer):
    party = ReferenceSerializer()
    balance = serializers.CharField(help_text="positive: the party is owed; negative: it owes")


class TransferSerializer(serializers.Serializer):
    payer = ReferenceSerializer()
    payee = ReferenceSerializer()
    amount = serializers.CharField()


class CurrencyBalancesSerializer(serializers.Serializer):
    currency = serializers.CharField()
    balances = BalanceSerializer(many=True)
    transfers = TransferSerializer(many=True)


class GroupBalancesSerializer(serializers.Serializer):
    organization = ReferenceSerializer()
    as_of = serializers.DateTimeField(allow_null=True)
    members = ReferenceSerializer(many=True)
    currencies = CurrencyBalancesSerializer(many=True)


def group_body(report: GroupReport) -> dict:
    return {
        "organization": target_reference(report.organization),
        "as_of": report.as_of,
        "members": [target_reference(member) for member in report.members],
        "currencies": [
            {
                "currency": currency.currency,
                "balances": [
                    {"party": target_reference(party), "balance": _amount(balance)}
                    for party, balance in currency.balances
                ],
                "transfers": [
                    {
                        "payer": target_reference(transfer.payer),
                        "payee": target_reference(transfer.payee),
                        "amount": _amount(transfer.amount),
                    }
                    for transfer in currency.transfers
                ],
            }
            for currency in report.currencies
        ],
    }


class ObligationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Obligations, earliest due first (``?open=``, ``?currency=``, ``?party_type=&party_id=``); ``POST`` records
    one, ``.../cancel/`` cancels it (403 without the permission, 409 if it was cancelled already)."""

    rbac_module = "settlements"
    serializer_class = ObligationSerializer
    filters = ObligationFilters

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Obligation.objects.none()
        rows = obligations().order_by("due_on", "recorded_at", "id")
        query = self.filter_values() if self.action == "list" else {}
        if "party" in query:
            rows = rows.filter(_either_side("debtor", "creditor", query["party"]))
        if "currency" in query:
            rows = rows.filter(currency=query["currency"])
        if "open" in query:
            rows = rows.filter(open_units__gt=0) if query["open"] else rows.exclude(open_units__gt=0)
        return rows

    def _body(self, obligation: Obligation) -> dict:
        return ObligationSerializer(obligations().get(pk=obligation.pk)).data

    @extend_schema(request=ObligationInput, responses={201: ObligationSerializer})
    def create(self, request):
        data = validated(ObligationInput, request.data)

        def perform(key):
            obligation = record_obligation(**data, org=clinic_org(), by=request.user, idempotency_key=key)
            return obligation, self._body(obligation)

        return write(request, operation="settlements.record_obligation", perform=perform)

    @extend_schema(request=ReasonInput, responses={201: ObligationSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the obligation: nothing is open on it any more; what was paid on it stays paid (refund it)."""
        obligation = self.get_object()
        data = validated(ReasonInput, request.data)

        def perform(key):
            cancel_obligation(obligation, reason=data["reason"], by=request.user, idempotency_key=key)
            return obligation, self._body(obligation)

        return write(request, operation="settlements.cancel_obligation", perform=perform)


class SettlementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Payments, refunds and reversals, newest first (``?kind=``, ``?party_type=&party_id=``);
    ``.../reverse/`` reverses a payment or a refund (403 without the permission, 409 if it was reversed)."""

    rbac_module = "settlements"
    serializer_class = SettlementSerializer
    filters = SettlementFilters

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Settlement.objects.none()
        rows = settlements().order_by("-recorded_at", "-id")
        query = self.filter_values() if self.action == "list" else {}
        if "party" in query:
            rows = rows.filter(_either_side("payer", "payee", query["party"]))
        if "kind" in query:
            rows = rows.filter(kind=query["kind"])
        return rows

    @extend_schema(request=ReasonInput, responses={201: SettlementSerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Record the reversal of a payment or a refund (a payment's refunds are reversed first)."""
        original = self.get_object()
        data = validated(ReasonInput, request.data)

        def perform(key):
            reversal = reverse_settlement(original, reason=data["reason"], by=request.user, idempotency_key=key)
            return reversal, settlement_body(reversal)

        return write(request, operation="settlements.reverse_settlement", perform=perform)


def settlement_body(settlement: Settlement) -> dict:
    return SettlementSerializer(settlements().get(pk=settlement.pk)).data


class PaymentView(ModuleView):
    """``POST``: record a payment, split between the obligations it settles to the minor unit (409 when it
    exceeds what is open on them)."""

    rbac_module = "settlements"
    rbac_actions = {"post": "add"}  # recording one, as a create does

    @extend_schema(request=PaymentInput, responses={201: SettlementSerializer})
    def post(self, request):
        data = validated(PaymentInput, request.data)

        def perform(key):
            payment = record_payment(**data, org=clinic_org(), by=request.user, idempotency_key=key)
            return payment, settlement_body(payment)

        return write(request, operation="settlements.record_payment", perform=perform)


class RefundView(ModuleView):
    """``POST``: give back part or all of a payment (409 beyond what is left of it); it reopens what it paid."""

    rbac_module = "settlements"
    rbac_actions = {"post": "add"}  # recording one, as a create does

    @extend_schema(request=RefundInput, responses={201: SettlementSerializer})
    def post(self, request):
        data = validated(RefundInput, request.data)
        payment = data.pop("payment")

        def perform(key):
            refund = record_refund(payment, **data, by=request.user, idempotency_key=key)
            return refund, settlement_body(refund)

        return write(request, operation="settlements.record_refund", perform=perform)


class GroupBalancesView(ModuleView):
    """A group's balances per currency and the fewest transfers that settle each (``?organization=``, default
    the clinic's group: the clinic, its staff and its contractors; ``?as_of=``)."""

    rbac_module = "settlements"
    filters = GroupQuery

    @extend_schema(responses=GroupBalancesSerializer)
    def get(self, request):
        query = self.filter_values()
        organization = query.get("organization") or clinic_org()
        if organization is None:
            raise serializers.ValidationError({"organization": ["The clinic has no organization yet: name one."]})
        return Response(group_body(group_report(organization, as_of=query.get("as_of"))))
