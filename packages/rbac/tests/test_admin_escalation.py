"""The admin as an attacker would use it: crafted POSTs with forbidden ids are refused and write nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from django_rbac.models import Role, UserRole
from tests.conftest import row_counts, state_of_assignments

ADD_URL = "/admin/django_rbac/userrole/add/"
ROLE_ADD_URL = "/admin/django_rbac/role/add/"


def change_url(obj):
    return f"/admin/django_rbac/{obj._meta.model_name}/{obj.pk}/change/"


def delete_url(obj):
    return f"/admin/django_rbac/{obj._meta.model_name}/{obj.pk}/delete/"


def split(moment):
    local = timezone.localtime(moment)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def snapshot():
    return (
        row_counts(),
        state_of_assignments(),
        list(Role.objects.order_by("pk").values_list("pk", "name", "hierarchy_level", "module_permissions")),
    )


@pytest.fixture
def admin_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def boss(make_user, director_role, grant):
    user = make_user("boss")
    grant(user, director_role)
    return user


@pytest.fixture
def peer(make_user, supervisor_role, grant):
    user = make_user("peer")
    grant(user, supervisor_role)
    return user


def add_assignment(client, **fields):
    data = {"user": "", "role": "", "scope_type": "", "scope_id": "", "valid_from_0": "", "valid_from_1": ""}
    data.update({"valid_to_0": "", "valid_to_1": ""}, **{k: str(v) for k, v in fields.items()})
    return client.post(ADD_URL, data)


# --- assignments: adding ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_form_offers_only_manageable_roles_and_users(admin_client, clerk, boss, peer, staff_role, manager):
    form = admin_client.get(ADD_URL).context["adminform"].form
    assert set(form.fields["role"].queryset) == {staff_role}
    assert set(form.fields["user"].queryset) == {clerk}


@pytest.mark.django_db
def test_adding_through_the_admin_goes_through_the_service(admin_client, manager, clerk, staff_role):
    response = add_assignment(admin_client, user=clerk.pk, role=staff_role.pk)
    assert response.status_code == 302
    assignment = UserRole.objects.get(user=clerk)
    assert (assignment.role, assignment.assigned_by, assignment.valid_to) == (staff_role, manager, None)


@pytest.mark.django_db
def test_adding_a_scoped_assignment_through_the_admin(admin_client, clerk, staff_role, organization):
    org_type = ContentType.objects.get_for_model(organization)
    response = add_assignment(
        admin_client, user=clerk.pk, role=staff_role.pk, scope_type=org_type.pk, scope_id=organization.pk
    )
    assert response.status_code == 302
    assert UserRole.objects.get(user=clerk).scope == organization


@pytest.mark.django_db
@pytest.mark.parametrize("scope_id", ["", "00000000000000000000000000000000", "not-a-uuid"])
def test_incomplete_or_unknown_scope_is_refused(admin_client, clerk, staff_role, organization, scope_id):
    before = snapshot()
    org_type = ContentType.objects.get_for_model(organization)
    response = add_assignment(
        admin_client, user=clerk.pk, role=staff_role.pk, scope_type=org_type.pk, scope_id=scope_id
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_crafted_post_with_a_superior_role_id_is_refused(admin_client, clerk, director_role):
    before = snapshot()
    response = add_assignment(admin_client, user=clerk.pk, role=director_role.pk)
    assert "role" in response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_crafted_post_with_an_equal_level_role_id_is_refused(admin_client, clerk, supervisor_role):
    before = snapshot()
    response = add_assignment(admin_client, user=clerk.pk, role=supervisor_role.pk)
    assert "role" in response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_crafted_post_assigning_to_oneself_is_refused(admin_client, manager, staff_role):
    before = snapshot()
    response = add_assignment(admin_client, user=manager.pk, role=staff_role.pk)
    assert "user" in response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_crafted_post_assigning_to_a_superior_is_refused(admin_client, boss, staff_role):
    before = snapshot()
    response = add_assignment(admin_client, user=boss.pk, role=staff_role.pk)
    assert "user" in response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_duplicate_assignment_through_the_admin_shows_the_service_refusal(admin_client, clerk, staff_role, grant):
    grant(clerk, staff_role)
    before = snapshot()
    response = add_assignment(admin_client, user=clerk.pk, role=staff_role.pk)
    assert "already holds" in str(response.context["adminform"].form.non_field_errors())
    assert snapshot() == before


@pytest.mark.django_db
def test_staff_without_roles_cannot_open_the_add_form(client, make_user):
    client.force_login(make_user("intruder", is_staff=True))
    assert client.get(ADD_URL).status_code == 403


# --- assignments: changing and deleting (revoking) -------------------------------------------------------


@pytest.mark.django_db
def test_setting_an_end_through_the_admin_revokes_at_that_moment(admin_client, manager, clerk, staff_role, grant):
    assignment = grant(clerk, staff_role)
    end = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    date, time = split(end)
    response = admin_client.post(change_url(assignment), {"valid_to_0": date, "valid_to_1": time})
    assert response.status_code == 302
    stored = UserRole.objects.get(pk=assignment.pk)
    assert (stored.valid_to, stored.revoked_by) == (end, manager)


@pytest.mark.django_db
def test_backdating_an_end_through_the_admin_is_refused(admin_client, clerk, staff_role, grant):
    assignment = grant(clerk, staff_role, valid_from=timezone.now() - timedelta(days=9))
    before = snapshot()
    date, time = split(timezone.now() - timedelta(days=3))
    response = admin_client.post(change_url(assignment), {"valid_to_0": date, "valid_to_1": time})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_changing_a_superior_assignment_through_the_admin_is_forbidden(admin_client, boss):
    assignment = UserRole.objects.get(user=boss)
    before = snapshot()
    date, time = split(timezone.now() + timedelta(days=1))
    assert admin_client.post(change_url(assignment), {"valid_to_0": date, "valid_to_1": time}).status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_superior_assignment_is_shown_read_only(admin_client, boss):
    response = admin_client.get(change_url(UserRole.objects.get(user=boss)))
    assert response.status_code == 200
    assert "valid_to" not in response.context["adminform"].form.fields


@pytest.mark.django_db
def test_changing_own_assignment_through_the_admin_is_forbidden(admin_client, manager):
    own = UserRole.objects.get(user=manager)
    before = snapshot()
    date, time = split(timezone.now() + timedelta(days=1))
    assert admin_client.post(change_url(own), {"valid_to_0": date, "valid_to_1": time}).status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_deleting_in_the_admin_revokes_and_keeps_the_row(admin_client, manager, clerk, staff_role, grant):
    assignment = grant(clerk, staff_role)
    response = admin_client.post(delete_url(assignment), {"post": "yes"})
    assert response.status_code == 302
    stored = UserRole.objects.get(pk=assignment.pk)
    assert stored.valid_to is not None and stored.revoked_by == manager


@pytest.mark.django_db
def test_deleting_a_superior_assignment_in_the_admin_is_forbidden(admin_client, boss):
    assignment = UserRole.objects.get(user=boss)
    before = snapshot()
    assert admin_client.get(delete_url(assignment)).status_code == 403
    assert admin_client.post(delete_url(assignment), {"post": "yes"}).status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_revoke_action_refuses_the_whole_batch_when_one_is_out_of_reach(admin_client, clerk, boss, staff_role, grant):
    mine = grant(clerk, staff_role)
    theirs = UserRole.objects.get(user=boss)
    before = snapshot()
    response = admin_client.post(
        "/admin/django_rbac/userrole/",
        {"action": "revoke_selected", "_selected_action": [mine.pk, theirs.pk]},
        follow=True,
    )
    assert "Nothing was revoked" in response.content.decode()
    assert snapshot() == before


@pytest.mark.django_db
def test_revoke_action_revokes_juniors(admin_client, clerk, make_user, staff_role, grant):
    first = grant(clerk, staff_role)
    second = grant(make_user("junior"), staff_role)
    response = admin_client.post(
        "/admin/django_rbac/userrole/", {"action": "revoke_selected", "_selected_action": [first.pk, second.pk]}
    )
    assert response.status_code == 302
    assert not UserRole.objects.filter(pk__in=[first.pk, second.pk], valid_to__isnull=True).exists()


@pytest.mark.django_db
def test_bulk_delete_action_is_not_offered(admin_client):
    response = admin_client.get("/admin/django_rbac/userrole/")
    assert "delete_selected" not in response.context["action_form"].fields["action"].choices.__repr__()


@pytest.mark.django_db
def test_changelist_shows_scopes(admin_client, clerk, staff_role, grant, organization):
    grant(clerk, staff_role, organization)
    content = admin_client.get("/admin/django_rbac/userrole/").content.decode()
    assert f"testapp.organization:{organization.pk.hex}" in content
    assert "everywhere" in content


# --- roles ------------------------------------------------------------------------------------------------


def role_data(**fields):
    data = {"name": "Nurse", "slug": "nurse", "description": "", "hierarchy_level": "30", "module_permissions": ""}
    data.update(fields)
    return data


@pytest.mark.django_db
def test_role_form_offers_only_permissions_the_editor_holds(admin_client):
    offered = admin_client.get(ROLE_ADD_URL).context["adminform"].form.fields["permissions"].queryset
    assert "delete_medicine" not in {p.codename for p in offered}
    assert "view_medicine" in {p.codename for p in offered}


@pytest.mark.django_db
def test_creating_a_role_through_the_admin(admin_client):
    view = Permission.objects.get(codename="view_medicine")
    response = admin_client.post(
        ROLE_ADD_URL, role_data(permissions=[view.pk], module_permissions="practice.view\npractice.edit")
    )
    assert response.status_code == 302
    role = Role.objects.get(slug="nurse")
    assert list(role.permissions.all()) == [view]
    assert role.module_permissions == ["practice.edit", "practice.view"]


@pytest.mark.django_db
def test_creating_a_role_with_a_slug_in_use_through_the_admin_is_a_form_error(admin_client, staff_role):
    before = snapshot()
    response = admin_client.post(ROLE_ADD_URL, role_data(slug="staff"))
    assert "exists already" in str(response.context["adminform"].form.non_field_errors())
    assert snapshot() == before


@pytest.mark.django_db
def test_creating_a_role_at_own_level_through_the_admin_is_refused(admin_client):
    before = snapshot()
    response = admin_client.post(ROLE_ADD_URL, role_data(hierarchy_level="60"))
    assert response.context["adminform"].form.non_field_errors()
    assert snapshot() == before


@pytest.mark.django_db
def test_crafted_post_with_a_permission_not_held_is_refused(admin_client):
    before = snapshot()
    forbidden = Permission.objects.get(codename="delete_medicine")
    response = admin_client.post(ROLE_ADD_URL, role_data(permissions=[forbidden.pk]))
    assert "permissions" in response.context["adminform"].form.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_module_permission_not_held_through_the_admin_is_refused(admin_client):
    before = snapshot()
    response = admin_client.post(ROLE_ADD_URL, role_data(module_permissions="billing.*"))
    assert response.context["adminform"].form.non_field_errors()
    assert snapshot() == before


@pytest.mark.django_db
def test_editing_a_junior_role_through_the_admin(admin_client, staff_role):
    response = admin_client.post(change_url(staff_role), role_data(name="Staff", slug="staff", hierarchy_level="25"))
    assert response.status_code == 302
    assert Role.objects.get(pk=staff_role.pk).hierarchy_level == 25


@pytest.mark.django_db
def test_raising_a_junior_role_to_own_level_through_the_admin_is_refused(admin_client, staff_role):
    before = snapshot()
    response = admin_client.post(change_url(staff_role), role_data(name="Staff", slug="staff", hierarchy_level="60"))
    assert response.context["adminform"].form.non_field_errors()
    assert snapshot() == before


@pytest.mark.django_db
def test_editing_own_role_through_the_admin_is_forbidden(admin_client):
    own = Role.objects.get(slug="manager")
    before = snapshot()
    response = admin_client.post(change_url(own), role_data(name="Manager", slug="manager", hierarchy_level="10"))
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_deleting_a_junior_role_through_the_admin(admin_client, staff_role):
    assert admin_client.post(delete_url(staff_role), {"post": "yes"}).status_code == 302
    assert not Role.objects.filter(pk=staff_role.pk).exists()


@pytest.mark.django_db
def test_deleting_a_superior_role_through_the_admin_is_forbidden(admin_client, director_role):
    before = snapshot()
    assert admin_client.post(delete_url(director_role), {"post": "yes"}).status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_bulk_deleting_roles_including_a_superior_one_is_forbidden(admin_client, staff_role, director_role):
    before = snapshot()
    response = admin_client.post(
        "/admin/django_rbac/role/",
        {"action": "delete_selected", "_selected_action": [staff_role.pk, director_role.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.django_db
def test_bulk_deleting_junior_roles(admin_client, staff_role, make_role):
    other = make_role("porter", 5)
    response = admin_client.post(
        "/admin/django_rbac/role/",
        {"action": "delete_selected", "_selected_action": [staff_role.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Role.objects.filter(pk__in=[staff_role.pk, other.pk]).exists()


@pytest.mark.django_db
def test_role_form_offers_a_superuser_every_permission(client, make_user):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    offered = client.get(ROLE_ADD_URL).context["adminform"].form.fields["permissions"].queryset
    assert offered.count() == Permission.objects.count()


@pytest.mark.django_db
def test_role_form_shows_module_permissions_one_per_line(admin_client, make_role):
    role = make_role("porter", 5, modules=["practice.view", "billing.view"])
    assert "practice.view\nbilling.view" in admin_client.get(change_url(role)).content.decode()


@pytest.mark.django_db
def test_invalid_role_form_keeps_the_typed_module_permissions(admin_client):
    response = admin_client.post(ROLE_ADD_URL, role_data(hierarchy_level="500", module_permissions="practice.view"))
    assert "hierarchy_level" in response.context["adminform"].form.errors
    assert "practice.view" in response.content.decode()


@pytest.mark.django_db
def test_user_with_only_view_permission_sees_assignments_read_only(client, make_user, make_role, grant, clerk):
    viewer = make_user("viewer", is_staff=True)
    grant(viewer, make_role("auditor", 50, perms=["django_rbac.view_userrole"]))
    assignment = grant(clerk, make_role("porter", 5))
    client.force_login(viewer)
    response = client.get(change_url(assignment))
    assert response.status_code == 200 and "valid_to" not in response.context["adminform"].form.fields
    assert client.post(delete_url(assignment), {"post": "yes"}).status_code == 403
    assert UserRole.objects.get(pk=assignment.pk).valid_to is None


@pytest.mark.django_db
def test_ending_now_through_the_admin_reads_a_seconds_old_now_as_now(admin_client, clerk, staff_role, grant):
    assignment = grant(clerk, staff_role, valid_from=timezone.now() - timedelta(days=9))
    date, time = split(timezone.now() - timedelta(seconds=5))
    before_post = timezone.now()
    response = admin_client.post(change_url(assignment), {"valid_to_0": date, "valid_to_1": time})
    assert response.status_code == 302
    assert UserRole.objects.get(pk=assignment.pk).valid_to >= before_post
