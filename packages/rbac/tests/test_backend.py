"""RoleBackend: user.has_perm() and the admin honour the Django permissions of roles."""

import pytest

from django_rbac.backends import RoleBackend
from tests.conftest import fresh


@pytest.fixture
def medicine_editor_role(make_role):
    return make_role("medicine-editor", 30, perms=["testapp.view_medicine", "testapp.change_medicine"])


@pytest.mark.django_db
def test_global_role_permission_answers_has_perm(clerk, medicine_editor_role, grant):
    grant(clerk, medicine_editor_role)
    user = fresh(clerk)
    assert user.has_perm("testapp.change_medicine")
    assert not user.has_perm("testapp.delete_medicine")


@pytest.mark.django_db
def test_scoped_role_permission_holds_only_for_its_scope_object(
    clerk, medicine_editor_role, grant, organization, other_organization
):
    grant(clerk, medicine_editor_role, organization)
    user = fresh(clerk)
    assert user.has_perm("testapp.change_medicine", organization)
    assert not user.has_perm("testapp.change_medicine", other_organization)
    assert not user.has_perm("testapp.change_medicine")


@pytest.mark.django_db
def test_all_permissions_list_role_permissions(clerk, medicine_editor_role, grant):
    grant(clerk, medicine_editor_role)
    assert fresh(clerk).get_all_permissions() == {"testapp.view_medicine", "testapp.change_medicine"}
    assert RoleBackend().get_group_permissions(clerk) == set()


@pytest.mark.django_db
def test_module_perms_follow_the_app_label(clerk, medicine_editor_role, grant):
    grant(clerk, medicine_editor_role)
    user = fresh(clerk)
    assert user.has_module_perms("testapp")
    assert not user.has_module_perms("auth")


@pytest.mark.django_db
def test_inactive_user_gets_no_role_permission(clerk, medicine_editor_role, grant):
    grant(clerk, medicine_editor_role)
    user = fresh(clerk)
    user.is_active = False
    assert not RoleBackend().has_perm(user, "testapp.change_medicine")


@pytest.mark.django_db
def test_backend_authenticates_nobody(clerk):
    backend = RoleBackend()
    assert backend.authenticate(None, username="clerk", password="pw") is None
    assert backend.get_user(clerk.pk) is None


@pytest.mark.django_db
def test_staff_with_a_role_granting_change_opens_the_admin_changelist(client, make_user, medicine_editor_role, grant):
    editor = make_user("editor", is_staff=True)
    grant(editor, medicine_editor_role)
    client.force_login(editor)
    assert client.get("/admin/testapp/medicine/").status_code == 200


@pytest.mark.django_db
def test_staff_without_the_role_gets_403_on_the_admin_changelist(client, make_user):
    client.force_login(make_user("editor", is_staff=True))
    assert client.get("/admin/testapp/medicine/").status_code == 403


@pytest.mark.django_db
def test_staff_whose_role_ended_gets_403_on_the_admin_changelist(client, make_user, medicine_editor_role, grant, past):
    editor = make_user("editor", is_staff=True)
    grant(editor, medicine_editor_role, valid_from=past(5), valid_to=past(1))
    client.force_login(editor)
    assert client.get("/admin/testapp/medicine/").status_code == 403


@pytest.mark.django_db
def test_user_permissions_of_the_backend_are_the_role_permissions(clerk, medicine_editor_role, grant):
    grant(clerk, medicine_editor_role)
    assert RoleBackend().get_user_permissions(fresh(clerk)) == {"testapp.view_medicine", "testapp.change_medicine"}
