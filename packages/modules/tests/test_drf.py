"""The DRF permission: 403 with the module and org named in ``detail`` when the module is off."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from django_modules import disable_module, enable_module
from django_modules.drf import ModuleRequired

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.drf_urls")]


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_view_runs_when_the_module_is_enabled(api, org, pharmacy):
    response = api.get("/api/pharmacy/", headers={"X-Org": org.name})

    assert response.status_code == 200
    assert response.json() == {"ok": True}


def test_the_api_view_answers_403_naming_the_module_and_org_when_disabled(api, org, pharmacy):
    disable_module(org, "pharmacy")

    response = api.get("/api/pharmacy/", headers={"X-Org": org.name})

    assert response.status_code == 403
    assert response.json() == {"detail": "Module 'pharmacy' is disabled for organization 'Acme Clinic'."}
    assert response.data["detail"].code == "module_disabled"


def test_the_api_view_answers_403_when_the_request_has_no_org(api, pharmacy):
    response = api.get("/api/pharmacy/")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Module 'pharmacy' needs an organization, and none was found for this request."
    }


def test_a_permission_bound_with_for_module_checks_that_module(api, org, billing):
    assert api.get("/api/billing/", headers={"X-Org": org.name}).status_code == 403

    enable_module(org, "billing")

    assert api.get("/api/billing/", headers={"X-Org": org.name}).status_code == 200


def test_for_module_makes_a_subclass_holding_the_key():
    bound = ModuleRequired.for_module("billing")

    assert issubclass(bound, ModuleRequired)
    assert bound.module == "billing"
    assert ModuleRequired.module is None


def test_for_module_rejects_a_key_that_is_not_a_string():
    with pytest.raises(TypeError):
        ModuleRequired.for_module(None)


def test_the_permission_without_a_key_is_improperly_configured(api, org):
    with pytest.raises(ImproperlyConfigured, match="required_module"):
        api.get("/api/unconfigured/", headers={"X-Org": org.name})


def test_an_unauthenticated_request_gets_drfs_not_authenticated_answer_first(org, billing):
    response = APIClient().get("/api/billing/", headers={"X-Org": org.name})

    assert response.status_code in (401, 403)
    assert response.data["detail"].code == "not_authenticated"


def test_the_permission_check_takes_one_query_after_the_org_is_known(rf, org, pharmacy, django_assert_num_queries):
    request = rf.get("/")
    request.org = org

    with django_assert_num_queries(1):
        assert ModuleRequired.for_module("pharmacy")().has_permission(request, view=None) is True
