"""@require_permission / @requires_hierarchy_level and the CBV mixins: login redirect, 403, or through."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_rbac.decorators import require_permission, split_module_permission


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/practice/", "/approve/", "/cbv/practice/", "/cbv/approve/"])
def test_anonymous_user_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/practice/", "/cbv/practice/"])
def test_user_with_the_module_permission_gets_through(signed_in, clerk, staff_role, grant, url):
    grant(clerk, staff_role)
    assert signed_in(clerk).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/practice/", "/cbv/practice/"])
def test_user_without_the_module_permission_gets_403(signed_in, clerk, url):
    assert signed_in(clerk).get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/cbv"])
def test_scoped_view_lets_through_a_role_of_that_scope_only(
    signed_in, clerk, staff_role, grant, organization, other_organization, prefix
):
    grant(clerk, staff_role, organization)
    client = signed_in(clerk)
    assert client.get(f"{prefix}/organizations/{organization.pk}/practice/").status_code == 200
    assert client.get(f"{prefix}/organizations/{other_organization.pk}/practice/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/approve/", "/cbv/approve/"])
def test_user_at_the_required_level_gets_through(signed_in, manager, url):
    assert signed_in(manager).get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/approve/", "/cbv/approve/"])
def test_user_below_the_required_level_gets_403(signed_in, clerk, staff_role, grant, url):
    grant(clerk, staff_role)
    assert signed_in(clerk).get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/cbv/misconfigured-module/", "/cbv/misconfigured-hierarchy/"])
def test_view_without_its_requirement_is_a_configuration_error(signed_in, clerk, url):
    with pytest.raises(ImproperlyConfigured):
        signed_in(clerk).get(url)


@pytest.mark.parametrize("value", ["practice", "practice.view.more", "", None])
def test_malformed_permission_is_refused_when_decorating(value):
    with pytest.raises(ValueError):
        require_permission(value)


def test_split_module_permission():
    assert split_module_permission("practice.view") == ("practice", "view")
