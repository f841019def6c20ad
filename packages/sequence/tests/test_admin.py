"""Admin: definitions are editable and validated; counters are view-only."""

import pytest
from django.urls import reverse

from django_sequence import define_sequence, next_value
from django_sequence.models import SequenceCounter, SequenceDefinition

pytestmark = pytest.mark.django_db


def definition_form(**overrides):
    data = {
        "scope": "invoice",
        "gap_policy": "gapless",
        "prefix": "INV-",
        "padding": "4",
        "template": "{prefix}{year}-{value:0{padding}d}",
        "period": "auto",
        "start_value": "1",
    }
    return {**data, **overrides}


def test_definition_list_shows_the_first_number(admin_client):
    define_sequence(scope="invoice", prefix="INV-")
    response = admin_client.get(reverse("admin:django_sequence_sequencedefinition_changelist"))
    assert response.status_code == 200
    assert "INV-0001" in response.content.decode()


def test_definition_can_be_added_in_the_admin(admin_client):
    response = admin_client.post(reverse("admin:django_sequence_sequencedefinition_add"), definition_form())
    assert response.status_code == 302
    assert SequenceDefinition.objects.get().template == "{prefix}{year}-{value:0{padding}d}"


def test_admin_refuses_a_template_with_an_unknown_placeholder_and_names_it(admin_client):
    response = admin_client.post(
        reverse("admin:django_sequence_sequencedefinition_add"), definition_form(template="{prefix}{number}")
    )
    assert response.status_code == 200
    assert "Unknown placeholder {number}" in response.content.decode()
    assert not SequenceDefinition.objects.exists()


def test_admin_refuses_a_period_the_template_cannot_show(admin_client):
    response = admin_client.post(
        reverse("admin:django_sequence_sequencedefinition_add"), definition_form(template="{value}", period="month")
    )
    assert response.status_code == 200
    assert "no {year}" in response.content.decode()


def test_admin_refuses_a_padding_over_twenty(admin_client):
    response = admin_client.post(reverse("admin:django_sequence_sequencedefinition_add"), definition_form(padding="21"))
    assert response.status_code == 200
    assert not SequenceDefinition.objects.exists()


def test_definition_change_page_shows_the_reset_period(admin_client):
    definition = define_sequence(scope="invoice", template="{year}{month:02d}-{value}")
    response = admin_client.get(reverse("admin:django_sequence_sequencedefinition_change", args=[definition.pk]))
    assert response.status_code == 200
    assert "month" in response.content.decode()


def test_invalid_stored_definition_is_shown_as_invalid(admin_client):
    define_sequence(scope="invoice")
    SequenceDefinition.objects.update(template="{number}")
    response = admin_client.get(reverse("admin:django_sequence_sequencedefinition_changelist"))
    assert "invalid: Unknown placeholder {number}" in response.content.decode()


def test_counters_are_listed(admin_client):
    next_value("invoice", "acme")
    response = admin_client.get(reverse("admin:django_sequence_sequencecounter_changelist"))
    assert response.status_code == 200
    assert "acme" in response.content.decode()


def test_counter_cannot_be_changed_in_the_admin(admin_client):
    next_value("invoice")
    counter = SequenceCounter.objects.get()
    url = reverse("admin:django_sequence_sequencecounter_change", args=[counter.pk])
    response = admin_client.post(url, {"scope": "invoice", "org_key": "", "period_key": "", "last_value": "0"})
    assert response.status_code == 403
    counter.refresh_from_db()
    assert counter.last_value == 1


def test_counter_page_is_view_only(admin_client):
    next_value("invoice")
    counter = SequenceCounter.objects.get()
    response = admin_client.get(reverse("admin:django_sequence_sequencecounter_change", args=[counter.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()


def test_counter_cannot_be_added_or_deleted_in_the_admin(admin_client):
    next_value("invoice")
    counter = SequenceCounter.objects.get()
    add = admin_client.get(reverse("admin:django_sequence_sequencecounter_add"))
    delete = admin_client.post(
        reverse("admin:django_sequence_sequencecounter_delete", args=[counter.pk]), {"post": "yes"}
    )
    assert (add.status_code, delete.status_code) == (403, 403)
    assert SequenceCounter.objects.exists()
