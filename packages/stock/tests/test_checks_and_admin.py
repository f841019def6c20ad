import pytest
from django.core import checks

from django_decisioning.models import Decision
from django_stock.checks import check_settings
from django_stock.models import Lot, StockBalance, StockItem, StockMovement
from django_stock.services import receive


def check_ids():
    return [message.id for message in check_settings()]


def test_default_settings_pass_the_checks():
    assert check_ids() == []


def test_checks_are_registered():
    registered = checks.registry.registry.get_checks()
    assert check_settings in registered


@pytest.mark.parametrize("value", ["reverse", "a.b.c", 5, ".x"])
def test_a_bad_permission_setting_is_an_error(settings, value):
    settings.STOCK_REVERSE_PERMISSION = value
    settings.STOCK_RECALL_PERMISSION = value
    assert check_ids() == ["django_stock.E001", "django_stock.E002"]


def test_permission_settings_may_be_none(settings):
    settings.STOCK_REVERSE_PERMISSION = None
    settings.STOCK_RECALL_PERMISSION = None
    assert check_ids() == []


@pytest.mark.parametrize("value", [-1, "30", True])
def test_a_bad_expiry_warning_is_an_error(settings, value):
    settings.STOCK_EXPIRY_WARNING_DAYS = value
    assert check_ids() == ["django_stock.E003"]


def test_naive_datetimes_are_warned_about(settings):
    settings.USE_TZ = False
    assert check_ids() == ["django_stock.W001"]


@pytest.mark.django_db
def test_movements_and_balances_are_read_only_in_the_admin(admin_client, store, lot):
    receive(location=store, lot=lot, quantity=5)
    for model in (StockMovement, StockBalance):
        base = f"/admin/django_stock/{model._meta.model_name}/"
        assert admin_client.get(base).status_code == 200
        assert admin_client.get(f"{base}add/").status_code == 403
        row = model.objects.get()
        assert admin_client.get(f"{base}{row.pk}/change/").status_code == 200
        assert admin_client.get(f"{base}{row.pk}/delete/").status_code == 403
    assert b"+5" in admin_client.get("/admin/django_stock/stockmovement/").content


@pytest.mark.django_db
def test_items_locations_and_lots_have_admin_pages(admin_client, store, make_lot):
    make_lot(expires_in=3)
    make_lot(expires_in=None)
    for name in ("stockitem", "location", "lot"):
        assert admin_client.get(f"/admin/django_stock/{name}/").status_code == 200
    assert b"#ba2121" in admin_client.get("/admin/django_stock/lot/").content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("block_selected", "active", "blocked"),
        ("unblock_selected", "blocked", "active"),
        ("recall_selected", "active", "recalled"),
    ],
)
def test_lot_status_actions_go_through_the_services(admin_client, admin_user, make_lot, action, before, after):
    lot = make_lot(status=before)
    response = admin_client.post(
        "/admin/django_stock/lot/", {"action": action, "_selected_action": [str(lot.pk)]}, follow=True
    )
    assert response.status_code == 200
    assert Lot.objects.get(pk=lot.pk).status == after
    assert Decision.objects.for_target(lot).get().actor == admin_user


@pytest.mark.django_db
def test_a_refused_status_action_is_reported(admin_client, make_lot):
    lot = make_lot(status="recalled")
    response = admin_client.post(
        "/admin/django_stock/lot/", {"action": "block_selected", "_selected_action": [str(lot.pk)]}, follow=True
    )
    assert "is recalled: it must be active to become blocked" in response.content.decode()
    assert Lot.objects.get(pk=lot.pk).status == "recalled"


@pytest.mark.django_db
def test_the_recall_action_is_offered_only_with_the_recall_permission(client, django_user_model, settings, lot):
    from django.contrib.auth.models import Permission

    staff = django_user_model.objects.create_user(username="staff", password="pw", is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_lot", "change_lot"]))
    client.force_login(staff)
    page = client.get("/admin/django_stock/lot/").content
    assert b"block_selected" in page and b"recall_selected" not in page
    settings.STOCK_RECALL_PERMISSION = None
    assert b"recall_selected" in client.get("/admin/django_stock/lot/").content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "before", "after"), [("block_selected", "active", "blocked"), ("unblock_selected", "blocked", "active")]
)
def test_item_status_actions_go_through_the_services(admin_client, admin_user, item, action, before, after):
    StockItem.objects.filter(pk=item.pk).update(status=before)
    response = admin_client.post(
        "/admin/django_stock/stockitem/", {"action": action, "_selected_action": [str(item.pk)]}, follow=True
    )
    assert response.status_code == 200
    assert StockItem.objects.get(pk=item.pk).status == after
    assert Decision.objects.for_target(item).get().actor == admin_user
    assert b"status" in admin_client.get(f"/admin/django_stock/stockitem/{item.pk}/change/").content


@pytest.mark.django_db
def test_a_refused_item_action_is_reported(admin_client, item):
    selected = {"action": "unblock_selected", "_selected_action": [str(item.pk)]}
    response = admin_client.post("/admin/django_stock/stockitem/", selected, follow=True)
    assert "is active: it must be blocked to become active" in response.content.decode()
    assert not Decision.objects.exists()
