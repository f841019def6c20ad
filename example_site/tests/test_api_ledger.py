"""Ledger: accounts, posting, reversal, balances, trial balance."""

from clinic.organizations import of_clinic
from django_ledger.models import Account, Transaction
from tests.helpers import api_entries, get, post

RENT = {
    "description": "Cleaning",
    "entries": [
        {"account": "5100", "entry_type": "debit", "amount": "120.00"},
        {"account": "1000", "entry_type": "credit", "amount": "120.00"},
    ],
}


def test_accounts_with_balances(api):
    accounts = {a["code"]: a for a in get(api("auditor"), "ledger/accounts/").json()["results"]}
    assert accounts["1000"]["balance"] == "18500.0000"  # 20000 opening - 1500 rent
    assert get(api("auditor"), "ledger/accounts/5100/").json()["balance"] == "1500.0000"
    assert get(api("auditor"), "ledger/accounts/9999/").status_code == 404


def test_open_account(api):
    body = {"code": "1300", "name": "Prepaid", "account_type": "asset", "currency": "eur"}
    response = post(api("accountant"), "ledger/accounts/", body)
    assert response.status_code == 201 and response.json()["currency"] == "EUR"
    unknown = post(api("accountant"), "ledger/accounts/", {**body, "code": "1301", "currency": "XYZ"})
    assert unknown.status_code == 400 and "currency" in unknown.json()
    taken = post(api("accountant"), "ledger/accounts/", body)
    assert taken.status_code == 400 and taken.json()["error"] == "InvalidAccountError"


def test_post_transaction(api):
    response = post(api("accountant"), "ledger/transactions/", RENT)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["posted_at"] and sorted(e["account"] for e in body["entries"]) == ["1000", "5100"]
    [entry] = api_entries(response)
    assert entry.action == "api.ledger.post_transaction" and entry.actor.username == "accountant"
    assert get(api("accountant"), "ledger/accounts/5100/").json()["balance"] == "1620.0000"


def test_unbalanced_entries_are_a_400(api):
    body = {**RENT, "entries": [RENT["entries"][0], {**RENT["entries"][1], "amount": "100.00"}]}
    response = post(api("accountant"), "ledger/transactions/", body)
    assert response.status_code == 400
    assert response.json()["error"] == "UnbalancedTransactionError" and "entries" in response.json()


def test_float_amounts_are_a_400(api):
    body = {**RENT, "entries": [{**e, "amount": 120.5} for e in RENT["entries"]]}
    response = post(api("accountant"), "ledger/transactions/", body)
    assert response.status_code == 400
    assert "amount" in response.json()["entries"]["0"]  # DRF keys list errors by index
    too_precise = {**RENT, "entries": [{**e, "amount": "1.00001"} for e in RENT["entries"]]}
    assert post(api("accountant"), "ledger/transactions/", too_precise).status_code == 400
    unknown_account = {**RENT, "entries": [{**RENT["entries"][0], "account": "0000"}, RENT["entries"][1]]}
    assert post(api("accountant"), "ledger/transactions/", unknown_account).status_code == 400


def test_reverse_once(api):
    client = api("accountant")
    posted = post(client, "ledger/transactions/", RENT).json()
    reversal = post(client, f"ledger/transactions/{posted['id']}/reverse/", {"reason": "typo"})
    assert reversal.status_code == 201 and reversal.json()["reverses"] == posted["id"]
    again = post(client, f"ledger/transactions/{posted['id']}/reverse/", {"reason": "typo"})
    assert again.status_code == 409 and again.json()["error"] == "AlreadyReversedError"
    assert post(client, f"ledger/transactions/{posted['id']}/reverse/", {}).status_code == 400
    missing = "00000000-0000-0000-0000-000000000000"
    assert post(client, f"ledger/transactions/{missing}/reverse/", {"reason": "x"}).status_code == 404


def test_read_only_role_gets_403(api):
    assert post(api("auditor"), "ledger/transactions/", RENT).status_code == 403
    posted = of_clinic(Transaction.objects.posted(), "entries__account__org_key").first()
    assert post(api("auditor"), f"ledger/transactions/{posted.pk}/reverse/", {"reason": "x"}).status_code == 403
    assert post(api("vet"), "ledger/transactions/", RENT).status_code == 403  # clinicians keep out of the books


def test_balances_and_trial_balance(api):
    client = api("auditor")
    balances = {row["code"]: row["balance"] for row in get(client, "ledger/balances/").json()}
    assert balances["3000"] == "20000.0000" and balances["4000"] == "0.0000"
    report = get(client, "ledger/trial-balance/").json()
    assert report["is_balanced"] and report["totals"]["EUR"]["difference"] == "0.0000"
    early = get(client, "ledger/trial-balance/", as_of="2000-01-01T00:00:00Z").json()
    assert early["rows"] == [] and early["totals"] == {}
    assert get(client, "ledger/trial-balance/", as_of="yesterday").status_code == 400


def test_idempotent_posting(api):
    client = api("accountant")
    first = post(client, "ledger/transactions/", RENT, key="cleaning-0425")
    retry = post(client, "ledger/transactions/", RENT, key="cleaning-0425")
    assert first.json() == retry.json() and retry["Idempotent-Replayed"] == "true"
    assert Transaction.objects.filter(description="Cleaning").count() == 1
    other = post(client, "ledger/transactions/", {**RENT, "description": "Window cleaning"}, key="cleaning-0425")
    assert other.status_code == 409
    assert of_clinic(Account.objects).get(code="5100").entries.count() == 2
