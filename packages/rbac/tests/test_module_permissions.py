import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from django_rbac import selectors
from tests.conftest import fresh
from tests.testapp.models import Commune


@pytest.mark.django_db
def test_global_role_grants_its_module_permission(clerk, staff_role, grant):
    grant(clerk, staff_role)
    assert fresh(clerk).has_module_permission("practice", "view")


@pytest.mark.django_db
def test_module_permission_not_on_the_role_is_refused(clerk, staff_role, grant):
    grant(clerk, staff_role)
    assert not fresh(clerk).has_module_permission("practice", "edit")
    assert not fresh(clerk).has_module_permission("billing", "view")


@pytest.mark.django_db
def test_wildcard_grants_every_action_of_its_module(clerk, director_role, grant):
    grant(clerk, director_role)
    user = fresh(clerk)
    assert user.has_module_permission("practice", "delete")
    assert not user.has_module_permission("billing", "view")


@pytest.mark.django_db
def test_global_role_grants_in_every_scope(clerk, staff_role, grant, organization, province):
    grant(clerk, staff_role)
    user = fresh(clerk)
    assert user.has_module_permission("practice", "view", scope=organization)
    assert user.has_module_permission("practice", "view", scope=province)


@pytest.mark.django_db
def test_uuid_scoped_role_grants_only_in_its_scope(clerk, staff_role, grant, organization, other_organization):
    grant(clerk, staff_role, organization)
    user = fresh(clerk)
    assert user.has_module_permission("practice", "view", scope=organization)
    assert not user.has_module_permission("practice", "view", scope=other_organization)


@pytest.mark.django_db
def test_integer_scoped_role_grants_only_in_its_scope(clerk, staff_role, grant, province, other_province):
    grant(clerk, staff_role, province)
    user = fresh(clerk)
    assert user.has_module_permission("practice", "view", scope=province)
    assert not user.has_module_permission("practice", "view", scope=other_province)


@pytest.mark.django_db
def test_scoped_role_does_not_grant_globally(clerk, staff_role, grant, organization):
    grant(clerk, staff_role, organization)
    assert not fresh(clerk).has_module_permission("practice", "view")


@pytest.mark.django_db
def test_same_pk_value_in_another_model_is_another_scope(clerk, staff_role, grant, province):
    commune = Commune.objects.create(name="Mutaho", province=province, id=province.pk)
    grant(clerk, staff_role, province)
    assert not fresh(clerk).has_module_permission("practice", "view", scope=commune)


@pytest.mark.django_db
def test_scopes_do_not_nest_without_the_parents_hook(clerk, staff_role, grant, province):
    commune = Commune.objects.create(name="Mutaho", province=province)
    grant(clerk, staff_role, province)
    assert not fresh(clerk).has_module_permission("practice", "view", scope=commune)


@pytest.mark.django_db
@override_settings(RBAC_SCOPE_PARENTS="tests.scopes.parents")
def test_parents_hook_lets_a_province_role_grant_in_its_communes(clerk, staff_role, grant, province, other_province):
    grant(clerk, staff_role, province)
    inside = Commune.objects.create(name="Mutaho", province=province)
    outside = Commune.objects.create(name="Kiremba", province=other_province)
    user = fresh(clerk)
    assert user.has_module_permission("practice", "view", scope=inside)
    assert not user.has_module_permission("practice", "view", scope=outside)


@pytest.mark.django_db
@override_settings(RBAC_SCOPE_PARENTS="tests.scopes.parents")
def test_parents_hook_does_not_let_a_commune_role_grant_in_its_province(clerk, staff_role, grant, province):
    commune = Commune.objects.create(name="Mutaho", province=province)
    grant(clerk, staff_role, commune)
    assert not fresh(clerk).has_module_permission("practice", "view", scope=province)


@pytest.mark.django_db
def test_superuser_has_every_module_permission(make_user, organization):
    root = make_user("root", is_superuser=True)
    assert root.has_module_permission("anything", "at_all", scope=organization)


@pytest.mark.django_db
def test_inactive_user_has_no_module_permission(clerk, staff_role, grant, make_user):
    grant(clerk, staff_role)
    clerk.is_active = False
    clerk.save()
    assert not fresh(clerk).has_module_permission("practice", "view")
    assert not make_user("root", is_superuser=True, is_active=False).has_module_permission("practice", "view")


def test_anonymous_user_has_no_module_permission():
    assert not selectors.has_module_permission(AnonymousUser(), "practice", "view")


@pytest.mark.django_db
def test_has_role_reports_global_and_scoped_assignments(clerk, staff_role, director_role, grant, organization):
    grant(clerk, staff_role)
    grant(clerk, director_role, organization)
    user = fresh(clerk)
    assert user.has_role("staff")
    assert user.has_role(staff_role, scope=organization)
    assert user.has_role("director", scope=organization)
    assert not user.has_role("director")


@pytest.mark.django_db
def test_has_role_is_false_for_a_superuser_without_the_role(make_user, staff_role):
    assert not make_user("root", is_superuser=True).has_role(staff_role)


@pytest.mark.django_db
def test_unsaved_scope_is_refused(clerk):
    from tests.testapp.models import Organization

    with pytest.raises(ValueError, match="no primary key"):
        clerk.has_module_permission("practice", "view", scope=Organization(name="draft", id=None))
