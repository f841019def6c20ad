"""The README's walk-through, through the API, on SQLite and PostgreSQL (whichever DATABASE_URL names)."""

import re

from rest_framework.test import APIClient

from clinic.models import Invoice
from clinic.walkthrough import run_walkthrough
from django_audit_log.models import AuditLog
from django_catalog.models import DispenseLog, WorkItem
from django_documents import documents_for
from django_encounters.models import Encounter
from django_ledger.models import Entry
from django_ledger.selectors import trial_balance
from django_stock.models import StockMovement
from django_worklog.models import WorkSession


def _signed_in(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_walkthrough_takes_a_visit_from_check_in_to_the_books(user):
    lines = []
    result = run_walkthrough(_signed_in(user("vet")), _signed_in(user("accountant")), out=lines.append)

    visit = Encounter.objects.get(pk=result["encounter"])
    assert visit.state == "billed" and visit.ended_at is not None
    assert [t.to_state for t in visit.transitions.order_by("sequence")] == [
        "in_consultation",
        "awaiting_billing",
        "billed",
    ]

    # work items: one per ordered line, both completed; the consultation was timed by the server
    assert sorted(WorkItem.objects.for_encounter(visit).values_list("board", "status")) == [
        ("consultation", "completed"),
        ("pharmacy", "completed"),
    ]
    session = WorkSession.objects.get(pk=result["session"])
    assert session.stopped_at is not None and session.duration_seconds >= 0

    # the medicine left the pharmacy FEFO: the lot expiring in 12 days, not the one in 400
    assert result["lots_issued"] == [("AMX-2401", 2)]
    pharmacy_item = WorkItem.objects.for_encounter(visit).get(board="pharmacy")
    assert list(StockMovement.objects.for_reference(pharmacy_item).values_list("lot__lot_number", "quantity")) == [
        ("AMX-2401", 2)
    ]
    assert DispenseLog.objects.filter(work_item=pharmacy_item, quantity=2).exists()

    # invoice number from the sequence, posted to the ledger with the invoice as source
    invoice = Invoice.objects.get(number=result["invoice"])
    assert re.fullmatch(r"INV-\d{4}-0001", invoice.number)
    assert str(invoice.total.amount) == "77.0000" and result["invoice_total"] == "77.00"  # 60.00 + 2 x 8.50
    entries = Entry.objects.for_source(invoice)
    assert sorted((e.account.code, e.entry_type, str(e.amount)) for e in entries) == [
        ("1100", "debit", "77.0000"),
        ("4000", "credit", "60.0000"),
        ("4100", "credit", "17.0000"),
    ]
    assert trial_balance().is_balanced

    # the month's income in the budget, and a copy of the invoice kept as a document
    assert invoice.budget_transaction.amount == invoice.total.amount and result["budget_income_added"] == "77.0000"
    [document] = documents_for(invoice)
    assert document.original_filename == f"{invoice.number}.txt" and document.retention_policy == "invoice"
    assert b"77.00 EUR" in document.file.open("rb").read()

    # every write is in the audit log, with the actor and the request id
    assert len(result["audited_requests"]) == 15  # the retried invoice request wrote nothing
    for request_id, entries in result["audited_requests"].items():
        api_entries = [(action, actor) for action, actor in entries if action.startswith("api.")]
        assert len(api_entries) == 1, request_id  # plus field diffs of tracked models (a new person, the invoice)
        assert {actor for _, actor in entries} <= {"vet", "accountant"}
    billing = AuditLog.objects.get(action="api.clinic.bill_visit")
    assert billing.actor.username == "accountant" and billing.request_id and billing.object_id == invoice.pk.hex
    assert any("/clinic/visits/" in line for line in lines)


def test_walkthrough_runs_twice_with_consecutive_invoice_numbers(user):
    clients = (_signed_in(user("vet")), _signed_in(user("accountant")))
    first = run_walkthrough(*clients, out=lambda line: None)
    second = run_walkthrough(*clients, out=lambda line: None)
    assert int(second["invoice"][-4:]) == int(first["invoice"][-4:]) + 1
    # the near-expiry lot had 6 boxes: 2 + 2 used, still first in line
    assert second["lots_issued"] == [("AMX-2401", 2)]
