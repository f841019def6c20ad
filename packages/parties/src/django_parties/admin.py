"""Admin for parties, their relationships and contact points; deleting there soft-deletes."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import admin

from django_basemodels.admin import SoftDeleteAdminMixin
from django_parties import conf
from django_parties.models import ContactPoint, Group, Organization, PartyRelationship, Person

_SIDE_FIELDS = tuple(f"{side}_{kind}" for side in ("from", "to") for kind in ("person", "organization", "group"))
_ADDRESS_FIELDS = ("line1", "line2", "city", "region", "postal_code", "country")


def _relationship_type_choices() -> list[tuple[str, str]]:
    # Read at form time, not at import, so a changed PARTIES_RELATIONSHIP_TYPES needs no restart of the admin module.
    return list(conf.relationship_types())


class PartyRelationshipForm(forms.ModelForm):
    """Offers the types of ``PARTIES_RELATIONSHIP_TYPES`` (the model field has no choices, by design)."""

    relationship_type = forms.ChoiceField(choices=_relationship_type_choices)

    class Meta:
        model = PartyRelationship
        fields = [*_SIDE_FIELDS, "relationship_type", "valid_from", "valid_to"]


class ContactPointInlineFormSet(forms.BaseInlineFormSet):
    """Refuses two primary contact points of one kind among the submitted rows.

    Inline forms skip the party's constraints (the party is their inline foreign key), so the
    one-primary-per-kind rule is checked here, on the submitted rows rather than on the stored
    ones: moving the flag from one row to another in one save is accepted.
    """

    def clean(self) -> None:
        super().clean()
        primaries = Counter(
            form.cleaned_data.get("kind")
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("is_primary")
            and not form.cleaned_data.get("DELETE")
        )
        clashes = sorted(str(kind) for kind, count in primaries.items() if count > 1)
        if clashes:
            raise forms.ValidationError(f"Only one primary contact point per kind: {', '.join(clashes)}.")


class ContactPointInline(admin.TabularInline):
    model = ContactPoint
    formset = ContactPointInlineFormSet
    fields = ["kind", "label", "value", *_ADDRESS_FIELDS, "is_primary"]
    extra = 0


def _relationship_inline(side: str, kind: str) -> type[admin.TabularInline]:
    """An inline of the relationships whose ``<side>_<kind>`` is the party being edited."""
    other = "to" if side == "from" else "from"
    other_fields = [f"{other}_{name}" for name in ("person", "organization", "group")]
    return type(
        f"{side.title()}{kind.title()}RelationshipInline",
        (admin.TabularInline,),
        {
            "model": PartyRelationship,
            "form": PartyRelationshipForm,
            "fk_name": f"{side}_{kind}",
            "fields": ["relationship_type", *other_fields, "valid_from", "valid_to"],
            "raw_id_fields": other_fields,
            "extra": 0,
            "verbose_name": "relationship" if side == "from" else "relationship to this party",
            "verbose_name_plural": "relationships" if side == "from" else "relationships to this party",
        },
    )


@admin.register(Person)
class PersonAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "given_name", "family_name", "birth_date", "user"]
    search_fields = ["given_name", "family_name", "display_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["merged_into"]
    inlines = [ContactPointInline, _relationship_inline("from", "person"), _relationship_inline("to", "person")]


@admin.register(Organization)
class OrganizationAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    list_select_related = ["parent"]
    search_fields = ["name"]
    raw_id_fields = ["parent"]
    readonly_fields = ["merged_into"]
    inlines = [
        ContactPointInline,
        _relationship_inline("from", "organization"),
        _relationship_inline("to", "organization"),
    ]


@admin.register(Group)
class GroupAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    list_display = ["name", "description"]
    search_fields = ["name"]
    readonly_fields = ["merged_into"]
    inlines = [ContactPointInline, _relationship_inline("from", "group"), _relationship_inline("to", "group")]


@admin.register(PartyRelationship)
class PartyRelationshipAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    form = PartyRelationshipForm
    list_display = ["__str__", "relationship_type", "valid_from", "valid_to"]
    list_filter = ["relationship_type"]
    list_select_related = list(_SIDE_FIELDS)
    raw_id_fields = list(_SIDE_FIELDS)
    date_hierarchy = "valid_from"


@admin.register(ContactPoint)
class ContactPointAdmin(SoftDeleteAdminMixin, admin.ModelAdmin):
    list_display = ["value", "kind", "label", "party", "is_primary"]
    list_filter = ["kind", "is_primary"]
    list_select_related = ["person", "organization", "group"]
    search_fields = ["value"]
    raw_id_fields = ["person", "organization", "group"]
    fields = ["person", "organization", "group", "kind", "label", "value", *_ADDRESS_FIELDS, "is_primary"]
