import pytest

from django_audit_log import log_event
from django_audit_log.models import AuditLog

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/django_audit_log/auditlog/"


@pytest.fixture
def entry():
    return log_event("login", metadata={"method": "oauth"}, sensitivity="high")


def test_changelist_lists_entries_with_its_filters(admin_client, entry):
    response = admin_client.get(CHANGELIST)
    assert response.status_code == 200
    assert str(entry.pk) in response.content.decode()
    filters = {spec.title for spec in response.context["cl"].filter_specs}
    assert filters == {"action", "model label", "sensitivity", "recorded at"}


@pytest.mark.parametrize(
    "query", ["action=login", "sensitivity__exact=high", "model_label=", "recorded_at__year=2026", "q=login"]
)
def test_changelist_filters_answer(admin_client, entry, query):
    assert admin_client.get(f"{CHANGELIST}?{query}").status_code == 200


def test_entry_page_shows_the_entry_read_only(admin_client, entry):
    response = admin_client.get(f"{CHANGELIST}{entry.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "oauth" in content
    assert 'name="_save"' not in content


def test_admin_cannot_add_entries(admin_client):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}add/", {"action": "forged"}).status_code == 403
    assert not AuditLog.objects.exists()


def test_admin_cannot_change_entries(admin_client, entry):
    assert admin_client.post(f"{CHANGELIST}{entry.pk}/change/", {"action": "forged"}).status_code == 403
    assert AuditLog.objects.get(pk=entry.pk).action == "login"


def test_admin_cannot_delete_entries(admin_client, entry):
    assert admin_client.post(f"{CHANGELIST}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_changelist_offers_no_bulk_actions(admin_client, entry):
    assert "action-select" not in admin_client.get(CHANGELIST).content.decode()
