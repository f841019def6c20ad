"""SingletonAdminMixin through the real admin (tests/testapp/admin.py, tests/urls.py)."""

import pytest
from django.contrib.admin import site
from django.contrib.auth.models import Permission, User
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.testapp.models import SiteSettings

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:testapp_sitesettings_changelist")
ADD = reverse("admin:testapp_sitesettings_add")
CHANGE = reverse("admin:testapp_sitesettings_change", args=[1])
DELETE = reverse("admin:testapp_sitesettings_delete", args=[1])


def staff_client(*codenames: str) -> Client:
    user = User.objects.create_user("staff", "staff@example.com", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


def superuser_request():
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root", "root@example.com", "pw")
    return request


def test_the_changelist_redirects_to_the_change_page_of_the_row(superuser_client):
    SiteSettings.objects.create(site_name="Shop")
    response = superuser_client.get(CHANGELIST)
    assert (response.status_code, response["Location"]) == (302, CHANGE)


def test_the_first_open_of_the_changelist_creates_the_row(superuser_client):
    response = superuser_client.get(CHANGELIST)
    assert response["Location"] == CHANGE
    assert SiteSettings.objects.get().site_name == "My site"


def test_the_change_page_edits_the_row(superuser_client):
    SiteSettings.get_instance()
    response = superuser_client.post(CHANGE, {"site_name": "Renamed", "maintenance_mode": "on"})
    assert response.status_code == 302
    row = SiteSettings.objects.get()
    assert (row.site_name, row.maintenance_mode) == ("Renamed", True)


def test_the_change_page_offers_no_delete_link_and_no_add_another(superuser_client):
    SiteSettings.get_instance()
    content = superuser_client.get(CHANGE).content.decode()
    assert DELETE not in content
    assert "_addanother" not in content


def test_a_user_with_view_permission_is_sent_to_the_row():
    SiteSettings.get_instance()
    response = staff_client("view_sitesettings").get(CHANGELIST)
    assert response["Location"] == CHANGE


def test_a_staff_user_without_permission_is_refused_the_changelist():
    response = staff_client().get(CHANGELIST)
    assert response.status_code == 403
    assert not SiteSettings.objects.exists()


def test_adding_is_allowed_while_the_row_does_not_exist(superuser_client):
    assert superuser_client.get(ADD).status_code == 200
    response = superuser_client.post(ADD, {"site_name": "Added"})
    assert response.status_code == 302
    row = SiteSettings.objects.get()
    assert (row.pk, row.site_name) == (1, "Added")


def test_adding_is_refused_once_the_row_exists(superuser_client):
    SiteSettings.get_instance()
    assert superuser_client.get(ADD).status_code == 403
    assert superuser_client.post(ADD, {"site_name": "Second"}).status_code == 403
    assert SiteSettings.objects.get().site_name == "My site"


def test_add_permission_follows_the_users_permissions():
    model_admin = site._registry[SiteSettings]
    request = RequestFactory().get("/")
    request.user = User.objects.create_user("clerk", is_staff=True)
    assert model_admin.has_add_permission(request) is False


def test_add_permission_depends_on_whether_the_row_exists():
    model_admin = site._registry[SiteSettings]
    request = superuser_request()
    assert model_admin.has_add_permission(request) is True
    SiteSettings.get_instance()
    assert model_admin.has_add_permission(request) is False


def test_deleting_is_never_allowed(superuser_client):
    instance = SiteSettings.get_instance()
    model_admin = site._registry[SiteSettings]
    request = superuser_request()
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.has_delete_permission(request, instance) is False
    assert "delete_selected" not in model_admin.get_actions(request)
    assert superuser_client.get(DELETE).status_code == 403
    assert superuser_client.post(DELETE, {"post": "yes"}).status_code == 403
    assert SiteSettings.objects.exists()


def test_the_admin_index_links_to_the_model_without_an_add_link_once_the_row_exists(superuser_client):
    SiteSettings.get_instance()
    content = superuser_client.get(reverse("admin:index")).content.decode()
    assert CHANGELIST in content
    assert ADD not in content
