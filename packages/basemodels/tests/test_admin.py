"""SoftDeleteAdminMixin through the real admin (tests/testapp/admin.py, tests/urls.py)."""

import pytest
from django.contrib import admin
from django.contrib.admin import site
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from django_basemodels.admin import DeletedListFilter, SoftDeleteAdminMixin
from tests.testapp.models import Invoice, InvoiceLine

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:testapp_invoice_changelist")


@pytest.fixture
def superuser_client() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("admin", "admin@example.com", "pw"))
    return client


@pytest.fixture
def live_and_deleted() -> tuple[Invoice, Invoice]:
    live = Invoice.objects.create(number="LIVE-1")
    deleted = Invoice.objects.create(number="GONE-1")
    deleted.delete()
    return live, deleted


def listed(response) -> set[str]:
    return {invoice.number for invoice in response.context["cl"].result_list}


def test_changelist_hides_deleted_rows_by_default(superuser_client, live_and_deleted):
    assert listed(superuser_client.get(CHANGELIST)) == {"LIVE-1"}


def test_changelist_shows_only_deleted_rows_with_the_yes_filter(superuser_client, live_and_deleted):
    assert listed(superuser_client.get(CHANGELIST, {"deleted": "yes"})) == {"GONE-1"}


def test_changelist_shows_every_row_with_the_all_filter(superuser_client, live_and_deleted):
    assert listed(superuser_client.get(CHANGELIST, {"deleted": "all"})) == {"LIVE-1", "GONE-1"}


def test_unknown_filter_value_shows_live_rows(superuser_client, live_and_deleted):
    assert listed(superuser_client.get(CHANGELIST, {"deleted": "maybe"})) == {"LIVE-1"}


def deleted_filter_choices(response) -> list[tuple[str, bool]]:
    [spec] = [spec for spec in response.context["cl"].filter_specs if isinstance(spec, DeletedListFilter)]
    return [(str(choice["display"]), choice["selected"]) for choice in spec.choices(response.context["cl"])]


def test_filter_offers_no_yes_all_with_no_selected_by_default(superuser_client, live_and_deleted):
    assert deleted_filter_choices(superuser_client.get(CHANGELIST)) == [("No", True), ("Yes", False), ("All", False)]


def test_filter_marks_the_chosen_value_selected(superuser_client, live_and_deleted):
    choices = deleted_filter_choices(superuser_client.get(CHANGELIST, {"deleted": "all"}))
    assert choices == [("No", False), ("Yes", False), ("All", True)]


def test_filter_shows_counts_when_facets_are_on(superuser_client, live_and_deleted):
    choices = deleted_filter_choices(superuser_client.get(CHANGELIST, {"_facets": "1"}))
    assert [display for display, _ in choices] == ["No (1)", "Yes (1)", "All (2)"]


def test_changelist_has_a_deleted_column_with_the_deletion_time(superuser_client, live_and_deleted):
    _, deleted = live_and_deleted
    response = superuser_client.get(CHANGELIST, {"deleted": "yes"})
    assert response.context["cl"].list_display[-1] == "deleted_on"
    assert formats.localize(timezone.template_localtime(deleted.deleted_at)) in response.text


def test_deleted_column_is_empty_for_live_rows(superuser_client, live_and_deleted):
    live, _ = live_and_deleted
    response = superuser_client.get(CHANGELIST)
    assert list(response.context["cl"].result_list) == [live]
    assert site._registry[Invoice].deleted_on(live) is None
    assert f'<td class="field-deleted_on">{site.empty_value_display}</td>' in response.text


def test_change_page_of_a_deleted_row_is_reachable(superuser_client, live_and_deleted):
    _, deleted = live_and_deleted
    response = superuser_client.get(reverse("admin:testapp_invoice_change", args=[deleted.pk]))
    assert response.status_code == 200


def restore(client: Client, *invoices: Invoice):
    return client.post(
        f"{CHANGELIST}?deleted=yes",
        {"action": "restore_selected", "_selected_action": [str(invoice.pk) for invoice in invoices]},
        follow=True,
    )


def test_restore_action_restores_the_selected_rows(superuser_client, live_and_deleted):
    _, deleted = live_and_deleted
    response = restore(superuser_client, deleted)
    assert Invoice.objects.filter(pk=deleted.pk).exists()
    assert [str(message) for message in get_messages(response.wsgi_request)] == ["Restored 1 invoice."]


def test_restore_action_reports_a_live_uniqueness_conflict_and_restores_nothing(superuser_client, live_and_deleted):
    _, deleted = live_and_deleted
    Invoice.objects.create(number=deleted.number)
    response = restore(superuser_client, deleted)
    assert Invoice.deleted_objects.filter(pk=deleted.pk).exists()
    [message] = get_messages(response.wsgi_request)
    assert message.level_tag == "error"
    assert "Nothing was restored" in str(message)


def test_delete_view_soft_deletes(superuser_client, live_and_deleted):
    live, _ = live_and_deleted
    superuser_client.post(reverse("admin:testapp_invoice_delete", args=[live.pk]), {"post": "yes"})
    assert Invoice.deleted_objects.filter(pk=live.pk).exists()


def test_delete_selected_action_soft_deletes(superuser_client, live_and_deleted):
    live, _ = live_and_deleted
    superuser_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [str(live.pk)], "post": "yes"})
    assert Invoice.deleted_objects.filter(pk=live.pk).exists()


def test_delete_confirmation_lists_only_the_row_not_its_children(superuser_client, live_and_deleted):
    live, _ = live_and_deleted
    InvoiceLine.objects.create(invoice=live, amount=5)
    response = superuser_client.get(reverse("admin:testapp_invoice_delete", args=[live.pk]))
    assert response.context["deleted_objects"] == ["Invoice: Invoice LIVE-1"]
    assert dict(response.context["model_count"]) == {"invoices": 1}


def test_restore_action_needs_the_change_permission(live_and_deleted):
    viewer = User.objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["view_invoice", "delete_invoice"]))
    client = Client()
    client.force_login(viewer)
    actions = client.get(CHANGELIST).context["action_form"].fields["action"].choices
    assert "restore_selected" not in [name for name, _ in actions]
    assert "delete_selected" in [name for name, _ in actions]


def test_restore_action_is_added_to_the_admins_own_actions():
    class WithActions(SoftDeleteAdminMixin, admin.ModelAdmin):
        actions = ["mark_paid"]

    assert WithActions(Invoice, admin.AdminSite()).actions == ["mark_paid", "restore_selected"]


def test_admin_without_actions_stays_without_actions():
    class WithoutActions(SoftDeleteAdminMixin, admin.ModelAdmin):
        actions = None

    assert WithoutActions(Invoice, admin.AdminSite()).actions is None


def test_autocomplete_of_other_admins_offers_only_live_rows(superuser_client, live_and_deleted):
    response = superuser_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "testapp", "model_name": "invoiceline", "field_name": "invoice", "term": "1"},
    )
    assert [result["text"] for result in response.json()["results"]] == ["Invoice LIVE-1"]


def test_an_org_owned_rows_organization_is_chosen_when_added_and_fixed_afterwards(superuser_client):
    from tests.testapp.models import Branch

    response = superuser_client.post(reverse("admin:testapp_branch_add"), {"org_key": "org-a", "code": "PHARM"})
    assert response.status_code == 302
    branch = Branch.objects.get()
    response = superuser_client.post(
        reverse("admin:testapp_branch_change", args=[branch.pk]), {"org_key": "org-b", "code": "MAIN"}
    )
    assert response.status_code == 302
    branch.refresh_from_db()
    assert (branch.org_key, branch.code) == ("org-a", "MAIN")


def test_a_natural_key_twice_in_one_organization_is_a_form_error_on_the_change_page(superuser_client):
    from tests.testapp.models import Branch

    Branch.objects.create(org="org-a", code="PHARM")
    other = Branch.objects.create(org="org-a", code="MAIN")
    Branch.objects.create(org="org-b", code="SHOP")
    change = reverse("admin:testapp_branch_change", args=[other.pk])
    response = superuser_client.post(change, {"code": "PHARM"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert superuser_client.post(change, {"code": "SHOP"}).status_code == 302  # another organization's key


def test_a_user_who_may_only_view_opens_an_org_owned_rows_page(client, django_user_model):
    from django.contrib.auth.models import Permission

    from tests.testapp.models import Branch

    branch = Branch.objects.create(org="org-a", code="PHARM")
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_branch"))
    client.force_login(viewer)
    assert client.get(reverse("admin:testapp_branch_change", args=[branch.pk])).status_code == 200
