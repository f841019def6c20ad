import pytest
from django.contrib.auth.models import Permission
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
    settings.STOCK_BLOCK_PERMISSION = value
    assert check_ids() == ["django_stock.E001", "django_stock.E002", "django_stock.E006"]


@pytest.mark.parametrize(
    "value", ["block_lot", "django_stock.block_lot.x", "django_stock.", ["django_stock.block_lot"]]
)
def test_a_bad_block_permission_setting_is_reported_alone(settings, value):
    settings.STOCK_BLOCK_PERMISSION = value
    [error] = check_settings()
    assert (error.id, error.level) == ("django_stock.E006", checks.ERROR)
    assert "STOCK_BLOCK_PERMISSION" in error.msg and "'django_stock.block_lot'" in error.hint


def test_permission_settings_may_be_none(settings):
    settings.STOCK_REVERSE_PERMISSION = None
    settings.STOCK_RECALL_PERMISSION = None
    settings.STOCK_BLOCK_PERMISSION = None
    assert check_ids() == []


def test_another_permission_passes_the_checks(settings):
    settings.STOCK_BLOCK_PERMISSION = "pharmacy.release_quarantine"
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


@pytest.fixture
def staff_client(client, django_user_model):
    """Logged in as a staff user who may view and change items and lots, plus the ``extra`` permissions."""

    def log_in(*extra: str):
        staff = django_user_model.objects.create_user(username="staff", is_staff=True)
        codenames = ["view_lot", "change_lot", "view_stockitem", "change_stockitem", *extra]
        staff.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="django_stock", codename__in=codenames)
        )
        client.force_login(staff)
        return client, staff

    return log_in


def offered_actions(client, model_name):
    page = client.get(f"/admin/django_stock/{model_name}/").content.decode()
    return {action for action in ("block_selected", "unblock_selected", "recall_selected") if action in page}


@pytest.mark.django_db
def test_the_recall_action_is_offered_only_with_the_recall_permission(staff_client, settings, lot):
    client, _ = staff_client("block_lot")
    assert offered_actions(client, "lot") == {"block_selected", "unblock_selected"}
    settings.STOCK_RECALL_PERMISSION = None
    assert offered_actions(client, "lot") == {"block_selected", "unblock_selected", "recall_selected"}


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["lot", "stockitem"])
def test_the_block_actions_are_not_offered_without_the_block_permission(staff_client, lot, model_name):
    client, _ = staff_client()
    assert client.get(f"/admin/django_stock/{model_name}/").status_code == 200
    assert offered_actions(client, model_name) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["lot", "stockitem"])
def test_the_block_actions_are_offered_with_the_block_permission(staff_client, lot, model_name):
    client, _ = staff_client("block_lot")
    assert offered_actions(client, model_name) == {"block_selected", "unblock_selected"}


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["lot", "stockitem"])
def test_the_block_actions_are_offered_to_every_staff_user_when_the_setting_is_none(
    staff_client, settings, lot, model_name
):
    settings.STOCK_BLOCK_PERMISSION = None
    client, _ = staff_client()
    assert {"block_selected", "unblock_selected"} <= offered_actions(client, model_name)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["block_selected", "unblock_selected"])
@pytest.mark.parametrize("model", [Lot, StockItem])
def test_a_block_action_posted_without_the_block_permission_is_not_run(staff_client, lot, model, action):
    row = lot if model is Lot else lot.item
    before = "blocked" if action == "unblock_selected" else "active"
    model.objects.filter(pk=row.pk).update(status=before)
    client, _ = staff_client()
    selected = {"action": action, "_selected_action": [str(row.pk)]}

    response = client.post(f"/admin/django_stock/{model._meta.model_name}/", selected, follow=True)

    assert response.status_code == 200
    assert "may not" not in response.content.decode()  # not run and refused by the service: not run at all
    assert model.objects.get(pk=row.pk).status == before
    assert not Decision.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "before", "after"), [("block_selected", "active", "blocked"), ("unblock_selected", "blocked", "active")]
)
@pytest.mark.parametrize("model", [Lot, StockItem])
def test_a_block_action_runs_for_a_user_with_the_block_permission(staff_client, lot, model, action, before, after):
    row = lot if model is Lot else lot.item
    model.objects.filter(pk=row.pk).update(status=before)
    client, staff = staff_client("block_lot")
    selected = {"action": action, "_selected_action": [str(row.pk)]}

    client.post(f"/admin/django_stock/{model._meta.model_name}/", selected, follow=True)

    assert model.objects.get(pk=row.pk).status == after
    assert Decision.objects.for_target(row).get().actor == staff


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
