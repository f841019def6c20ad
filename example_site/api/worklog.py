"""Worklog: server-timed work sessions on a work item or a visit (start, stop, active). Module ``worklog``."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from api.permissions import ModuleAPIView, ModuleView
from api.writes import validated, write
from django_catalog.models import WorkItem
from django_encounters.models import Encounter
from django_worklog.models import WorkSession
from django_worklog.services import get_active_session, start_session, stop_session

CONTEXTS: dict[str, type[models.Model]] = {"work_item": WorkItem, "encounter": Encounter}


class WorkSessionSerializer(serializers.ModelSerializer):
    context_type = serializers.SerializerMethodField()
    # A field named like Serializer.context: the serializer's metaclass moves it out of the class.
    context = serializers.SerializerMethodField()  # type: ignore[assignment]
    elapsed_seconds = serializers.IntegerField(read_only=True)
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = WorkSession
        fields = [
            "id",
            "user",
            "context_type",
            "context_id",
            "context",
            "started_at",
            "stopped_at",
            "duration_seconds",
            "elapsed_seconds",
        ]

    def get_context_type(self, session: WorkSession) -> str:
        model = session.context_type.model_class()
        return model._meta.label if model is not None else session.context_type.model

    def get_context(self, session: WorkSession) -> str:
        return str(session.context)


class StartInput(serializers.Serializer):
    context_type = serializers.ChoiceField(choices=sorted(CONTEXTS))
    context_id = serializers.UUIDField()

    def validate(self, data):
        context = CONTEXTS[data["context_type"]]._default_manager.filter(pk=data["context_id"]).first()
        if context is None:
            raise serializers.ValidationError({"context_id": [f"No {data['context_type']} has this id."]})
        return {"context": context}


class SessionFilters(serializers.Serializer):
    user = serializers.CharField(max_length=150, required=False, help_text="a username (default: yours)")


class ActiveSessionSerializer(serializers.Serializer):
    session = WorkSessionSerializer(allow_null=True)


class StartView(ModuleView):
    """Start timing your work on a work item or a visit; a running session elsewhere is stopped first."""

    rbac_module = "worklog"

    @extend_schema(request=StartInput, responses={201: WorkSessionSerializer})
    def post(self, request):
        context = validated(StartInput, request.data)["context"]

        def perform(key):
            session = start_session(user=request.user, context=context)
            return session, WorkSessionSerializer(session).data

        return write(request, operation="worklog.start", perform=perform)


class StopView(ModuleView):
    """Stop your running session (409 when none runs)."""

    rbac_module = "worklog"

    @extend_schema(request=None, responses={200: WorkSessionSerializer})
    def post(self, request):
        def perform(key):
            session = stop_session(request.user)
            return session, WorkSessionSerializer(session).data

        return write(request, operation="worklog.stop", perform=perform, status_code=status.HTTP_200_OK)


class ActiveView(ModuleView):
    """Your running session, or ``null``."""

    rbac_module = "worklog"

    @extend_schema(responses=ActiveSessionSerializer)
    def get(self, request):
        session = get_active_session(request.user)
        return Response({"session": WorkSessionSerializer(session).data if session else None})


class SessionListView(ModuleAPIView, generics.ListAPIView):
    """Your sessions, latest first (``?user=<username>`` for someone else's)."""

    rbac_module = "worklog"
    serializer_class = WorkSessionSerializer
    filters = SessionFilters

    def get_queryset(self):
        username = self.filter_values().get("user") or self.request.user.username
        return WorkSession.objects.filter(user__username=username).select_related("user", "context_type")
