"""Encounters (the clinic's visits): create, transition, allowed transitions. RBAC module ``encounters``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from api.fields import ClinicSlugRelatedField, JSONObjectField
from api.permissions import ModuleViewSet
from api.writes import validated, write
from django_encounters.models import Encounter, EncounterDefinition, EncounterTransition
from django_encounters.services import create_encounter, get_allowed_transitions, transition
from django_parties.models import Person


class DefinitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = EncounterDefinition
        fields = ["id", "key", "states", "transitions", "initial_state", "terminal_states"]


class EncounterSerializer(serializers.ModelSerializer):
    definition: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="key", read_only=True)
    subject = serializers.SerializerMethodField()
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Encounter
        fields = [
            "id",
            "definition",
            "subject",
            "state",
            "started_at",
            "state_since",
            "ended_at",
            "transition_count",
            "created_by",
        ]

    def get_subject(self, encounter: Encounter) -> dict:
        return {"id": str(encounter.subject_id), "name": str(encounter.subject)}


class TransitionSerializer(serializers.ModelSerializer):
    by_user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = EncounterTransition
        fields = [
            "id",
            "sequence",
            "from_state",
            "to_state",
            "by_user",
            "metadata",
            "warnings",
            "effective_at",
            "recorded_at",
        ]


class EncounterInput(serializers.Serializer):
    definition: serializers.SlugRelatedField[Any] = ClinicSlugRelatedField(
        slug_field="key", queryset=EncounterDefinition.objects.all()
    )
    subject: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), help_text="The patient (a person id)."
    )


class TransitionInput(serializers.Serializer):
    to_state = serializers.CharField(max_length=100)
    metadata = JSONObjectField(required=False, default=dict)


class EncounterFilters(serializers.Serializer):
    state = serializers.CharField(max_length=100, required=False, help_text="visits in this state")
    definition = serializers.CharField(max_length=100, required=False, help_text="the definition's key")
    open = serializers.BooleanField(required=False, help_text="only visits not ended")


class AllowedTransitionsSerializer(serializers.Serializer):
    state = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField())


class TransitionResultSerializer(serializers.Serializer):
    encounter = EncounterSerializer()
    transition = TransitionSerializer()
    warnings = serializers.ListField(child=serializers.CharField())


class EncounterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Visits. Filters: ``?state=``, ``?definition=``, ``?open=1``."""

    rbac_module = "encounters"
    serializer_class = EncounterSerializer
    filters = EncounterFilters

    def get_queryset(self):
        encounters = self.of_clinic(
            Encounter.objects.select_related("definition", "created_by").prefetch_related("subject"),
            "definition__org_key",  # an encounter belongs to its definition's organization
        )
        if self.action != "list":
            return encounters
        query = self.filter_values()
        if "state" in query:
            encounters = encounters.in_state(query["state"])
        if "definition" in query:
            encounters = encounters.filter(definition__key=query["definition"])
        if query.get("open"):
            encounters = encounters.open()
        return encounters.order_by("-started_at")

    @extend_schema(request=EncounterInput, responses={201: EncounterSerializer})
    def create(self, request):
        data = validated(EncounterInput, request.data)

        def perform(key):
            encounter = create_encounter(
                data["definition"], subject=data["subject"], created_by=request.user, idempotency_key=key
            )
            return encounter, EncounterSerializer(encounter).data

        return write(request, operation="encounters.create", perform=perform)

    @extend_schema(request=TransitionInput, responses={201: TransitionResultSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the visit to ``to_state``; 400 when the move does not exist from here or a rule blocks it."""
        encounter = self.get_object()
        data = validated(TransitionInput, request.data)

        def perform(key):
            result = transition(
                encounter, data["to_state"], by_user=request.user, metadata=data["metadata"], idempotency_key=key
            )
            body = {
                "encounter": EncounterSerializer(result.encounter).data,
                "transition": TransitionSerializer(result.transition).data,
                "warnings": [issue.message for issue in result.warnings],
            }
            return result.encounter, body

        return write(request, operation="encounters.transition", perform=perform)

    @extend_schema(responses=AllowedTransitionsSerializer)
    @action(detail=True, methods=["get"], url_path="allowed-transitions")
    def allowed_transitions(self, request, pk=None):
        """The states the visit may move to now, for the signed-in user (rules run again on the move)."""
        encounter = self.get_object()
        return Response({"state": encounter.state, "allowed": get_allowed_transitions(encounter, request.user)})

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def transitions(self, request, pk=None):
        """Every move of the visit, oldest first."""
        moves = self.get_object().transitions.select_related("by_user").order_by("sequence")
        return Response(TransitionSerializer(moves, many=True).data)


class DefinitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    rbac_module = "encounters"
    queryset = EncounterDefinition.objects.order_by("key")
    serializer_class = DefinitionSerializer

    def get_queryset(self):
        return self.of_clinic(super().get_queryset())

    lookup_field = "key"
