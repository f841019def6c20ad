"""Admin pages: catalog items and settings are editable; baskets, work items and dispense records are read-only."""

import pytest
from django.urls import reverse

from django_catalog.models import CatalogSettings
from django_catalog.services import add_item, cancel_work_item, commit_basket, record_dispense, reverse_dispense

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(settings, basket, user, amoxicillin):
    add_item(basket=basket, catalog_item=amoxicillin, by=user)
    [work_item] = commit_basket(basket, user)
    log = record_dispense(work_item=work_item, by=user, lot="LOT-1")
    settings.CATALOG_REVERSE_DISPENSE_PERMISSION = None
    reverse_dispense(log, reason="wrong visit", by=user)
    cancel_work_item(work_item, by=user, reason="patient left")
    return basket, work_item, log


@pytest.mark.parametrize(
    "model", ["catalogitem", "basket", "workitem", "dispenselog", "dispensereversal", "workitemcancellation"]
)
def test_every_changelist_renders(admin_client, committed, model):
    response = admin_client.get(reverse(f"admin:django_catalog_{model}_changelist"))

    assert response.status_code == 200


def test_catalog_items_can_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:django_catalog_catalogitem_add")).status_code == 200


@pytest.mark.parametrize("model", ["basket", "workitem", "dispenselog", "dispensereversal", "workitemcancellation"])
def test_records_written_by_services_cannot_be_added_or_deleted_in_the_admin(admin_client, committed, model):
    basket, work_item, log = committed
    obj = {
        "basket": basket,
        "workitem": work_item,
        "dispenselog": log,
        "dispensereversal": log.reversal,
        "workitemcancellation": work_item.cancellation,
    }[model]

    assert admin_client.get(reverse(f"admin:django_catalog_{model}_add")).status_code == 403
    assert admin_client.get(reverse(f"admin:django_catalog_{model}_delete", args=[obj.pk])).status_code == 403
    change_page = admin_client.get(reverse(f"admin:django_catalog_{model}_change", args=[obj.pk]))
    assert change_page.status_code == 200
    assert b'name="_save"' not in change_page.content


def test_the_catalog_settings_changelist_opens_the_one_row(admin_client):
    response = admin_client.get(reverse("admin:django_catalog_catalogsettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:django_catalog_catalogsettings_change", args=[1])
    assert CatalogSettings.objects.count() == 1
