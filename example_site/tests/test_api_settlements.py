"""Settlements: obligations, payments allocated across them, refunds, reversals, cancellations, a group's balances."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clinic.organizations import clinic_org
from clinic.seed import CONTRACTOR, SECOND_ORGANIZATION
from django_audit_log.models import AuditLog
from django_basemodels.tenancy import org_key
from django_money import Money
from django_parties.models import Organization, Person
from django_rbac import services as rbac
from django_settlements import record_obligation
from django_settlements.models import Allocation, Obligation, Settlement
from tests.helpers import api_entries, get, post

MISSING = "00000000-0000-0000-0000-000000000000"


def ref(party) -> dict:
    return {"type": "person" if isinstance(party, Person) else "organization", "id": str(party.pk)}


@pytest.fixture
def clinic(db):
    return clinic_org()


@pytest.fixture
def contractor(db):
    return Organization.objects.get(name=CONTRACTOR)


@pytest.fixture
def staff(db):
    """The staff's persons by username: vet (Ana Ortiz), accountant (Sam Lee), auditor (Kim Novak)."""
    return {name: Person.objects.get(user__username=name) for name in ("vet", "accountant", "auditor")}


@pytest.fixture
def invoices(api, clinic, contractor):
    """Two new cleaning invoices the clinic owes, 100.00 due first and 50.00 later (recorded through the API)."""
    client = api("accountant")
    first = {"debtor": ref(clinic), "creditor": ref(contractor), "amount": "100.00", "currency": "EUR"}
    bodies = [{**first, "due_on": "2030-01-10"}, {**first, "amount": "50.00", "due_on": "2030-02-10"}]
    return [post(client, "settlements/obligations/", body).json() for body in bodies]


def _counts() -> dict[str, int]:
    return {
        "obligations": Obligation.objects.count(),
        "settlements": Settlement.objects.count(),
        "allocations": Allocation.objects.count(),
        "audit": AuditLog.objects.filter(action__startswith="api.settlements.").count(),
    }


def _pay(client, clinic, contractor, amount, obligations, *, key=None, **extra):
    body = {
        "payer": ref(clinic),
        "payee": ref(contractor),
        "amount": amount,
        "currency": "EUR",
        "obligations": [obligation["id"] for obligation in obligations],
        **extra,
    }
    return post(client, "settlements/payments/", body, key=key)


# -- reading ------------------------------------------------------------------------------------------------


def test_the_demo_obligations_with_what_is_paid_and_open(api, contractor):
    client = api("auditor")
    body = get(client, "settlements/obligations/").json()
    assert body["count"] == 7  # the clinic's: Northside Pharmacy's obligation never shows
    paid = [row for row in body["results"] if row["open_amount"] == "0.0000"]
    assert [(row["description"], row["paid_amount"]) for row in paid] == [
        ("Cleaning, two months ago", "450.0000"),
        ("Cleaning, last month", "450.0000"),
    ]
    assert get(client, "settlements/obligations/", open="true").json()["count"] == 5
    assert get(client, "settlements/obligations/", open="false").json()["count"] == 2
    [book] = get(client, "settlements/obligations/", currency="usd").json()["results"]
    assert book["currency"] == "USD" and book["debtor"]["name"] == "Kim Novak"
    of_contractor = get(client, "settlements/obligations/", party_type="organization", party_id=str(contractor.pk))
    assert of_contractor.json()["count"] == 3
    one = get(client, f"settlements/obligations/{book['id']}/").json()
    assert one["id"] == book["id"] and one["open_amount"] == "25.0000"


def test_unparsable_filters_are_a_400(api):
    client = api("auditor")
    assert "open" in get(client, "settlements/obligations/", open="maybe").json()
    assert "currency" in get(client, "settlements/obligations/", currency="XYZ").json()
    assert "party_id" in get(client, "settlements/obligations/", party_type="person").json()
    assert "party_id" in get(client, "settlements/obligations/", party_type="person", party_id=MISSING).json()
    assert "kind" in get(client, "settlements/settlements/", kind="gift").json()


def test_unknown_ids_are_a_404(api):
    client = api("accountant")
    assert get(client, f"settlements/obligations/{MISSING}/").status_code == 404
    assert get(client, f"settlements/settlements/{MISSING}/").status_code == 404
    assert post(client, f"settlements/obligations/{MISSING}/cancel/", {"reason": "x"}).status_code == 404
    assert post(client, f"settlements/settlements/{MISSING}/reverse/", {"reason": "x"}).status_code == 404


def test_another_organizations_rows_are_not_found(api):
    pharmacy = Organization.objects.get(name=SECOND_ORGANIZATION)
    theirs = Obligation.objects.for_org(pharmacy).get()
    assert get(api("demo"), f"settlements/obligations/{theirs.pk}/").status_code == 404


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/api/v1/{path}", {"limit": 200}).status_code == 200
    return len(queries)


def test_the_lists_take_as_many_queries_for_many_rows(api, clinic, contractor, staff):
    client = api("auditor")
    pairs = [(staff["vet"], clinic), (clinic, staff["auditor"]), (staff["accountant"], contractor)]

    def add_rows(amount):
        for debtor, creditor in pairs:
            owed = record_obligation(debtor=debtor, creditor=creditor, amount=Money(amount, "EUR"), org=clinic)
            post(api("accountant"), "settlements/payments/", _payment_body(debtor, creditor, "5.00", [owed]))

    add_rows("10.00")  # persons and organizations on both sides: every kind of party is there
    paths = ("settlements/obligations/", "settlements/settlements/")
    _queries(client, "settlements/balances/")  # the user's roles, read once and cached
    before = {path: _queries(client, path) for path in paths}
    for amount in ("20.00", "30.00", "40.00"):
        add_rows(amount)
    after = {path: _queries(client, path) for path in paths}
    assert after == before
    # the page and its count, the rows with their amounts, their parties (one query per kind), their allocations
    assert after["settlements/obligations/"] <= 10 and after["settlements/settlements/"] <= 10


def _payment_body(payer, payee, amount, obligations) -> dict:
    return {
        "payer": ref(payer),
        "payee": ref(payee),
        "amount": amount,
        "currency": "EUR",
        "obligations": [str(obligation.pk) for obligation in obligations],
    }


# -- obligations ----------------------------------------------------------------------------------------------


def test_record_an_obligation(api, clinic, staff):
    body = {
        "debtor": ref(staff["vet"]),
        "creditor": ref(clinic),
        "amount": "19.90",
        "currency": "eur",
        "due_on": "2030-05-31",
        "description": "Scrubs",
    }
    response = post(api("accountant"), "settlements/obligations/", body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["debtor"] == {**ref(staff["vet"]), "name": "Ana Ortiz"}
    assert (created["amount"], created["currency"], created["open_amount"]) == ("19.9000", "EUR", "19.9000")
    assert created["created_by"] == "accountant" and not created["cancelled"]
    [entry] = api_entries(response)
    assert entry.action == "api.settlements.record_obligation" and entry.actor.username == "accountant"
    assert Obligation.objects.get(pk=created["id"]).org_key == org_key(clinic)  # the clinic's, as every fact here


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 19.9}, "amount"),  # a JSON float
        ({"amount": "0"}, "amount"),
        ({"amount": "-5"}, "amount"),
        ({"amount": "19.999"}, "amount"),  # a fraction of a cent: refused by the package, not rounded
        ({"currency": "XYZ"}, "currency"),
        ({"due_on": "31/05/2030"}, "due_on"),
        ({"effective_at": "2026-01-01T10:00:00"}, None),  # naive: the site's time zone makes it aware (201)
        ({"creditor": None}, "creditor"),
        ({"creditor": {"type": "person", "id": MISSING}}, "creditor"),
        ({"creditor": {"type": "invoice", "id": MISSING}}, "creditor"),
        ({"description": "x" * 256}, "description"),
    ],
)
def test_bad_obligations_are_a_400_naming_the_field(api, clinic, staff, change, field):
    body = {"debtor": ref(staff["vet"]), "creditor": ref(clinic), "amount": "19.90", "currency": "EUR", **change}
    before = _counts()
    response = post(api("accountant"), "settlements/obligations/", body)
    if field is None:
        assert response.status_code == 201
        return
    assert response.status_code == 400 and field in response.json(), response.json()
    assert _counts() == before


def test_a_party_cannot_owe_itself(api, clinic):
    body = {"debtor": ref(clinic), "creditor": ref(clinic), "amount": "1.00", "currency": "EUR"}
    response = post(api("accountant"), "settlements/obligations/", body)
    assert response.status_code == 400 and "creditor" in response.json()


def test_cancel_an_obligation_once(api, invoices):
    client = api("accountant")
    cancelled = post(client, f"settlements/obligations/{invoices[0]['id']}/cancel/", {"reason": "invoiced twice"})
    assert cancelled.status_code == 201, cancelled.json()
    body = cancelled.json()
    assert body["cancelled"] and body["open_amount"] == "0.0000" and body["cancellation"]["reason"] == "invoiced twice"
    again = post(client, f"settlements/obligations/{invoices[0]['id']}/cancel/", {"reason": "again"})
    assert again.status_code == 409 and again.json()["error"] == "AlreadyReversedError"
    assert post(client, f"settlements/obligations/{invoices[1]['id']}/cancel/", {}).status_code == 400
    assert "reason" in post(client, f"settlements/obligations/{invoices[1]['id']}/cancel/", {"reason": ""}).json()


# -- payments -------------------------------------------------------------------------------------------------


def test_a_payment_is_allocated_across_several_obligations(api, clinic, contractor, invoices):
    response = _pay(api("accountant"), clinic, contractor, "120.00", invoices)
    assert response.status_code == 201, response.json()
    payment = response.json()
    assert payment["kind"] == "payment" and payment["amount"] == "120.0000"
    shares = {row["obligation"]: row["amount"] for row in payment["allocations"]}
    assert shares == {invoices[0]["id"]: "80.0000", invoices[1]["id"]: "40.0000"}  # in proportion to what is open
    opens = [get(api("accountant"), f"settlements/obligations/{o['id']}/").json()["open_amount"] for o in invoices]
    assert opens == ["20.0000", "10.0000"]
    [entry] = api_entries(response)
    assert entry.action == "api.settlements.record_payment"


def test_a_payment_by_due_date_pays_the_earliest_first(api, clinic, contractor, invoices):
    response = _pay(api("accountant"), clinic, contractor, "120.00", invoices[::-1], allocation="due_date")
    shares = {row["obligation"]: row["amount"] for row in response.json()["allocations"]}
    assert shares == {invoices[0]["id"]: "100.0000", invoices[1]["id"]: "20.0000"}


def test_a_payment_without_obligations_is_an_advance(api, clinic, staff):
    body = {"payer": ref(clinic), "payee": ref(staff["vet"]), "amount": "40", "currency": "EUR"}
    response = post(api("accountant"), "settlements/payments/", body)
    assert response.status_code == 201 and response.json()["allocations"] == []


def test_paying_more_than_is_open_is_a_409_that_writes_nothing(api, clinic, contractor, invoices):
    before = _counts()
    response = _pay(api("accountant"), clinic, contractor, "150.01", invoices)
    assert response.status_code == 409
    assert response.json()["error"] == "OverpaymentError" and "amount" in response.json()
    assert (response.json()["requested"], response.json()["open"]) == ("150.01", "150.00")
    assert _counts() == before


def test_a_payment_of_a_cancelled_obligation_is_a_409(api, clinic, contractor, invoices):
    post(api("accountant"), f"settlements/obligations/{invoices[0]['id']}/cancel/", {"reason": "void"})
    before = _counts()
    response = _pay(api("accountant"), clinic, contractor, "10.00", invoices)
    assert response.status_code == 409 and "obligations" in response.json()
    assert _counts() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 10.5}, "amount"),
        ({"currency": "USD"}, "currency"),  # the obligations are in euros: never converted
        ({"obligations": [MISSING]}, "obligations"),
        ({"obligations": "all"}, "obligations"),
        ({"allocation": "random"}, "allocation"),
        ({"payee": {"type": "organization", "id": "not-a-uuid"}}, "payee"),
    ],
)
def test_bad_payments_are_a_400_naming_the_field(api, clinic, contractor, invoices, change, field):
    body = {
        "payer": ref(clinic),
        "payee": ref(contractor),
        "amount": "10.00",
        "currency": "EUR",
        "obligations": [invoices[0]["id"]],
        **change,
    }
    before = _counts()
    response = post(api("accountant"), "settlements/payments/", body)
    assert response.status_code == 400 and field in response.json(), response.json()
    assert _counts() == before


def test_a_payment_names_only_obligations_between_its_parties(api, clinic, contractor, staff, invoices):
    client = api("accountant")
    before = _counts()
    twice = _pay(client, clinic, contractor, "10.00", [invoices[0], invoices[0]])
    assert twice.status_code == 400 and "obligations" in twice.json()
    other_parties = _pay(client, clinic, staff["vet"], "10.00", invoices)  # owed to the contractor, not to Ana
    assert other_parties.status_code == 400 and other_parties.json()["error"] == "PartyMismatchError"
    assert "obligations" in other_parties.json()
    itself = _pay(client, clinic, clinic, "10.00", [])
    assert itself.status_code == 400 and "payee" in itself.json()
    pharmacy = Organization.objects.get(name=SECOND_ORGANIZATION)
    theirs = {"id": str(Obligation.objects.for_org(pharmacy).get().pk)}
    assert "obligations" in _pay(client, clinic, contractor, "1.00", [theirs]).json()
    assert _counts() == before


# -- refunds and reversals ------------------------------------------------------------------------------------


@pytest.fixture
def payment(api, clinic, contractor, invoices):
    return _pay(api("accountant"), clinic, contractor, "150.00", invoices).json()


def test_a_refund_goes_back_and_reopens_what_it_paid(api, payment, invoices):
    client = api("accountant")
    body = {"payment": payment["id"], "amount": "30.00", "reason": "charged twice", "obligation": invoices[1]["id"]}
    response = post(client, "settlements/refunds/", body)
    assert response.status_code == 201, response.json()
    refund = response.json()
    assert refund["kind"] == "refund" and refund["refund_of"] == payment["id"]
    assert refund["payer"]["name"] == CONTRACTOR and refund["payee"]["name"] == "Riverside Clinic"
    assert get(client, f"settlements/obligations/{invoices[1]['id']}/").json()["open_amount"] == "30.0000"
    [entry] = api_entries(response)
    assert entry.action == "api.settlements.record_refund"


def test_a_refund_is_capped_by_what_was_paid(api, payment):
    client = api("accountant")
    assert post(client, "settlements/refunds/", {"payment": payment["id"], "amount": "100.00"}).status_code == 201
    before = _counts()
    response = post(client, "settlements/refunds/", {"payment": payment["id"], "amount": "50.01"})
    assert response.status_code == 409 and response.json()["error"] == "RefundExceedsPaymentError"
    assert (response.json()["requested"], response.json()["refundable"]) == ("50.01", "50.00")
    assert _counts() == before


def test_bad_refunds_are_a_400_naming_the_field(api, payment):
    client = api("accountant")
    refund = post(client, "settlements/refunds/", {"payment": payment["id"], "amount": "1.00"}).json()
    cases = [
        ({"payment": MISSING, "amount": "1.00"}, "payment"),
        ({"payment": refund["id"], "amount": "1.00"}, "payment"),  # a refund is not refunded: it is reversed
        ({"payment": "nope", "amount": "1.00"}, "payment"),
        ({"payment": payment["id"], "amount": 1.5}, "amount"),
        ({"payment": payment["id"], "amount": "0.001"}, "amount"),
        ({"payment": payment["id"], "amount": "1.00", "obligation": MISSING}, "obligation"),
        ({"payment": payment["id"], "amount": "1.00", "reason": "x" * 501}, "reason"),
    ]
    before = _counts()
    for body, field in cases:
        response = post(client, "settlements/refunds/", body)
        assert response.status_code == 400 and field in response.json(), (body, response.json())
    assert _counts() == before


def test_reverse_a_payment_once_its_refunds_are_reversed(api, payment):
    client = api("accountant")
    refund = post(client, "settlements/refunds/", {"payment": payment["id"], "amount": "10.00"}).json()
    blocked = post(client, f"settlements/settlements/{payment['id']}/reverse/", {"reason": "bounced"})
    assert blocked.status_code == 409 and blocked.json()["error"] == "NotReversibleError"
    assert (
        post(client, f"settlements/settlements/{refund['id']}/reverse/", {"reason": "entered twice"}).status_code == 201
    )
    response = post(client, f"settlements/settlements/{payment['id']}/reverse/", {"reason": "bounced"})
    assert response.status_code == 201, response.json()
    reversal = response.json()
    assert reversal["kind"] == "reversal" and reversal["reverses"] == payment["id"]
    assert get(client, f"settlements/settlements/{payment['id']}/").json()["reversed_by"] == reversal["id"]
    again = post(client, f"settlements/settlements/{payment['id']}/reverse/", {"reason": "bounced"})
    assert again.status_code == 409 and again.json()["error"] == "AlreadyReversedError"
    assert "reason" in post(client, f"settlements/settlements/{reversal['id']}/reverse/", {}).json()
    assert post(client, f"settlements/settlements/{reversal['id']}/reverse/", {"reason": "x"}).status_code == 409


# -- permissions ----------------------------------------------------------------------------------------------


@pytest.fixture
def cashier(user, clinic):
    """A user whose role records obligations and payments but holds no authority to reverse or cancel."""
    demo = user("demo")
    role = rbac.create_role(
        by=demo, name="Cashier", slug="cashier", hierarchy_level=30, module_permissions=["settlements.*"], org=clinic
    )
    cashier = get_user_model().objects.create_user("cashier", "cashier@example.com", "demo")
    rbac.assign_role(by=demo, user=cashier, role=role)
    return cashier


def test_reversing_and_cancelling_need_the_authority(api, cashier, payment, invoices):
    client = api("cashier")
    before = _counts()
    reverse = post(client, f"settlements/settlements/{payment['id']}/reverse/", {"reason": "bounced"})
    assert reverse.status_code == 403 and reverse.json()["error"] == "PermissionDenied"
    cancel = post(client, f"settlements/obligations/{invoices[0]['id']}/cancel/", {"reason": "void"})
    assert cancel.status_code == 403
    assert _counts() == before
    refund = post(client, "settlements/refunds/", {"payment": payment["id"], "amount": "1.00"})
    assert refund.status_code == 201  # recording is the module's; undoing needs the authority


def test_read_only_and_other_roles_get_403(api, clinic, contractor, invoices, payment):
    auditor = api("auditor")
    body = {"debtor": ref(clinic), "creditor": ref(contractor), "amount": "1.00", "currency": "EUR"}
    before = _counts()
    assert post(auditor, "settlements/obligations/", body).status_code == 403
    assert _pay(auditor, clinic, contractor, "1.00", invoices).status_code == 403
    assert post(auditor, "settlements/refunds/", {"payment": payment["id"], "amount": "1.00"}).status_code == 403
    assert post(auditor, f"settlements/settlements/{payment['id']}/reverse/", {"reason": "x"}).status_code == 403
    assert post(auditor, f"settlements/obligations/{invoices[0]['id']}/cancel/", {"reason": "x"}).status_code == 403
    assert _counts() == before
    for path in ("settlements/obligations/", "settlements/settlements/", "settlements/balances/"):
        assert get(api("vet"), path).status_code == 403, path  # clinicians keep out of who owes whom


# -- Idempotency-Key ------------------------------------------------------------------------------------------


def test_a_payment_retried_with_its_key_is_recorded_once(api, clinic, contractor, invoices):
    client = api("accountant")
    first = _pay(client, clinic, contractor, "30.00", invoices, key="transfer-2030-01")
    retry = _pay(client, clinic, contractor, "30.00", invoices, key="transfer-2030-01")
    assert first.status_code == retry.status_code == 201
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    assert Settlement.objects.filter(pk=first.json()["id"]).count() == 1
    assert Settlement.objects.filter(description="", amount="30.00").count() == 1
    assert api_entries(retry) == []  # a replay writes no audit entry
    other = _pay(client, clinic, contractor, "31.00", invoices, key="transfer-2030-01")
    assert other.status_code == 409 and other.json()["error"] == "IdempotencyConflictError"


def test_every_write_replays_with_its_key(api, clinic, contractor, invoices, payment):
    client = api("accountant")
    writes = [
        (
            "settlements/obligations/",
            {"debtor": ref(clinic), "creditor": ref(contractor), "amount": "7", "currency": "EUR"},
        ),
        ("settlements/refunds/", {"payment": payment["id"], "amount": "5.00"}),
        (f"settlements/obligations/{invoices[0]['id']}/cancel/", {"reason": "void"}),
    ]
    for path, body in writes:
        first = post(client, path, body, key=f"key-{path}")
        before = _counts()
        retry = post(client, path, body, key=f"key-{path}")
        assert first.status_code == retry.status_code == 201, (path, first.json())
        assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
        assert _counts() == before, path


# -- a group's balances ---------------------------------------------------------------------------------------


def _by_name(rows, key):
    return {row[key]["name"]: row for row in rows}


def test_the_clinics_group_balances_and_suggested_transfers(api):
    body = get(api("auditor"), "settlements/balances/").json()
    assert body["organization"]["name"] == "Riverside Clinic"
    assert [member["name"] for member in body["members"]] == [
        "Riverside Clinic",
        "Ana Ortiz",
        "Kim Novak",
        "Riverside Cleaning Co.",
        "Sam Lee",
    ]
    eur, usd = body["currencies"]
    assert (eur["currency"], usd["currency"]) == ("EUR", "USD")
    balances = {row["party"]["name"]: row["balance"] for row in eur["balances"]}
    assert balances == {
        "Riverside Clinic": "-505.0000",
        "Ana Ortiz": "55.0000",
        "Kim Novak": "0.0000",
        "Riverside Cleaning Co.": "450.0000",
        "Sam Lee": "0.0000",
    }
    # four debts (clinic to cleaner and to Ana, Ana to Sam, Sam to the clinic) settled in two transfers
    assert [(t["payer"]["name"], t["payee"]["name"], t["amount"]) for t in eur["transfers"]] == [
        ("Riverside Clinic", "Riverside Cleaning Co.", "450.0000"),
        ("Riverside Clinic", "Ana Ortiz", "55.0000"),
    ]
    assert [(t["payer"]["name"], t["payee"]["name"], t["amount"]) for t in usd["transfers"]] == [
        ("Kim Novak", "Ana Ortiz", "25.0000")
    ]


def test_a_payment_moves_the_group_balances(api, clinic, staff):
    client = api("accountant")
    body = {"payer": ref(clinic), "payee": ref(staff["vet"]), "amount": "55.00", "currency": "EUR"}
    assert post(client, "settlements/payments/", body).status_code == 201
    eur = get(client, "settlements/balances/").json()["currencies"][0]
    assert [(t["payer"]["name"], t["payee"]["name"]) for t in eur["transfers"]] == [
        ("Riverside Clinic", "Riverside Cleaning Co.")
    ]


def test_another_group_and_another_time(api, contractor):
    client = api("auditor")
    alone = get(client, "settlements/balances/", organization=str(contractor.pk)).json()
    assert [member["name"] for member in alone["members"]] == [CONTRACTOR] and alone["currencies"] == []
    before_anything = get(client, "settlements/balances/", as_of="2000-01-01T00:00:00Z").json()
    assert before_anything["currencies"] == []
    assert "organization" in get(client, "settlements/balances/", organization=MISSING).json()
    assert "as_of" in get(client, "settlements/balances/", as_of="yesterday").json()
