"""Agreements (care plans, supplier contracts): create, amend, terminate, terms as of a date. Module ``agreements``.

Terms travel in the package's typed JSON, so amounts stay exact: ``{"$decimal": "45.00"}``,
``{"$money": {"amount": "45.00", "currency": "EUR"}}``, ``{"$date": "2026-01-31"}``. A plain JSON
float anywhere in the terms is refused (400).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import JSONObjectField, reason_text
from api.permissions import ModuleViewSet
from api.schema import ERROR
from api.targets import PartyInput, target_reference
from api.writes import validated, write
from django_agreements import InvalidTerms, decode_terms, encode_terms
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.selectors import terms_as_of
from django_agreements.services import amend_agreement, create_agreement, terminate_agreement


class TermsField(JSONObjectField):
    """Terms in typed JSON, decoded to ``Decimal``/``Money``/dates on the way in, encoded on the way out."""

    def to_internal_value(self, data):
        try:
            return decode_terms(super().to_internal_value(data))
        except InvalidTerms as exc:
            raise serializers.ValidationError(str(exc))

    def to_representation(self, value):
        return encode_terms(value)


class VersionSerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AgreementVersion
        fields = ["id", "version", "kind", "terms", "reason", "author", "effective_at", "recorded_at"]


class AgreementSerializer(serializers.ModelSerializer):
    party_a = serializers.SerializerMethodField()
    party_b = serializers.SerializerMethodField()
    agreed_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)
    versions = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "scope_type",
            "party_a",
            "party_b",
            "agreed_by",
            "valid_from",
            "valid_to",
            "effective_at",
            "recorded_at",
            "versions",
        ]

    def get_party_a(self, agreement: Agreement) -> dict | None:
        return target_reference(agreement.party_a)

    def get_party_b(self, agreement: Agreement) -> dict | None:
        return target_reference(agreement.party_b)


class AgreementInput(serializers.Serializer):
    party_a = PartyInput()
    party_b = PartyInput()
    scope_type = serializers.CharField(max_length=100)
    terms = TermsField()
    effective_at = serializers.DateTimeField(required=False, default=None)
    valid_to = serializers.DateTimeField(required=False, default=None)


class AmendInput(serializers.Serializer):
    new_terms = TermsField()
    reason = reason_text()
    effective_at = serializers.DateTimeField(required=False, default=None)


class TerminateInput(serializers.Serializer):
    reason = reason_text()
    effective_at = serializers.DateTimeField(required=False, default=None)


class TermsQuery(serializers.Serializer):
    as_of = serializers.DateTimeField(required=False, default=None)
    known_at = serializers.DateTimeField(required=False, default=None)


class TermsSerializer(serializers.Serializer):
    agreement = serializers.UUIDField()
    as_of = serializers.DateTimeField()
    terms = serializers.DictField()


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Agreements with their versions; amend and terminate need authority (403 otherwise)."""

    rbac_module = "agreements"
    serializer_class = AgreementSerializer
    queryset = (
        Agreement.objects.select_related("agreed_by").prefetch_related("versions__author").order_by("-recorded_at")
    )

    def _body(self, agreement: Agreement) -> dict:
        return AgreementSerializer(self.get_queryset().get(pk=agreement.pk)).data

    @extend_schema(request=AgreementInput, responses={201: AgreementSerializer})
    def create(self, request):
        data = validated(AgreementInput, request.data)

        def perform(key):
            agreement = create_agreement(**data, agreed_by=request.user, idempotency_key=key)
            return agreement, self._body(agreement)

        return write(request, operation="agreements.create", perform=perform)

    @extend_schema(request=AmendInput, responses={201: AgreementSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        agreement = self.get_object()
        data = validated(AmendInput, request.data)

        def perform(key):
            amend_agreement(agreement, **data, by=request.user, idempotency_key=key)
            return agreement, self._body(agreement)

        return write(request, operation="agreements.amend", perform=perform)

    @extend_schema(request=TerminateInput, responses={201: AgreementSerializer})
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        agreement = self.get_object()
        data = validated(TerminateInput, request.data)

        def perform(key):
            terminate_agreement(agreement, **data, by=request.user, idempotency_key=key)
            return agreement, self._body(agreement)

        return write(request, operation="agreements.terminate", perform=perform)

    @extend_schema(parameters=[TermsQuery], responses={200: TermsSerializer, 409: ERROR})
    @action(detail=True, methods=["get"])
    def terms(self, request, pk=None):
        """The terms in force at ``?as_of=`` (default now), as known at ``?known_at=``; 409 when none are."""
        agreement = self.get_object()
        query = validated(TermsQuery, request.query_params.dict())
        when = query["as_of"] or timezone.now()
        return Response(
            {
                "agreement": agreement.pk,
                "as_of": when,
                "terms": encode_terms(terms_as_of(agreement, when, known_at=query["known_at"])),
            }
        )
