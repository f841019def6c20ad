"""The audit log, read-only. Module ``audit``."""

from __future__ import annotations

from rest_framework import mixins, serializers

from api.permissions import ModuleViewSet
from django_audit_log.models import AuditLog
from django_basemodels import canonical_object_id


class AuditLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditLog
        fields = [
            "id",
            "recorded_at",
            "effective_at",
            "action",
            "model_label",
            "object_id",
            "object_repr",
            "actor",
            "actor_repr",
            "changes",
            "metadata",
            "ip_address",
            "user_agent",
            "request_id",
            "sensitivity",
        ]


class AuditLogFilters(serializers.Serializer):
    action = serializers.CharField(max_length=200, required=False, help_text="e.g. api.stock.issue")
    model = serializers.CharField(max_length=200, required=False, help_text="app_label.Model")
    object_id = serializers.CharField(max_length=255, required=False)
    request_id = serializers.CharField(max_length=128, required=False)
    actor = serializers.CharField(max_length=150, required=False, help_text="a username")


class AuditLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Entries newest first. Filters: ``?action=``, ``?model=app_label.Model``, ``?object_id=``,
    ``?request_id=``, ``?actor=<username>``."""

    rbac_module = "audit"
    serializer_class = AuditLogSerializer
    filters = AuditLogFilters

    def get_queryset(self):
        entries = AuditLog.objects.all()
        query = self.filter_values() if self.action == "list" else {}
        if "action" in query:
            entries = entries.with_action(query["action"])
        if "model" in query:
            entries = entries.filter(model_label=query["model"])
        if "object_id" in query:
            entries = entries.filter(object_id=canonical_object_id(query["object_id"]))
        if "request_id" in query:
            entries = entries.filter(request_id=query["request_id"])
        if "actor" in query:
            entries = entries.filter(actor__username=query["actor"])
        return entries
