"""Views: the decorator and the CBV mixin answer 403 naming the module and org when it is off."""

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.test import RequestFactory

from django_modules import ModuleDisabledError, OrgNotResolvedError, UnknownModuleError, disable_module, enable_module
from django_modules.decorators import module_required
from tests.testapp import views

pytestmark = pytest.mark.django_db


def test_the_decorated_view_runs_when_the_module_is_enabled(client, org, pharmacy):
    response = client.get("/pharmacy/", headers={"X-Org": org.name})

    assert response.status_code == 200
    assert response.content == b"pharmacy page"


def test_the_decorated_view_answers_403_naming_the_module_and_org_when_disabled(client, org, pharmacy):
    disable_module(org, "pharmacy")

    response = client.get("/pharmacy/", headers={"X-Org": org.name})

    assert response.status_code == 403
    assert "Module &#x27;pharmacy&#x27; is disabled for organization &#x27;Acme Clinic&#x27;." in response.text


def test_the_decorator_raises_module_disabled_a_permission_denied(rf, org, pharmacy):
    disable_module(org, "pharmacy")
    request = rf.get("/")
    request.org = org

    with pytest.raises(ModuleDisabledError) as raised:
        views.pharmacy_page(request)

    assert isinstance(raised.value, PermissionDenied)


def test_the_decorated_view_answers_403_when_the_request_has_no_org(client, pharmacy):
    response = client.get("/pharmacy/")

    assert response.status_code == 403
    assert "needs an organization" in response.text


def test_the_decorator_check_takes_one_query(rf, org, pharmacy, django_assert_num_queries):
    request = rf.get("/")
    request.org = org

    with django_assert_num_queries(1):
        views.pharmacy_page(request)


def test_a_decorated_view_with_an_unknown_module_raises_instead_of_refusing(rf, org, pharmacy):
    request = rf.get("/")
    request.org = org

    with pytest.raises(UnknownModuleError, match="no-such-module"):
        views.misspelled_page(request)


def test_the_decorator_rejects_a_key_that_is_not_a_string():
    with pytest.raises(TypeError):
        module_required(["pharmacy"])


def test_the_decorator_keeps_the_views_name():
    assert views.pharmacy_page.__name__ == "pharmacy_page"


def test_an_async_decorated_view_stays_async_and_runs_when_enabled(rf, org, pharmacy):
    from asgiref.sync import iscoroutinefunction

    request = rf.get("/")
    request.org = org

    response = async_to_sync(views.async_pharmacy_page)(request)

    assert iscoroutinefunction(views.async_pharmacy_page)
    assert response.content == b"async pharmacy"


def test_an_async_decorated_view_is_refused_when_disabled(rf, org, pharmacy):
    disable_module(org, "pharmacy")
    request = rf.get("/")
    request.org = org

    with pytest.raises(ModuleDisabledError):
        async_to_sync(views.async_pharmacy_page)(request)


def test_a_view_calling_require_module_itself_answers_403(client, org, billing):
    response = client.get("/checked-inside/", headers={"X-Org": org.name})

    assert response.status_code == 403
    assert "Module &#x27;billing&#x27; is disabled" in response.text


def test_the_mixin_view_runs_when_the_module_is_enabled(client, org, pharmacy):
    response = client.get("/cbv/", headers={"X-Org": org.name})

    assert response.status_code == 200
    assert response.content == b"pharmacy view"


def test_the_mixin_view_answers_403_naming_the_module_and_org_when_disabled(client, org, pharmacy):
    disable_module(org, "pharmacy")

    response = client.get("/cbv/", headers={"X-Org": org.name})

    assert response.status_code == 403
    assert "Module &#x27;pharmacy&#x27; is disabled for organization &#x27;Acme Clinic&#x27;." in response.text


def test_the_mixin_view_answers_403_when_the_request_has_no_org(client, pharmacy):
    assert client.get("/cbv/").status_code == 403


def test_a_mixin_view_without_required_module_is_improperly_configured(rf, org):
    request = rf.get("/")
    request.org = org

    with pytest.raises(ImproperlyConfigured, match="required_module"):
        views.UnconfiguredView.as_view()(request)


def test_an_async_mixin_view_runs_when_enabled(rf, org, pharmacy):
    request = rf.get("/")
    request.org = org

    response = async_to_sync(views.AsyncPharmacyView.as_view())(request)

    assert response.content == b"async pharmacy view"


def test_an_async_mixin_view_is_refused_when_disabled(rf, org, pharmacy):
    disable_module(org, "pharmacy")
    request = rf.get("/")
    request.org = org

    with pytest.raises(ModuleDisabledError):
        async_to_sync(views.AsyncPharmacyView.as_view())(request)


def test_a_custom_resolver_setting_decides_the_org(client, settings, org, other_org, pharmacy):
    settings.MODULES_ORG_RESOLVER = "tests.testapp.resolvers.org_from_query_string"
    disable_module(other_org, "pharmacy")
    enable_module(org, "pharmacy")

    assert client.get("/pharmacy/", {"org": org.name}).status_code == 200
    assert client.get("/pharmacy/", {"org": other_org.name}).status_code == 403
    # request.org (the default resolver's source) is ignored now
    assert client.get("/pharmacy/", headers={"X-Org": org.name}).status_code == 403


def test_a_request_without_org_raises_org_not_resolved_naming_the_module(pharmacy):
    request = RequestFactory().get("/")

    with pytest.raises(OrgNotResolvedError, match="'pharmacy' needs an organization"):
        views.pharmacy_page(request)
