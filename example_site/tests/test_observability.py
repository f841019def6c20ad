"""/healthz, /readyz, /metrics and the request id on log lines."""

import logging
import types

from django.db import connection
from rest_framework.test import APIClient

from clinic.observability import RequestIdFilter
from django_audit_log import audit_context
from tests.helpers import post


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no db fixture: a query would fail the test
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_when_everything_is_in_place(client, db):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ready"
    assert {name: check["ok"] for name, check in response.json()["checks"].items()} == {
        "database": True,
        "migrations": True,
        "guarantees": True,
    }


def test_readyz_names_a_missing_guarantee(client, db):
    trigger = "django_ledger_entry_posted_is_final_update"
    with connection.cursor() as cursor:
        cursor.execute(
            f"DROP TRIGGER {trigger}" + (" ON django_ledger_entry" if connection.vendor == "postgresql" else "")
        )
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "not ready"
    assert response.json()["checks"]["guarantees"]["problems"] == [
        f"django_ledger.Entry (posted_is_final): trigger {trigger} on table django_ledger_entry is missing"
    ]


def test_readyz_names_a_pending_migration(client, db, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    real_plan = MigrationExecutor.migration_plan

    def plan_with_one_pending(self, targets, clean_start=False):
        migration = self.loader.graph.nodes[("clinic", "0001_initial")]
        return [*real_plan(self, targets, clean_start), (migration, False)]

    monkeypatch.setattr(MigrationExecutor, "migration_plan", plan_with_one_pending)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"]["problems"] == ["migration clinic.0001_initial is not applied"]


def test_metrics_count_requests_and_the_clinics_operations(client, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = post(api("vet"), "parties/persons/", {"given_name": "M"}, key="metrics-1")
        replay = post(api("vet"), "parties/persons/", {"given_name": "M"}, key="metrics-1")
    assert first["Idempotent-Replayed"] == "false" and replay["Idempotent-Replayed"] == "true"
    metrics = client.get("/metrics").content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in metrics
    assert "django_http_requests_latency_seconds_by_view_method_bucket" in metrics
    assert 'clinic_api_writes_total{operation="parties.create_person"}' in metrics
    assert 'clinic_idempotent_replays_total{operation="parties.create_person"}' in metrics
    for name in ("clinic_ledger_postings_total", "clinic_stock_issues_total", "clinic_lock_wait_seconds"):
        assert f"# TYPE {name.removesuffix('_total')}" in metrics


def test_metrics_count_postings_and_stock_issues(client, api, django_capture_on_commit_callbacks):
    from django_stock.models import Lot

    with django_capture_on_commit_callbacks(execute=True):
        issued = post(
            api("vet"),
            "stock/issue/",
            {"lot": str(Lot.objects.get(lot_number="SAL-2402").pk), "location": "PHARM", "quantity": 1},
        )
        posted = post(
            api("accountant"),
            "ledger/transactions/",
            {
                "description": "Petty cash",
                "entries": [
                    {"account": "5000", "entry_type": "debit", "amount": "5.00"},
                    {"account": "1000", "entry_type": "credit", "amount": "5.00"},
                ],
            },
        )
    assert issued.status_code == 201 and posted.status_code == 201
    metrics = client.get("/metrics").content.decode()
    assert 'clinic_stock_issues_total{operation="stock.issue"}' in metrics
    assert 'clinic_ledger_postings_total{operation="ledger.post_transaction"}' in metrics


def test_log_lines_carry_the_request_id():
    record = logging.LogRecord("clinic", logging.INFO, __file__, 1, "hello", None, None)
    with audit_context(request_id="req-42"):
        RequestIdFilter().filter(record)
    assert record.request_id == "req-42"
    refused = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Unauthorized", None, None)
    refused.request = types.SimpleNamespace(request_id="req-43")  # logged after the middleware left
    RequestIdFilter().filter(refused)
    assert refused.request_id == "req-43"
    outside = logging.LogRecord("clinic", logging.INFO, __file__, 1, "hello", None, None)
    RequestIdFilter().filter(outside)
    assert outside.request_id == "-"


def test_a_response_names_its_request_id(db):
    response = APIClient().get("/api/v1/", HTTP_X_REQUEST_ID="trace-7")
    assert response.status_code == 401 and response["X-Request-ID"] == "trace-7"
