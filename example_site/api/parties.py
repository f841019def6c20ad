"""Parties: persons (patients, staff) and organizations. RBAC module ``parties``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers

from api.permissions import ModuleViewSet
from api.writes import validated, write
from django_parties import services
from django_parties.models import ContactPoint, Organization, Person


class ContactPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPoint
        fields = ["id", "kind", "label", "value", "is_primary"]


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    contact_points = ContactPointSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "given_name",
            "family_name",
            "display_name",
            "birth_date",
            "contact_points",
            "created_at",
        ]


class PersonInput(serializers.Serializer):
    given_name = serializers.CharField(max_length=100, required=False, default="")
    family_name = serializers.CharField(max_length=100, required=False, default="")
    display_name = serializers.CharField(max_length=200, required=False, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    email = serializers.EmailField(required=False)
    phone = serializers.CharField(max_length=50, required=False)


class OrganizationSerializer(serializers.ModelSerializer):
    contact_points = ContactPointSerializer(many=True, read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "parent", "contact_points", "created_at"]


class OrganizationInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.CharField(max_length=50, required=False, default="")
    # A field named like Field.parent: the serializer's metaclass moves it out of the class.
    parent: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]
        queryset=Organization.objects.all(), required=False, allow_null=True
    )


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    """Persons: ``POST`` creates one (with an optional primary e-mail and phone)."""

    rbac_module = "parties"
    queryset = Person.objects.prefetch_related("contact_points").order_by("family_name", "given_name")
    serializer_class = PersonSerializer

    @extend_schema(request=PersonInput, responses={201: PersonSerializer})
    def create(self, request):
        data = validated(PersonInput, request.data)
        email, phone = data.pop("email", None), data.pop("phone", None)

        def perform(key):
            person = services.create_person(**data)
            if email:
                services.add_contact_point(party=person, kind="email", value=email, is_primary=True)
            if phone:
                services.add_contact_point(party=person, kind="phone", value=phone, is_primary=True)
            return person, PersonSerializer(self.get_queryset().get(pk=person.pk)).data

        return write(request, operation="parties.create_person", perform=perform)


class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ModuleViewSet):
    rbac_module = "parties"
    queryset = Organization.objects.prefetch_related("contact_points").order_by("name")
    serializer_class = OrganizationSerializer

    @extend_schema(request=OrganizationInput, responses={201: OrganizationSerializer})
    def create(self, request):
        data = validated(OrganizationInput, request.data)

        def perform(key):
            organization = services.create_organization(**data)
            return organization, OrganizationSerializer(organization).data

        return write(request, operation="parties.create_organization", perform=perform)
