"""The README's examples run as written: the first ledger, and the ledgers of many organizations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def first_example(heading: str) -> str:
    section = README.read_text().split(f"## {heading}\n", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def run(heading: str) -> dict:
    namespace: dict = {}
    exec(compile(first_example(heading), str(README), "exec"), namespace)
    return namespace


@pytest.mark.django_db
def test_the_first_example_of_the_readme_runs():
    assert run("A first ledger")["refund"].is_posted


@pytest.mark.django_db
def test_the_many_organizations_example_of_the_readme_runs():
    from django_ledger.models import Account, Entry

    namespace = run("Many organizations")
    assert namespace["north_cash"].org == "clinic-north"
    assert Account.objects.filter(code="1010").count() == 2
    assert Entry.objects.count() == 4  # the mixed posting wrote nothing


@pytest.mark.django_db
def test_the_roadmaps_draft_path_and_entry_reversal_run_as_the_readme_writes_them():
    """The roadmap's ledger example: a draft transaction, entries on it, posting by save(), then
    ``reverse_entry(debit_entry, reason=...)`` as the roadmap writes it, and balances as of a time."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from django_ledger import get_balance, open_account, reverse_entry
    from django_ledger.models import Entry
    from django_money import Money
    from tests.testapp.models import Invoice

    def account(code: str, account_type: str):
        return open_account(code=code, name=code, account_type=account_type, currency="EUR")

    namespace = {
        "Decimal": Decimal,
        "invoice": Invoice.objects.create(number="INV-1"),
        "receivables": account("1200", "asset"),
        "cash": account("1010", "asset"),
    }
    exec(compile(first_example("The draft path"), str(README), "exec"), namespace)
    transaction = namespace["transaction"]
    assert transaction.is_posted
    debit_entry = Entry.objects.get(transaction=transaction, entry_type="debit")
    assert get_balance(namespace["receivables"]) == Money("100.00", "EUR")
    reversal = reverse_entry(debit_entry, reason="Invoice cancelled")
    assert reversal.reverses == debit_entry and list(debit_entry.reversal_entries.all()) == [reversal]
    assert get_balance(namespace["receivables"]) == Money("0", "EUR") == get_balance(namespace["cash"])
    assert get_balance(namespace["receivables"], as_of=timezone.now() - dt.timedelta(days=1)) == Money("0", "EUR")


@pytest.mark.django_db
def test_the_closing_example_of_the_readme_runs():
    from django_ledger.models import ClosingBalance, Entry

    namespace = run("Closing the books")
    assert ClosingBalance.objects.count() == 2
    assert Entry.objects.count() == 4  # the late posting wrote nothing
    assert namespace["bank"].closing_balances.get().closed_through == namespace["month_end"]
