"""System checks and the admin pages."""

from __future__ import annotations

import pytest
from django.core import checks
from django.urls import reverse

from django_ledger.checks import check_settings
from django_ledger.models import Transaction


def ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_a_correct_configuration_passes_the_checks():
    assert check_settings() == []


@pytest.mark.parametrize("value", ["reverse_transaction", 7, "a.b.c"])
def test_a_malformed_reversal_permission_is_an_error(settings, value):
    settings.LEDGER_REVERSAL_PERMISSION = value
    assert ids(check_settings()) == ["django_ledger.E001"]


def test_no_reversal_permission_is_allowed(settings):
    settings.LEDGER_REVERSAL_PERMISSION = None
    assert check_settings() == []


@pytest.mark.parametrize("app", ["django_decisioning", "django_basemodels"])
def test_a_missing_companion_app_is_an_error(settings, app):
    settings.INSTALLED_APPS = [installed for installed in settings.INSTALLED_APPS if installed != app]
    assert ids(check_settings()) == ["django_ledger.E002"]


def test_naive_datetimes_are_warned_about(settings):
    settings.USE_TZ = False
    assert ids(check_settings()) == ["django_ledger.W001"]


def test_the_checks_are_registered():
    assert check_settings in checks.registry.registry.get_checks()


@pytest.fixture
def admin(admin_client, sale):
    return admin_client


@pytest.mark.parametrize("model", ["account", "transaction", "entry"])
def test_the_changelists_render(admin, model):
    assert admin.get(reverse(f"admin:django_ledger_{model}_changelist")).status_code == 200


def test_a_posted_transaction_is_shown_read_only_and_cannot_be_deleted(admin, sale):
    page = admin.get(reverse("admin:django_ledger_transaction_change", args=[sale.pk]))
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin.get(reverse("admin:django_ledger_transaction_delete", args=[sale.pk])).status_code == 403


def test_a_draft_transaction_can_be_deleted_in_the_admin(admin_client, db):
    draft = Transaction.objects.create(description="Draft")
    response = admin_client.post(reverse("admin:django_ledger_transaction_delete", args=[draft.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Transaction.objects.filter(pk=draft.pk).exists()


def test_transactions_and_entries_cannot_be_added_in_the_admin(admin):
    assert admin.get(reverse("admin:django_ledger_transaction_add")).status_code == 403
    assert admin.get(reverse("admin:django_ledger_entry_add")).status_code == 403


def test_an_entry_page_is_read_only(admin, sale):
    entry = sale.entries.first()
    page = admin.get(reverse("admin:django_ledger_entry_change", args=[entry.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin.get(reverse("admin:django_ledger_entry_delete", args=[entry.pk])).status_code == 403


def test_an_account_with_entries_has_its_currency_and_type_read_only(admin, cash):
    page = admin.get(reverse("admin:django_ledger_account_change", args=[cash.pk]))
    assert page.status_code == 200
    assert b'name="currency"' not in page.content and b'name="account_type"' not in page.content
    assert admin.get(reverse("admin:django_ledger_account_delete", args=[cash.pk])).status_code == 403


def test_a_new_account_can_be_added_in_the_admin(admin_client, db):
    response = admin_client.post(
        reverse("admin:django_ledger_account_add"),
        {"code": "1000", "name": "Cash", "account_type": "asset", "currency": "USD"},
    )
    assert response.status_code == 302
    assert admin_client.get(reverse("admin:django_ledger_account_add")).status_code == 200


def test_an_account_without_entries_keeps_its_type_editable(admin_client, rent):
    page = admin_client.get(reverse("admin:django_ledger_account_change", args=[rent.pk]))
    assert b'name="account_type"' in page.content and b'name="currency"' not in page.content
