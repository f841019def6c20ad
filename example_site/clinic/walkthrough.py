"""The walk-through of the README, as code: one visit from check-in to the books, through the REST API only.

open a visit -> basket -> commit -> work items -> a timed work session -> medicine issued FEFO ->
invoice number from a sequence -> ledger posting -> budget updated -> every step in the audit log.

``run_walkthrough(clinician, accountant)`` takes two API clients (``rest_framework.test.APIClient``
or anything with the same ``get``/``post``), signed in as a clinician (``vet``) and an accountant,
makes each call of the README in order, checks each answer, and returns what it made. Every POST
carries an ``Idempotency-Key``; the invoice request is sent twice to show that a retry changes
nothing. ``manage.py run_walkthrough`` runs it against the site's own database; the test suite
runs it on SQLite and PostgreSQL (``tests/test_walkthrough.py``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

API = "/api/v1"


class WalkthroughFailed(AssertionError):
    """An API call answered something other than what the walk-through expects."""


class Caller:
    """Makes one API call, checks its status, prints it, and remembers the request ids of writes."""

    def __init__(self, client: Any, name: str, run: str, out: Callable[[str], None]) -> None:
        self.client, self.name, self.run, self.out = client, name, run, out
        self.write_request_ids: list[str] = []

    def get(self, path: str, *, expect: int = 200) -> Any:
        response = self.client.get(API + path)
        return self._check("GET", path, response, expect)

    def post(self, path: str, data: dict | None = None, *, key: str, expect: int = 201) -> Any:
        response = self.client.post(
            API + path, data or {}, format="json", HTTP_IDEMPOTENCY_KEY=f"walkthrough-{self.run}-{key}"
        )
        body = self._check("POST", path, response, expect)
        self.last_response = response
        if response.get("Idempotent-Replayed") != "true":  # a replay wrote nothing, so it has no entry
            self.write_request_ids.append(response["X-Request-ID"])
        return body

    def _check(self, method: str, path: str, response: Any, expect: int) -> Any:
        body = response.json()
        self.out(f"{self.name:>10}  {method:4} {API + path} -> {response.status_code}")
        if response.status_code != expect:
            raise WalkthroughFailed(f"{method} {path}: expected {expect}, got {response.status_code}: {body}")
        return body


def run_walkthrough(clinician: Any, accountant: Any, *, out: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the README's walk-through; return the ids and numbers it produced. Raises ``WalkthroughFailed``."""
    run = uuid.uuid4().hex[:8]  # idempotency keys unique to this run
    vet = Caller(clinician, "vet", run, out)
    desk = Caller(accountant, "accountant", run, out)

    # 1. A patient checks in: a person (parties), then a visit (encounters).
    patient = vet.post("/parties/persons/", {"given_name": "Rosa", "family_name": "Marquez"}, key="patient")
    visit = vet.post("/encounters/", {"definition": "clinic_visit", "subject": patient["id"]}, key="visit")
    allowed = vet.get(f"/encounters/{visit['id']}/allowed-transitions/")
    _expect("in_consultation" in allowed["allowed"], f"in_consultation not allowed from {allowed}")
    vet.post(f"/encounters/{visit['id']}/transition/", {"to_state": "in_consultation"}, key="consult")
    note = {"target_type": "encounter", "target_id": visit["id"], "content": "Sore throat for 3 days, no fever."}
    vet.post("/notes/", note, key="note")

    # 2. The clinician orders a consultation and a medicine (catalog), then commits the basket.
    catalog = {item["display_name"]: item for item in vet.get("/catalog/items/")["results"]}
    consultation, medicine = catalog["General consultation"], catalog["Amoxicillin 500 mg, box of 12"]
    basket = vet.post("/catalog/baskets/", {"encounter": visit["id"]}, key="basket")
    vet.post(f"/catalog/baskets/{basket['id']}/items/", {"catalog_item": consultation["id"]}, key="line-1")
    vet.post(f"/catalog/baskets/{basket['id']}/items/", {"catalog_item": medicine["id"], "quantity": 2}, key="line-2")
    work_items = {item["board"]: item for item in vet.post(f"/catalog/baskets/{basket['id']}/commit/", key="commit")}

    # 3. The consultation is worked on, timed by the server (worklog).
    consult = work_items["consultation"]
    vet.post(f"/catalog/work-items/{consult['id']}/start/", key="start-consult")
    vet.post("/worklog/start/", {"context_type": "work_item", "context_id": consult["id"]}, key="timer-start")
    _expect(vet.get("/worklog/active/")["session"] is not None, "no running work session")
    session = vet.post("/worklog/stop/", key="timer-stop", expect=200)
    vet.post(f"/catalog/work-items/{consult['id']}/complete/", key="complete-consult")

    # 4. The medicine is dispensed from the pharmacy: stock issued FEFO (earliest expiry first).
    movements = vet.post(f"/clinic/work-items/{work_items['pharmacy']['id']}/dispense/", key="dispense")
    vet.post(f"/encounters/{visit['id']}/transition/", {"to_state": "awaiting_billing"}, key="done")

    # 5. The accountant bills the visit: invoice number (sequence), posting (ledger), income (budget), visit billed.
    [budget] = desk.get("/budget/budgets/")["results"]
    this_month = desk.get(f"/budget/budgets/{budget['id']}/months/{_month_now()}/")
    invoice = desk.post(f"/clinic/visits/{visit['id']}/invoice/", key="invoice")
    retry = desk.post(f"/clinic/visits/{visit['id']}/invoice/", key="invoice")  # a retry: same answer
    _expect(retry == invoice and desk.last_response["Idempotent-Replayed"] == "true", "the retry billed again")
    trial_balance = desk.get("/ledger/trial-balance/")
    _expect(trial_balance["is_balanced"], "the trial balance does not balance")
    visit_now = desk.get(f"/encounters/{visit['id']}/")
    _expect(visit_now["state"] == "billed", f"the visit is {visit_now['state']}")
    month_after = desk.get(f"/budget/budgets/{budget['id']}/months/{_month_now()}/")
    income_added = Decimal(month_after["income"]) - Decimal(this_month["income"])
    _expect(income_added == Decimal(invoice["total_amount"]), f"the budget's income grew by {income_added}")
    documents = desk.get(f"/documents/?target_type=invoice&target_id={invoice['id']}")["results"]
    _expect([d["original_filename"] for d in documents] == [f"{invoice['number']}.txt"], "no invoice document")

    # 6. Every write is in the audit log, with its actor and request id.
    audited = {}
    for caller in (vet, desk):
        for request_id in caller.write_request_ids:
            entries = desk.get(f"/audit-log/?request_id={request_id}")["results"]
            audited[request_id] = [(entry["action"], entry["actor_repr"]) for entry in entries]
    missing = [request_id for request_id, entries in audited.items() if not entries]
    _expect(not missing, f"writes without an audit entry: {missing}")

    return {
        "patient": patient["id"],
        "encounter": visit["id"],
        "basket": basket["id"],
        "work_items": [item["id"] for item in work_items.values()],
        "session": session["id"],
        "lots_issued": [(movement["lot"]["lot_number"], movement["quantity"]) for movement in movements],
        "invoice": invoice["number"],
        "invoice_total": invoice["total_amount"],
        "ledger_transaction": invoice["ledger_transaction"],
        "budget_income_added": str(income_added),
        "invoice_document": documents[0]["id"],
        "audited_requests": audited,
    }


def _month_now() -> str:
    return f"{timezone.localdate():%Y-%m}"


def _expect(condition: bool, message: str) -> None:
    if not condition:
        raise WalkthroughFailed(message)
