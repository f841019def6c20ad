"""Sequences: the defined number series and their last value; taking the next number. Module ``sequences``.

The clinic's own: the definitions of its organization, and those of no organization (every organization's
default) for the scopes it does not define itself; numbers are taken from the clinic's counters.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from api.permissions import ModuleViewSet
from api.writes import write
from clinic.models import ClinicSettings
from clinic.organizations import clinic_org
from django_basemodels.tenancy import NO_ORG, org_key
from django_sequence import last_value, next_sequence
from django_sequence.models import SequenceDefinition


class SequenceSerializer(serializers.ModelSerializer):
    last_value = serializers.SerializerMethodField(help_text="last number taken in the current period")

    class Meta:
        model = SequenceDefinition
        fields = ["scope", "prefix", "template", "padding", "period", "gap_policy", "start_value", "last_value"]

    def get_last_value(self, definition: SequenceDefinition) -> int | None:
        return last_value(definition.scope, org=clinic_org())


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

    def get_queryset(self):
        # The clinic's definitions, and the defaults (no organization) of the scopes it has none of.
        definitions = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular's schema: no clinic to ask
            return definitions
        own = org_key(clinic_org())
        mine = definitions.filter(org_key=own)
        return definitions.filter(org_key=own) | definitions.filter(org_key=NO_ORG).exclude(
            scope__in=mine.values("scope")
        )

    @extend_schema(request=None, responses={201: NumberSerializer})
    @action(detail=True, methods=["post"])
    def next(self, request, scope=None):
        definition = self.get_object()
        if definition.scope == ClinicSettings.get_instance().invoice_sequence_scope:
            raise PermissionDenied(
                "Invoice numbers are taken by billing only (POST /api/v1/clinic/visits/<id>/invoice/)."
            )

        def perform(key):
            number = next_sequence(definition.scope, org=clinic_org())
            return definition, {"scope": definition.scope, "number": number}

        return write(request, operation="sequences.next", perform=perform)
