"""Sequences: the defined number series and their last value; taking the next number. Module ``sequences``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from api.permissions import ModuleViewSet
from api.writes import write
from clinic.models import ClinicSettings
from django_sequence import last_value, next_sequence
from django_sequence.models import SequenceDefinition


class SequenceSerializer(serializers.ModelSerializer):
    last_value = serializers.SerializerMethodField(help_text="last number taken in the current period")

    class Meta:
        model = SequenceDefinition
        fields = ["scope", "prefix", "template", "padding", "period", "gap_policy", "start_value", "last_value"]

    def get_last_value(self, definition: SequenceDefinition) -> int | None:
        return last_value(definition.scope)


class NumberSerializer(serializers.Serializer):
    scope = serializers.CharField()
    number = serializers.CharField()


class SequenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Defined sequences; ``POST /sequences/<scope>/next/`` takes a number.

    A retry with the same ``Idempotency-Key`` gets the same number back instead of taking another.
    The clinic's invoice numbers are gapless and belong to billing: only ``POST
    /clinic/visits/<id>/invoice/`` takes one, so ``next`` refuses their scope (403) for every role.
    """

    rbac_module = "sequences"
    queryset = SequenceDefinition.objects.order_by("scope")
    serializer_class = SequenceSerializer
    lookup_field = "scope"

    @extend_schema(request=None, responses={201: NumberSerializer})
    @action(detail=True, methods=["post"])
    def next(self, request, scope=None):
        definition = get_object_or_404(SequenceDefinition, scope=scope)
        if definition.scope == ClinicSettings.get_instance().invoice_sequence_scope:
            raise PermissionDenied(
                "Invoice numbers are taken by billing only (POST /api/v1/clinic/visits/<id>/invoice/)."
            )

        def perform(key):
            return definition, {"scope": definition.scope, "number": next_sequence(definition.scope)}

        return write(request, operation="sequences.next", perform=perform)
