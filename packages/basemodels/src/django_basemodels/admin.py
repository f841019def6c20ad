"""Admin support for soft-deletable models: a "Deleted" filter, a restore action and a deleted column.

``django_basemodels`` registers no model itself; mix ``SoftDeleteAdminMixin`` into the
``ModelAdmin`` of any ``SoftDeleteModel`` (it must come before ``admin.ModelAdmin``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices

SHOW_LIVE = "no"
SHOW_DELETED = "yes"
SHOW_ALL = "all"


class DeletedListFilter(admin.SimpleListFilter):
    """ "Deleted: No / Yes / All", No by default (``?deleted=no|yes|all``).

    "No" is selected when the parameter is absent, so the changelist hides deleted rows until
    asked; an unknown value also shows live rows only.
    """

    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(SHOW_LIVE, _("No")), (SHOW_DELETED, _("Yes")), (SHOW_ALL, _("All"))]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        value = self.value()
        if value == SHOW_ALL:
            return queryset
        if value == SHOW_DELETED:
            return queryset.filter(deleted_at__isnull=False)
        return queryset.filter(deleted_at__isnull=True)

    def choices(self, changelist: ChangeList) -> Iterator[_ListFilterChoices]:
        # SimpleListFilter.choices() adds an "All" entry for "no parameter"; here no parameter
        # means "No", and "All" is an explicit value.
        facet_counts = self.get_facet_queryset(changelist) if changelist.add_facets else None
        current = self.value() if self.value() in (SHOW_DELETED, SHOW_ALL) else SHOW_LIVE
        for index, (lookup, title) in enumerate(self.lookup_choices):
            if facet_counts is not None:
                title = f"{title} ({facet_counts.get(f'{index}__c', '-')})"
            yield {
                "selected": current == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


class SoftDeleteAdminMixin:
    """``ModelAdmin`` mixin for a ``SoftDeleteModel``.

    - the changelist hides deleted rows by default; the "deleted" filter shows them (Yes) or
      every row (All); change pages of deleted rows stay reachable;
    - the "Restore selected ..." action (needs the change permission) restores rows in bulk;
    - a "Deleted" column shows when a row was deleted (empty for live rows);
    - deleting, from the change page or with the bulk action, soft-deletes, and the confirmation
      page lists only the selected rows, since nothing cascades;
    - autocomplete widgets of other admins still offer live rows only.
    """

    deleted_list_filter: type[admin.SimpleListFilter] = DeletedListFilter
    actions: Any  # the ModelAdmin's

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Added here rather than as a class attribute, which a ModelAdmin's own `actions` would hide.
        # `actions = None` (no actions at all) is respected.
        if self.actions is not None and "restore_selected" not in self.actions:
            self.actions = [*self.actions, "restore_selected"]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        """Every row (the filter narrows the changelist), except for autocomplete, which offers live rows."""
        if request.resolver_match is not None and request.resolver_match.url_name == "autocomplete":
            return super().get_queryset(request)  # type: ignore[misc]
        queryset = self.model.all_objects.get_queryset()  # type: ignore[attr-defined]
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset

    def get_list_filter(self, request: HttpRequest) -> Any:
        list_filter = list(super().get_list_filter(request))  # type: ignore[misc]
        if self.deleted_list_filter not in list_filter:
            list_filter.append(self.deleted_list_filter)
        return list_filter

    def get_list_display(self, request: HttpRequest) -> Any:
        list_display = list(super().get_list_display(request))  # type: ignore[misc]
        if "deleted_on" not in list_display:
            list_display.append("deleted_on")
        return list_display

    @admin.display(description=_("deleted"), ordering="deleted_at")
    def deleted_on(self, obj: models.Model) -> datetime | None:
        """When ``obj`` was soft-deleted; ``None`` (shown as the empty value) while it is live."""
        return obj.deleted_at  # type: ignore[attr-defined]

    @admin.action(description=_("Restore selected %(verbose_name_plural)s"), permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        """Restore the selected deleted rows in one UPDATE, or none if one would break a live-uniqueness rule."""
        try:
            with transaction.atomic(using=queryset.db):
                count = queryset.restore()  # type: ignore[attr-defined]
        except IntegrityError:
            self.message_user(  # type: ignore[attr-defined]
                request,
                _("Nothing was restored: a live row already holds a value that one of the selected rows needs."),
                messages.ERROR,
            )
            return
        opts = self.model._meta  # type: ignore[attr-defined]
        self.message_user(  # type: ignore[attr-defined]
            request,
            _("Restored %(count)d %(name)s.")
            % {"count": count, "name": opts.verbose_name if count == 1 else opts.verbose_name_plural},
            messages.SUCCESS,
        )

    def get_deleted_objects(
        self, objs: Iterable[models.Model], request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        # Django's version lists every row a hard delete would cascade to; a soft delete touches
        # only the selected rows and nothing protects against it.
        objs = list(objs)
        opts = self.model._meta  # type: ignore[attr-defined]
        summary = [format_html("{}: {}", capfirst(opts.verbose_name), obj) for obj in objs]
        return summary, {opts.verbose_name_plural: len(objs)}, set(), []


class OrgOwnedAdminMixin:
    """``ModelAdmin`` mixin for an ``OrgOwned`` model: the organization (``org_key``) is chosen when a row is
    added and fixed afterwards (the rows that hang off it belong to that organization).

    The field stays in the change form, disabled, rather than read-only: Django's form leaves out of its
    unique checks every constraint over a field the form does not hold, so a natural key made unique per
    organization (``unique_per_org``) is then checked as a form error instead of failing at the database.
    """

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        if obj is not None and "org_key" in form.base_fields:  # absent for a user who may only view
            form.base_fields["org_key"].disabled = True
        return form


__all__ = ["DeletedListFilter", "OrgOwnedAdminMixin", "SoftDeleteAdminMixin"]
