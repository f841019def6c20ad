import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from django_rbac.models import Role, UserRole, validate_module_permissions


@pytest.mark.django_db
def test_role_level_above_100_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(name="God", slug="god", hierarchy_level=101)


@pytest.mark.django_db
def test_role_slug_is_unique(make_role):
    make_role("nurse", 10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(name="Other nurse", slug="nurse", hierarchy_level=10)


@pytest.mark.django_db
def test_role_slugs_differing_only_in_case_are_two_roles(make_role):
    make_role("nurse", 10)
    make_role("Nurse", 20)
    assert sorted(Role.objects.values_list("slug", flat=True)) == ["Nurse", "nurse"]
    assert Role.objects.get(slug="Nurse").hierarchy_level == 20


@pytest.mark.django_db
def test_second_open_global_assignment_of_the_same_role_is_refused_by_the_database(clerk, staff_role, grant):
    grant(clerk, staff_role)
    with pytest.raises(IntegrityError), transaction.atomic():
        grant(clerk, staff_role)


@pytest.mark.django_db
def test_second_open_assignment_for_the_same_scope_is_refused_by_the_database(clerk, staff_role, grant, organization):
    grant(clerk, staff_role, organization)
    with pytest.raises(IntegrityError), transaction.atomic():
        grant(clerk, staff_role, organization)


@pytest.mark.django_db
def test_same_role_in_two_scopes_and_globally_is_allowed(clerk, staff_role, grant, organization, province):
    grant(clerk, staff_role)
    grant(clerk, staff_role, organization)
    grant(clerk, staff_role, province)
    assert UserRole.objects.filter(user=clerk).count() == 3


@pytest.mark.django_db
def test_ended_assignment_does_not_block_a_new_one(clerk, staff_role, grant, past):
    grant(clerk, staff_role, valid_from=past(10), valid_to=past(5))
    grant(clerk, staff_role)
    assert UserRole.objects.filter(user=clerk).count() == 2


@pytest.mark.django_db
def test_scope_type_without_scope_id_is_refused_by_the_database(clerk, staff_role, organization):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(IntegrityError), transaction.atomic():
        UserRole.objects.create(
            user=clerk, role=staff_role, scope_type=ContentType.objects.get_for_model(organization), scope_id=""
        )


@pytest.mark.django_db
def test_period_ending_before_it_starts_is_refused_by_the_database(clerk, staff_role, grant, past):
    with pytest.raises(IntegrityError), transaction.atomic():
        grant(clerk, staff_role, valid_from=past(1), valid_to=past(2))


@pytest.mark.parametrize("value", [["practice.view", "billing.*", "stock-moves.post_entry"], []])
def test_module_permission_validator_accepts_module_action_strings(value):
    validate_module_permissions(value)


@pytest.mark.parametrize("value", ["practice.view", ["practice"], ["practice.view.extra"], [3], ["a b.view"]])
def test_module_permission_validator_refuses_anything_else(value):
    with pytest.raises(ValidationError):
        validate_module_permissions(value)


@pytest.mark.django_db
def test_string_forms_name_the_role_user_and_scope(clerk, staff_role, grant, province):
    assert str(staff_role) == "Staff (20)"
    assert str(grant(clerk, staff_role)) == "clerk as Staff"
    assert str(grant(clerk, staff_role, province)) == f"clerk as Staff for testapp.province:{province.pk}"


@pytest.mark.django_db
def test_is_valid_at_follows_the_half_open_period(clerk, staff_role, grant, past, future):
    assignment = grant(clerk, staff_role, valid_from=past(2), valid_to=future(2))
    assert assignment.is_valid_at(past(1))
    assert not assignment.is_valid_at(past(3))
    assert not assignment.is_valid_at(assignment.valid_to)
