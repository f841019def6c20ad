"""create_role / update_role / delete_role: nobody defines power at or above their own, or that they lack."""

from contextlib import contextmanager

import pytest
from django.contrib.auth.models import Permission

from django_rbac import services
from django_rbac.exceptions import (
    InactiveActorError,
    InvalidRoleError,
    PermissionNotHeldError,
    RoleLevelTooHighError,
)
from django_rbac.models import Role
from tests.conftest import row_counts


@contextmanager
def refused(exception):
    before = (row_counts(), list(Role.objects.order_by("pk").values_list("pk", "name", "hierarchy_level")))
    with pytest.raises(exception):
        yield
    assert (row_counts(), list(Role.objects.order_by("pk").values_list("pk", "name", "hierarchy_level"))) == before


@pytest.mark.django_db
def test_create_role_with_held_permissions(manager):
    role = services.create_role(
        by=manager,
        name="Nurse",
        slug="nurse",
        hierarchy_level=30,
        permissions=["testapp.view_medicine"],
        module_permissions=["practice.view", "practice.edit"],
    )
    assert [p.codename for p in role.permissions.all()] == ["view_medicine"]
    assert role.module_permissions == ["practice.edit", "practice.view"]


@pytest.mark.django_db
def test_superuser_creates_a_role_with_any_permission(make_user):
    root = make_user("root", is_superuser=True)
    role = services.create_role(
        by=root, name="Deputy", slug="deputy", hierarchy_level=99, permissions=["auth.change_permission"]
    )
    assert role.permissions.get().codename == "change_permission"


@pytest.mark.django_db
def test_creating_a_role_at_own_level_is_refused(manager):
    with refused(RoleLevelTooHighError):
        services.create_role(by=manager, name="Peer", slug="peer", hierarchy_level=60)


@pytest.mark.django_db
def test_creating_a_role_with_a_permission_not_held_is_refused(manager):
    with refused(PermissionNotHeldError):
        services.create_role(
            by=manager, name="Nurse", slug="nurse", hierarchy_level=30, permissions=["testapp.delete_medicine"]
        )


@pytest.mark.django_db
def test_creating_a_role_with_a_module_permission_not_held_is_refused(manager):
    with refused(PermissionNotHeldError):
        services.create_role(
            by=manager, name="Nurse", slug="nurse", hierarchy_level=30, module_permissions=["billing.*"]
        )


@pytest.mark.django_db
def test_creating_a_role_with_a_duplicate_slug_is_refused(manager, staff_role):
    with refused(InvalidRoleError):
        services.create_role(by=manager, name="Staff again", slug="staff", hierarchy_level=10)


@pytest.mark.django_db
def test_creating_a_role_with_a_malformed_slug_is_refused(manager):
    with refused(InvalidRoleError):
        services.create_role(by=manager, name="Nurse", slug="head nurse!", hierarchy_level=10)


@pytest.mark.django_db
def test_creating_a_role_with_an_unknown_permission_is_refused(manager):
    with refused(InvalidRoleError):
        services.create_role(by=manager, name="Nurse", slug="nurse", hierarchy_level=1, permissions=["no.such_perm"])


@pytest.mark.django_db
def test_creating_a_role_with_a_malformed_module_permission_is_refused(manager):
    with refused(InvalidRoleError):
        services.create_role(by=manager, name="Nurse", slug="nurse", hierarchy_level=1, module_permissions=["view"])


@pytest.mark.django_db
def test_creating_a_role_as_an_inactive_user_is_refused(manager):
    manager.is_active = False
    with refused(InactiveActorError):
        services.create_role(by=manager, name="Nurse", slug="nurse", hierarchy_level=1)


@pytest.mark.django_db
def test_update_role_changes_only_the_given_fields(manager, staff_role):
    role = services.update_role(by=manager, role=staff_role, name="Staff member", module_permissions=["billing.view"])
    assert (role.name, role.slug, role.hierarchy_level, role.module_permissions) == (
        "Staff member",
        "staff",
        20,
        ["billing.view"],
    )


@pytest.mark.django_db
def test_update_role_sets_permissions(manager, staff_role):
    services.update_role(by=manager, role=staff_role, permissions=[Permission.objects.get(codename="view_medicine")])
    assert staff_role.permissions.get().codename == "view_medicine"


@pytest.mark.django_db
def test_permission_already_on_a_role_may_stay_when_the_editor_lacks_it(manager, make_role):
    role = make_role("pharmacist", 30, modules=["stock.post"], perms=["testapp.delete_medicine"])
    services.update_role(by=manager, role=role, name="Pharmacist")
    assert Role.objects.get(pk=role.pk).name == "Pharmacist"


@pytest.mark.django_db
def test_raising_a_role_to_own_level_is_refused(manager, staff_role):
    with refused(RoleLevelTooHighError):
        services.update_role(by=manager, role=staff_role, hierarchy_level=60)


@pytest.mark.django_db
def test_editing_a_superior_role_is_refused_even_when_lowering_it(manager, director_role):
    with refused(RoleLevelTooHighError):
        services.update_role(by=manager, role=director_role, hierarchy_level=10)


@pytest.mark.django_db
def test_editing_own_role_is_refused(manager):
    own = Role.objects.get(slug="manager")
    with refused(RoleLevelTooHighError):
        services.update_role(by=manager, role=own, module_permissions=["billing.*"])


@pytest.mark.django_db
def test_adding_a_permission_not_held_to_a_junior_role_is_refused(manager, staff_role):
    with refused(PermissionNotHeldError):
        services.update_role(by=manager, role=staff_role, permissions=["testapp.delete_medicine"])


@pytest.mark.django_db
def test_updating_an_unsaved_role_is_refused(manager):
    with refused(InvalidRoleError):
        services.update_role(by=manager, role=Role(name="x", slug="x", hierarchy_level=1), name="y")


@pytest.mark.django_db
def test_delete_role_removes_an_unused_junior_role(manager, staff_role):
    services.delete_role(by=manager, role=staff_role)
    assert not Role.objects.filter(pk=staff_role.pk).exists()


@pytest.mark.django_db
def test_deleting_a_superior_role_is_refused(manager, director_role):
    with refused(RoleLevelTooHighError):
        services.delete_role(by=manager, role=director_role)


@pytest.mark.django_db
def test_deleting_a_role_with_assignments_is_refused(manager, clerk, staff_role, grant, past):
    grant(clerk, staff_role, valid_from=past(10), valid_to=past(5))
    with refused(InvalidRoleError):
        services.delete_role(by=manager, role=staff_role)


@pytest.mark.django_db
def test_deleting_an_unsaved_role_is_refused(manager):
    with refused(InvalidRoleError):
        services.delete_role(by=manager, role=Role(name="x", slug="x", hierarchy_level=1))
