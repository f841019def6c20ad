"""Admin for roles and assignments. Every save and delete goes through ``django_rbac.services``.

Choices are limited to what the signed-in user may manage, and each form re-runs the service's
checks, so a crafted POST (a forbidden role or user id) is refused without a write. Deleting an
assignment revokes it (ends its period); the row stays as history.

The admin is the site's, across organizations: a role's organization (``org_key``) is shown and
filtered on, read-only (a role made here has none; ``create_role(org=...)`` makes one of an
organization), and the services' checks judge each change within the role's organization.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from django_rbac import selectors, services
from django_rbac.exceptions import RBACError
from django_rbac.models import Role, UserRole
from django_rbac.querysets import UserRoleQuerySet
from django_rbac.services.rules import org_of_key


class ModulePermissionsField(forms.Field):
    """A textarea of ``module.action`` strings, one per line (or comma-separated)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list):
            return "\n".join(value)
        return value or ""

    def to_python(self, value: Any) -> list[str]:
        text = "" if value in self.empty_values else str(value)
        return sorted({item.strip() for item in text.replace(",", "\n").splitlines() if item.strip()})


def _refusal(exc: RBACError) -> ValidationError:
    return ValidationError(str(exc), code=type(exc).__name__)


class RoleForm(forms.ModelForm):
    module_permissions = ModulePermissionsField(required=False, help_text='One "module.action" per line.')

    class Meta:
        model = Role
        fields = ["name", "slug", "description", "hierarchy_level", "permissions", "module_permissions"]

    request: HttpRequest

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "permissions" in self.fields:
            cast(forms.ModelMultipleChoiceField, self.fields["permissions"]).queryset = _grantable_permissions(
                self.request.user, self.instance
            )

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # a private hook of BaseModelForm the stubs leave out
        if self.errors:
            return
        before_permissions: set[Permission] = set()
        before_modules: set[str] = set()
        if not self.instance._state.adding:
            stored = Role.objects.get(pk=self.instance.pk)
            before_permissions = set(stored.permissions.all())
            before_modules = set(stored.module_permissions)
        try:
            services.check_role_definition(
                by=self.request.user,
                role=self.instance,
                added_permissions=set(self.cleaned_data.get("permissions", [])) - before_permissions,
                added_module_permissions=set(self.cleaned_data.get("module_permissions", [])) - before_modules,
            )
        except RBACError as exc:
            self.add_error(None, _refusal(exc))


def _grantable_permissions(user: Any, role: Role) -> QuerySet[Permission]:
    """Permissions ``user`` holds, plus those already on ``role`` (which may stay)."""
    permissions = Permission.objects.select_related("content_type")
    if getattr(user, "is_superuser", False) and user.is_active:
        return permissions.all()
    held = Q(pk__in=[])
    for name in user.get_all_permissions():
        app_label, _, codename = name.partition(".")
        held |= Q(content_type__app_label=app_label, codename=codename)
    if not role._state.adding:
        held |= Q(pk__in=role.permissions.values("pk"))
    return permissions.filter(held)


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    form = RoleForm
    list_display = ["name", "slug", "org_key", "hierarchy_level"]
    list_filter = ["org_key"]
    search_fields = ["name", "slug", "org_key"]
    readonly_fields = ["org_key"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["permissions"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def _below_me(self, request: HttpRequest, obj: Role | None) -> bool:
        return obj is None or obj.hierarchy_level < selectors.global_hierarchy_level(
            request.user, org=org_of_key(obj.org_key)
        )

    def has_change_permission(self, request: HttpRequest, obj: Role | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._below_me(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Role | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._below_me(request, obj)

    def save_model(self, request: HttpRequest, obj: Role, form: RoleForm, change: bool) -> None:
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "slug": data["slug"],
            "description": data["description"],
            "hierarchy_level": data["hierarchy_level"],
            "permissions": list(data["permissions"]),
            "module_permissions": data["module_permissions"],
        }
        if change:
            saved = services.update_role(by=request.user, role=obj, **fields)
        else:
            saved = services.create_role(by=request.user, **fields)
        obj.pk, obj._state.adding, obj._state.db = saved.pk, False, saved._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # The service already set the permissions; the form's own save_m2m would write around it.
        for formset in formsets:  # pragma: no cover  (no inlines)
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request: HttpRequest, obj: Role) -> None:
        services.delete_role(by=request.user, role=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Role]) -> None:
        with transaction.atomic():
            for role in queryset:
                services.delete_role(by=request.user, role=role)


ASSIGNMENT_ADD_FIELDS = ["user", "role", "scope_type", "scope_id", "valid_from", "valid_to"]


class AssignmentAddForm(forms.ModelForm):
    class Meta:
        model = UserRole
        fields = ASSIGNMENT_ADD_FIELDS

    request: HttpRequest

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["user"]).queryset = selectors.manageable_users(self.request.user)
        cast(forms.ModelChoiceField, self.fields["role"]).queryset = selectors.get_manageable_roles(self.request.user)
        self.fields["valid_from"].required = False
        self.scope: models.Model | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        scope_type: ContentType | None = data.get("scope_type")
        scope_id = (data.get("scope_id") or "").strip()
        if bool(scope_type) != bool(scope_id):
            raise ValidationError("Give both the scope type and the scope id, or neither.")
        if scope_type is not None:
            try:
                self.scope = scope_type.get_object_for_this_type(pk=scope_id)
            except (ObjectDoesNotExist, ValueError, ValidationError):
                raise ValidationError(f"No {scope_type} with id {scope_id!r}.")
        if self.errors or "user" not in data or "role" not in data:
            return data
        try:
            services.check_assignment(
                by=self.request.user,
                user=data["user"],
                role=data["role"],
                scope=self.scope,
                valid_from=data.get("valid_from"),
                valid_to=data.get("valid_to"),
            )
        except RBACError as exc:
            raise _refusal(exc)
        return data

    def _post_clean(self) -> None:
        # The model's own validation needs a start; the service sets the same default.
        if self.cleaned_data.get("valid_from") is None:
            self.cleaned_data["valid_from"] = timezone.now()
        super()._post_clean()  # type: ignore[misc]  # a private hook of BaseModelForm the stubs leave out


NOW_TOLERANCE = timedelta(minutes=1)


class AssignmentEndForm(forms.ModelForm):
    class Meta:
        model = UserRole
        fields = ["valid_to"]

    request: HttpRequest

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "valid_to" in self.fields:  # absent when the assignment is shown read-only
            self.fields["valid_to"].required = True
            self.fields["valid_to"].help_text = "End of this assignment (now or later). An end cannot be removed."

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        end = data.get("valid_to")
        if end is not None and timezone.now() - NOW_TOLERANCE <= end <= timezone.now():
            # The widget's "Now" is seconds old once posted: read it as "now", not as a backdated end.
            data["valid_to"] = end = None
        if "valid_to" in data:
            try:
                services.check_revocation(by=self.request.user, assignment=self.instance, at=end)
            except RBACError as exc:
                raise _refusal(exc)
        return data


@admin.register(UserRole)
class UserRoleAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "role",
        "role_org_key",
        "scope_label",
        "valid_from",
        "valid_to",
        "assigned_by",
        "revoked_by",
    ]
    list_filter = ["role__org_key", "role"]
    list_select_related = ["user", "role", "scope_type", "assigned_by", "revoked_by"]
    search_fields = ["role__name", "role__slug"]
    actions = ["revoke_selected"]

    @admin.display(description="organization", ordering="role__org_key")
    def role_org_key(self, obj: UserRole) -> str:
        return obj.role.org_key

    @admin.display(description="scope")
    def scope_label(self, obj: UserRole) -> str:
        if obj.scope_type is None:
            return "everywhere"
        return f"{obj.scope_type.app_label}.{obj.scope_type.model}:{obj.scope_id}"

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        kwargs["form"] = AssignmentEndForm if obj is not None else AssignmentAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return list(ASSIGNMENT_ADD_FIELDS)
        return ["user", "role", "scope_label", "valid_from", "assigned_by", "valid_to", "revoked_by"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        readonly = ["user", "role", "scope_label", "valid_from", "assigned_by", "revoked_by"]
        return readonly if self._not_ended(obj) and self._can_revoke(request, obj) else [*readonly, "valid_to"]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @staticmethod
    def _not_ended(obj: UserRole) -> bool:
        return obj.valid_to is None or obj.valid_to > timezone.now()

    @staticmethod
    def _can_revoke(request: HttpRequest, obj: UserRole) -> bool:
        try:
            services.check_revocation(by=request.user, assignment=obj)
        except RBACError:
            return False
        return True

    def has_change_permission(self, request: HttpRequest, obj: UserRole | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or (self._not_ended(obj) and self._can_revoke(request, obj))

    def has_delete_permission(self, request: HttpRequest, obj: UserRole | None = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or (self._not_ended(obj) and self._can_revoke(request, obj))

    def save_model(self, request: HttpRequest, obj: UserRole, form: Any, change: bool) -> None:
        if change:
            services.revoke_role(by=request.user, user_role=obj, at=obj.valid_to)
            return
        saved = services.assign_role(
            by=request.user,
            user=obj.user,
            role=obj.role,
            scope=form.scope,
            valid_from=form.cleaned_data.get("valid_from"),
            valid_to=obj.valid_to,
        )
        obj.pk, obj.valid_from, obj.assigned_by = saved.pk, saved.valid_from, saved.assigned_by
        obj._state.adding, obj._state.db = False, saved._state.db

    def delete_model(self, request: HttpRequest, obj: UserRole) -> None:
        services.revoke_role(by=request.user, user_role=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UserRole]) -> None:
        with transaction.atomic():
            # The admin's queryset comes from UserRole.objects, a UserRoleQuerySet.
            for assignment in cast(UserRoleQuerySet, queryset).not_ended():
                services.revoke_role(by=request.user, user_role=assignment)

    @admin.action(description="Revoke the selected assignments (end them now)", permissions=["delete"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[UserRole]) -> None:
        try:
            self.delete_queryset(request, queryset)
        except RBACError as exc:
            self.message_user(request, f"Nothing was revoked: {exc}", level=messages.ERROR)
            return
        self.message_user(request, "The selected assignments were revoked.", level=messages.SUCCESS)


__all__ = ["RoleAdmin", "UserRoleAdmin"]
