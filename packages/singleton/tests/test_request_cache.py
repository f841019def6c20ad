"""Per-request caching of get_instance(): one query per request and model, dropped by a save."""

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import ImproperlyConfigured
from django.test import AsyncClient, Client

from django_singleton import singleton_cache
from tests.testapp.models import SiteSettings, StoreSettings

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_settings() -> SiteSettings:
    return SiteSettings.objects.create(site_name="Shop")


def test_two_reads_in_one_request_cost_one_query_with_the_middleware(site_settings, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().get("/read-twice/")
    assert response.json() == {"same_object": True, "site_name": "Shop"}


def test_two_reads_in_one_request_cost_two_queries_with_the_cache_off(
    site_settings, settings, django_assert_num_queries
):
    settings.SINGLETON_CACHE = None
    with django_assert_num_queries(2):
        response = Client().get("/read-twice/")
    assert response.json() == {"same_object": False, "site_name": "Shop"}


def test_two_reads_in_one_request_cost_two_queries_without_the_middleware(
    site_settings, settings, django_assert_num_queries
):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.startswith("django_singleton.")]
    with django_assert_num_queries(2):
        response = Client().get("/read-twice/")
    assert response.json()["same_object"] is False


def test_a_save_in_the_request_makes_the_next_read_query_again(site_settings, django_assert_num_queries):
    # read (1 query), save (UPDATE: 1 query), read again (1 query): the save dropped the cached row
    with django_assert_num_queries(3):
        response = Client().get("/read-save-read/", {"site_name": "Renamed"})
    assert response.json() == {"same_object": False, "site_name": "Renamed"}


def test_each_request_reads_the_row_afresh(site_settings, django_assert_num_queries):
    client = Client()
    with django_assert_num_queries(1):
        client.get("/read-twice/")
    SiteSettings.objects.update(site_name="Changed between requests")
    with django_assert_num_queries(1):
        response = client.get("/read-twice/")
    assert response.json()["site_name"] == "Changed between requests"


def test_two_reads_in_one_async_request_cost_one_query(site_settings, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = async_to_sync(AsyncClient().get)("/read-twice-async/")
    assert response.json() == {"same_object": True, "site_name": "Shop"}


def test_two_reads_in_an_async_view_under_wsgi_cost_one_query(site_settings, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = Client().get("/read-twice-async/")
    assert response.json() == {"same_object": True, "site_name": "Shop"}


def test_outside_a_scope_every_read_queries(site_settings, django_assert_num_queries):
    with django_assert_num_queries(2):
        first = SiteSettings.get_instance()
        second = SiteSettings.get_instance()
    assert first is not second


def test_singleton_cache_caches_outside_a_request(site_settings, django_assert_num_queries):
    with singleton_cache(), django_assert_num_queries(1):
        first = SiteSettings.get_instance()
        second = SiteSettings.get_instance()
    assert first is second


def test_the_cache_ends_with_its_scope(site_settings, django_assert_num_queries):
    with singleton_cache():
        SiteSettings.get_instance()
    with django_assert_num_queries(1):
        SiteSettings.get_instance()


def test_a_save_drops_the_cached_instance(site_settings, django_assert_num_queries):
    with singleton_cache():
        cached = SiteSettings.get_instance()
        SiteSettings(site_name="Saved").save()
        with django_assert_num_queries(1):
            fresh = SiteSettings.get_instance()
    assert fresh is not cached
    assert fresh.site_name == "Saved"


def test_a_queryset_update_drops_the_cached_instance(site_settings, django_assert_num_queries):
    with singleton_cache():
        SiteSettings.get_instance()
        SiteSettings.objects.update(site_name="Updated")
        with django_assert_num_queries(1):
            assert SiteSettings.get_instance().site_name == "Updated"


def test_a_save_drops_only_its_own_models_instance(site_settings, django_assert_num_queries):
    with singleton_cache():
        store = StoreSettings.get_instance()
        SiteSettings.get_instance().save()
        with django_assert_num_queries(0):
            assert StoreSettings.get_instance() is store


def test_a_nested_scope_shares_the_outer_cache(site_settings, django_assert_num_queries):
    with singleton_cache():
        outer = SiteSettings.get_instance()
        with singleton_cache():
            with django_assert_num_queries(0):
                assert SiteSettings.get_instance() is outer
            SiteSettings(site_name="Saved inside").save()
        with django_assert_num_queries(1):
            assert SiteSettings.get_instance().site_name == "Saved inside"


def test_an_invalid_cache_setting_raises_improperly_configured(site_settings, settings):
    settings.SINGLETON_CACHE = "forever"
    with pytest.raises(ImproperlyConfigured, match="SINGLETON_CACHE"):
        SiteSettings.get_instance()
