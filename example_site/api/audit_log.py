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
            "created_at",
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


class AuditLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Entries newest first. Filters: ``?action=``, ``?model=app_label.Model``, ``?object_id=``,
    ``?request_id=``, ``?actor=<username>``."""

    rbac_module = "audit"
    serializer_class = AuditLogSerializer

    def get_queryset(self):
        entries = AuditLog.objects.all()
        params = self.request.query_params
        if params.get("action"):
            entries = entries.with_action(params["action"])
        if params.get("model"):
            entries = entries.filter(model_label=params["model"])
        if params.get("object_id"):
            entries = entries.filter(object_id=canonical_object_id(params["object_id"]))
        if params.get("request_id"):
            entries = entries.filter(request_id=params["request_id"])
        if params.get("actor"):
            entries = entries.filter(actor__username=params["actor"])
        return entries
