"""System checks for wrong settings, and the read-only admin of every model."""

import pytest
from django.core import checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from django_settlements import record_obligation, record_payment, reserve_credit, set_credit_limit
from django_settlements.checks import check_settings
from django_settlements.models import Allocation, CreditLimit, CreditMovement, Obligation, Settlement
from tests.conftest import eur


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_default_settings_pass_the_checks():
    assert check_settings() == []
    assert check_settings in checks.registry.registry.get_checks()


@pytest.mark.django_db
def test_the_whole_project_passes_the_system_checks_with_the_database_ones_without_warnings():
    call_command("check", "--database", "default", fail_level="WARNING")


@pytest.mark.parametrize("value", ["reverse_settlement", "a.b.c", ".reverse", 7, ["a.b"]])
def test_a_reverse_permission_that_is_not_app_label_dot_codename_is_an_error(settings, value):
    settings.SETTLEMENTS_REVERSE_PERMISSION = value

    assert ids(check_settings()) == ["django_settlements.E001"]


@pytest.mark.parametrize("value", ["change_creditlimit", "a.b.c", 7])
def test_a_credit_limit_permission_that_is_not_app_label_dot_codename_is_an_error(settings, value):
    settings.SETTLEMENTS_CREDIT_LIMIT_PERMISSION = value

    assert ids(check_settings()) == ["django_settlements.E005"]


@pytest.mark.parametrize("value", [None, "django_settlements.reverse_settlement", "auth.change_user"])
def test_a_reverse_permission_or_none_passes(settings, value):
    settings.SETTLEMENTS_REVERSE_PERMISSION = value

    assert check_settings() == []


@pytest.mark.parametrize("value", ["nowhere.at_all", "tests.test_obligations_covered.APRIL_1", 3, ""])
def test_a_budget_debtor_that_is_no_callable_is_an_error(settings, value):
    settings.SETTLEMENTS_BUDGET_DEBTOR = value

    assert ids(check_settings()) == ["django_settlements.E002"]


def test_a_budget_debtor_callable_passes(settings):
    settings.SETTLEMENTS_BUDGET_DEBTOR = "tests.test_obligations_covered.owner_of"

    assert check_settings() == []


@pytest.mark.parametrize("value", [0, -1, "100", True])
def test_a_text_limit_that_is_not_a_positive_int_is_an_error(settings, value):
    settings.SETTLEMENTS_MAX_TEXT_LENGTH = value

    assert ids(check_settings()) == ["django_settlements.E003"]


def test_missing_apps_are_errors():
    from django.apps import apps

    installed = [app.name for app in apps.get_app_configs() if app.name != "django_decisioning"]
    with override_settings(INSTALLED_APPS=installed):
        messages = check_settings()
    assert ids(messages) == ["django_settlements.E004"]
    assert "django_decisioning" in messages[0].msg


def test_use_tz_false_is_warned(settings):
    settings.USE_TZ = False

    assert ids(check_settings()) == ["django_settlements.W001"]


def test_a_reason_longer_than_the_setting_is_refused(settings, db, alice, bob, manager):
    from django_settlements import InvalidSettlementError, cancel_obligation

    settings.SETTLEMENTS_MAX_TEXT_LENGTH = 5
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(1))

    with pytest.raises(InvalidSettlementError, match="at most 5"):
        cancel_obligation(obligation, reason="Too long", by=manager)


# --- admin -----------------------------------------------------------------------------------------------


@pytest.fixture
def facts(alice, bob, wholesaler, pharmacy):
    obligation = record_obligation(debtor=bob, creditor=alice, amount=eur(10))
    record_payment(payer=bob, payee=alice, amount=eur(4), obligations=[obligation])
    reserve_credit(set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(100)), amount=eur(5))


MODELS = [Obligation, Settlement, Allocation, CreditLimit, CreditMovement]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_admin_lists_and_shows_every_model_read_only(admin_client, facts, model):
    name = model._meta.model_name
    row = model.objects.first()

    listing = admin_client.get(reverse(f"admin:django_settlements_{name}_changelist"))
    page = admin_client.get(reverse(f"admin:django_settlements_{name}_change", args=[row.pk]))
    add = admin_client.get(reverse(f"admin:django_settlements_{name}_add"))
    change = admin_client.post(reverse(f"admin:django_settlements_{name}_change", args=[row.pk]), {})
    delete = admin_client.post(reverse(f"admin:django_settlements_{name}_delete", args=[row.pk]), {"post": "yes"})

    assert listing.status_code == 200 and listing.context["cl"].result_count == model.objects.count()
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_the_admin_shows_a_payments_allocations(admin_client, facts):
    payment = Settlement.objects.get()

    page = admin_client.get(reverse("admin:django_settlements_settlement_change", args=[payment.pk]))

    assert page.status_code == 200
    assert "4.00" in page.content.decode() or "4.0000" in page.content.decode()


@pytest.mark.django_db
def test_the_admin_searches_facts(admin_client, facts, bob):
    response = admin_client.get(reverse("admin:django_settlements_obligation_changelist"), {"q": bob.pk.hex})

    assert response.context["cl"].result_count == 1
