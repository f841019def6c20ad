"""How a singleton shows itself: its verbose name, as in the admin's breadcrumbs and titles."""

from tests.testapp.models import SiteSettings, StoreSettings


def test_str_is_the_capitalised_verbose_name():
    assert str(SiteSettings()) == "Site settings"
    assert str(StoreSettings()) == "Store settings"
