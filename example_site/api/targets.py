"""What documents, notes and agreements may be about, and who agreements and settlements are between: a short name
per model, and the inputs that name one."""

from __future__ import annotations

from django.db import models
from rest_framework import serializers

from clinic.models import Invoice
from django_encounters.models import Encounter
from django_parties.models import Organization, Person

TARGETS: dict[str, type[models.Model]] = {
    "person": Person,
    "organization": Organization,
    "encounter": Encounter,
    "invoice": Invoice,
}
NAMES = {model: name for name, model in TARGETS.items()}


class TargetInput(serializers.Serializer):
    """``target_type`` (one of ``TARGETS``) and ``target_id``; validated data holds ``target``, the instance."""

    target_type = serializers.ChoiceField(choices=sorted(TARGETS))
    target_id = serializers.UUIDField()

    def validate(self, data):
        model = TARGETS[data.pop("target_type")]
        target = model._default_manager.filter(pk=data.pop("target_id")).first()
        if target is None:
            raise serializers.ValidationError({"target_id": [f"No {model._meta.verbose_name} has this id."]})
        return {**data, "target": target}


class TargetFilter(serializers.Serializer):
    """``?target_type=&target_id=``: both or neither; validated data holds ``target`` when given."""

    target_type = serializers.ChoiceField(choices=sorted(TARGETS), required=False)
    target_id = serializers.UUIDField(required=False)

    def validate(self, data):
        if not data:
            return data
        if set(data) != {"target_type", "target_id"}:
            raise serializers.ValidationError({"target_id": ["Give target_type and target_id together."]})
        return TargetInput.validate(self, data)  # type: ignore[arg-type]  # the same two fields, optional here


class PartyInput(serializers.Serializer):
    """A party of an agreement or a settlement, ``{"type": "person", "id": ...}``; validated, it is the instance."""

    type = serializers.ChoiceField(choices=["person", "organization"])
    id = serializers.UUIDField()

    def validate(self, data):
        party = TARGETS[data["type"]]._default_manager.filter(pk=data["id"]).first()
        if party is None:
            raise serializers.ValidationError({"id": [f"No {data['type']} has this id."]})
        return party


class ReferenceSerializer(serializers.Serializer):
    """A party or a record: its short type (``person``, ``organization``...), its id and its name."""

    type = serializers.CharField()
    id = serializers.CharField()
    name = serializers.CharField()


def target_reference(obj) -> dict | None:
    """``{"type": "person", "id": ..., "name": ...}`` for the API's answers."""
    if obj is None:
        return None
    return {"type": NAMES.get(type(obj), obj._meta.label_lower), "id": str(obj.pk), "name": str(obj)}
