"""The scope is a generic key (ContentType + ObjectIdField): every path must work for UUID and integer pks."""

import pytest

from django_rbac.models import UserRole
from tests.testapp.models import Organization, Province


@pytest.fixture
def scoped(clerk, staff_role, grant, organization, province):
    return grant(clerk, staff_role, organization), grant(clerk, staff_role, province)


@pytest.mark.django_db
def test_scope_id_is_stored_in_canonical_form(scoped, organization, province):
    by_org, by_province = scoped
    assert UserRole.objects.filter(pk=by_org.pk).values_list("scope_id", flat=True).get() == organization.pk.hex
    assert UserRole.objects.filter(pk=by_province.pk).values_list("scope_id", flat=True).get() == str(province.pk)


@pytest.mark.django_db
def test_reverse_filter_finds_uuid_and_integer_scopes(scoped, organization, province, other_organization):
    assert list(Organization.objects.filter(role_assignments__role__slug="staff")) == [organization]
    assert list(Province.objects.filter(role_assignments__role__slug="staff")) == [province]


@pytest.mark.django_db
def test_related_manager_lists_the_scope_assignments(scoped, organization, province):
    assert list(organization.role_assignments.all()) == [scoped[0]]
    assert list(province.role_assignments.all()) == [scoped[1]]


@pytest.mark.django_db
def test_prefetch_of_the_generic_relation(scoped, organization, province):
    assert [len(o.role_assignments.all()) for o in Organization.objects.prefetch_related("role_assignments")] == [1]
    assert [len(p.role_assignments.all()) for p in Province.objects.prefetch_related("role_assignments")] == [1]


@pytest.mark.django_db
def test_prefetch_of_the_scope(scoped, organization, province):
    scopes = {assignment.scope for assignment in UserRole.objects.prefetch_related("scope")}
    assert scopes == {organization, province}


@pytest.mark.django_db
def test_for_scope_selects_exactly_that_scope(scoped, clerk, staff_role, grant, organization, other_organization):
    grant(clerk, staff_role)
    assert list(UserRole.objects.for_scope(organization)) == [scoped[0]]
    assert not UserRole.objects.for_scope(other_organization).exists()
    assert UserRole.objects.for_scope(None).get().scope is None
