"""Amend and terminate need authority from the pluggable policy; a refusal writes nothing at all."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured, PermissionDenied

from django_agreements import NotAuthorizedError
from django_agreements.models import Agreement, AgreementVersion
from django_agreements.services import amend_agreement, terminate_agreement
from django_decisioning.models import Decision, IdempotencyKey
from tests.testapp import policies

pytestmark = pytest.mark.django_db

P = "tests.testapp.policies."


def amend(agreement, user, **changes):
    return amend_agreement(agreement, new_terms={"fee": "2"}, reason="change", by=user, **changes)


def terminate(agreement, user, **changes):
    return terminate_agreement(agreement, reason="end", by=user, **changes)


def counts():
    return (AgreementVersion.objects.count(), Decision.objects.count(), IdempotencyKey.objects.count())


def grant(user, codename):
    user.user_permissions.add(Permission.objects.get(codename=codename))
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permissions are cached per instance


def test_the_user_who_agreed_may_amend_and_terminate(agreement, owner):
    assert amend(agreement, owner).version == 2
    assert terminate(agreement, owner).version == 3


@pytest.mark.parametrize("service", [amend, terminate])
def test_another_user_is_refused_and_nothing_is_written(agreement, stranger, service):
    before = counts()
    with pytest.raises(NotAuthorizedError) as caught:
        service(agreement, stranger, idempotency_key="request-1")
    assert caught.value.user == stranger
    assert counts() == before
    assert Agreement.objects.get().valid_to is None


def test_a_refusal_is_a_permission_denied_for_views(agreement, stranger):
    with pytest.raises(PermissionDenied):
        amend(agreement, stranger)


def test_a_superuser_may_amend_and_terminate(agreement, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root")
    assert amend(agreement, admin).author == admin
    assert terminate(agreement, admin).author == admin


def test_the_amend_permission_allows_amending_only(agreement, stranger):
    clerk = grant(stranger, "amend_agreement")
    assert amend(agreement, clerk).version == 2
    with pytest.raises(NotAuthorizedError) as caught:
        terminate(agreement, clerk)
    assert caught.value.action == "terminate"


def test_the_terminate_permission_allows_terminating_only(agreement, stranger):
    clerk = grant(stranger, "terminate_agreement")
    with pytest.raises(NotAuthorizedError):
        amend(agreement, clerk)
    assert terminate(agreement, clerk).kind == "termination"


def test_an_inactive_user_who_agreed_is_refused(agreement, owner):
    owner.is_active = False
    owner.save()
    with pytest.raises(NotAuthorizedError):
        amend(agreement, owner)


def test_the_policy_judges_the_stored_agreement_not_the_instance_passed_in(agreement, stranger):
    agreement.agreed_by = stranger  # changed in memory only
    with pytest.raises(NotAuthorizedError):
        amend(agreement, stranger)


def test_a_custom_policy_replaces_the_default(agreement, owner, stranger, settings):
    settings.AGREEMENTS_AUTHORITY_POLICY = P + "staff_only"
    with pytest.raises(NotAuthorizedError):
        amend(agreement, owner)
    stranger.is_staff = True
    stranger.save()
    assert amend(agreement, stranger).author == stranger


def test_the_policy_is_given_the_user_agreement_action_and_principal(agreement, owner, organization, settings):
    settings.AGREEMENTS_AUTHORITY_POLICY = P + "recording"
    policies.calls.clear()
    amend(agreement, owner, on_behalf_of=organization)
    terminate(agreement, owner)
    assert [(call["user"], call["agreement"], call["action"], call["on_behalf_of"]) for call in policies.calls] == [
        (owner, agreement, "amend", organization),
        (owner, agreement, "terminate", None),
    ]


@pytest.mark.parametrize("name", ["forgets_to_return", "truthy_but_not_true"])
def test_a_policy_that_does_not_return_true_refuses(agreement, owner, settings, name):
    settings.AGREEMENTS_AUTHORITY_POLICY = P + name
    with pytest.raises(NotAuthorizedError):
        amend(agreement, owner)


@pytest.mark.parametrize("value", [P + "missing", P + "NOT_CALLABLE", "", None])
def test_a_misconfigured_policy_raises_improperly_configured_and_writes_nothing(agreement, owner, settings, value):
    settings.AGREEMENTS_AUTHORITY_POLICY = value
    before = counts()
    with pytest.raises(ImproperlyConfigured, match="AGREEMENTS_AUTHORITY_POLICY"):
        amend(agreement, owner)
    assert counts() == before
