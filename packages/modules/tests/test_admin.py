"""Admin: modules (with their overrides inline) and overrides; whoever saves is recorded."""

import pytest

from django_modules.models import Module, OrgModuleState

pytestmark = pytest.mark.django_db


def test_the_module_changelist_lists_modules(superuser_client, pharmacy, billing):
    response = superuser_client.get("/admin/django_modules/module/")

    assert response.status_code == 200
    assert b"pharmacy" in response.content
    assert b"billing" in response.content


def test_a_module_can_be_added_in_the_admin(superuser_client):
    response = superuser_client.post(
        "/admin/django_modules/module/add/",
        {
            "key": "lab",
            "name": "Laboratory",
            "description": "",
            "active": "on",
            "org_states-TOTAL_FORMS": "0",
            "org_states-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content
    assert Module.objects.get(key="lab").active is True


def test_a_modules_key_is_read_only_once_created(superuser_client, pharmacy):
    response = superuser_client.get(f"/admin/django_modules/module/{pharmacy.pk}/change/")

    assert response.status_code == 200
    assert b'name="key"' not in response.content
    assert b'name="name"' in response.content


def test_an_override_added_inline_records_the_admin_user(superuser_client, pharmacy, org, django_user_model):
    response = superuser_client.post(
        f"/admin/django_modules/module/{pharmacy.pk}/change/",
        {
            "name": "Pharmacy",
            "description": "",
            "active": "on",
            "org_states-TOTAL_FORMS": "1",
            "org_states-INITIAL_FORMS": "0",
            "org_states-0-org": str(org.pk),
            "org_states-0-module": str(pharmacy.pk),
        },
    )

    assert response.status_code == 302, response.content
    state = OrgModuleState.objects.get()
    assert (state.org, state.enabled, state.changed_by.username) == (org, False, "root")


def test_an_override_deleted_inline_is_removed(superuser_client, pharmacy, org):
    state = OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    response = superuser_client.post(
        f"/admin/django_modules/module/{pharmacy.pk}/change/",
        {
            "name": "Pharmacy",
            "description": "",
            "active": "on",
            "org_states-TOTAL_FORMS": "1",
            "org_states-INITIAL_FORMS": "1",
            "org_states-0-id": str(state.pk),
            "org_states-0-module": str(pharmacy.pk),
            "org_states-0-org": str(org.pk),
            "org_states-0-DELETE": "on",
        },
    )

    assert response.status_code == 302, response.content
    assert not OrgModuleState.objects.exists()


def test_deleting_a_module_in_the_admin_soft_deletes_it(superuser_client, pharmacy):
    response = superuser_client.post(f"/admin/django_modules/module/{pharmacy.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert Module.all_objects.get(pk=pharmacy.pk).is_deleted


def test_an_override_saved_in_its_own_admin_records_the_admin_user(superuser_client, billing, org):
    response = superuser_client.post(
        "/admin/django_modules/orgmodulestate/add/",
        {"org": str(org.pk), "module": str(billing.pk), "enabled": "on"},
    )

    assert response.status_code == 302, response.content
    state = OrgModuleState.objects.get()
    assert (state.enabled, state.changed_by.username) == (True, "root")


def test_the_override_changelist_lists_overrides(superuser_client, pharmacy, org):
    OrgModuleState.objects.create(org=org, module=pharmacy, enabled=False)

    response = superuser_client.get("/admin/django_modules/orgmodulestate/")

    assert response.status_code == 200
    assert b"Acme Clinic" in response.content
