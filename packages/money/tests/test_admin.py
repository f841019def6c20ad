import pytest

from django_money import ExchangeRate, record_exchange_rate
from tests.conftest import moment

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_money/exchangerate/"


@pytest.fixture
def rate():
    return record_exchange_rate(source="ECB", base="EUR", quote="USD", rate="1.0823", effective_at=moment(1))


def test_changelist_lists_rates_with_its_filters(admin_client, rate):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert "1.0823" in response.content.decode()
    assert {spec.title for spec in response.context["cl"].filter_specs} == {"source", "base currency", "quote currency"}


@pytest.mark.parametrize("query", ["source=ECB", "base_currency=EUR", "effective_at__year=2026", "q=USD"])
def test_changelist_filters_answer(admin_client, rate, query):
    assert admin_client.get(f"{CHANGELIST}?{query}").status_code == 200


def test_a_rate_page_is_read_only(admin_client, rate):
    response = admin_client.get(f"{CHANGELIST}{rate.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_admin_cannot_add_change_or_delete_rates(admin_client, rate):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{rate.pk}/change/", {"rate": "2"}).status_code == 403
    assert admin_client.post(f"{CHANGELIST}{rate.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ExchangeRate.objects.get(pk=rate.pk).rate == rate.rate
    assert "action-select" not in admin_client.get(CHANGELIST).content.decode()
