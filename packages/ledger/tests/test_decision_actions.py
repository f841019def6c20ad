"""Decisions are recorded as ``django_ledger.<service>``; migration 0004 renames those stored under the former names."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from django_decisioning.models import Decision
from django_decisioning.services import record_decision
from django_ledger import reverse_entry
from django_ledger.services import (
    POST_ACTION,
    POST_SCOPE,
    REVERSE_ENTRY_ACTION,
    REVERSE_ENTRY_SCOPE,
    REVERSE_TRANSACTION_ACTION,
    REVERSE_TRANSACTION_SCOPE,
)
from tests.testapp.models import Customer


def test_actions_and_scopes_are_named_after_the_services():
    assert (POST_ACTION, REVERSE_TRANSACTION_ACTION, REVERSE_ENTRY_ACTION) == (
        "django_ledger.post_transaction",
        "django_ledger.reverse_transaction",
        "django_ledger.reverse_entry",
    )
    assert (POST_SCOPE, REVERSE_TRANSACTION_SCOPE, REVERSE_ENTRY_SCOPE) == (
        POST_ACTION,
        REVERSE_TRANSACTION_ACTION,
        REVERSE_ENTRY_ACTION,
    )


@pytest.mark.django_db
def test_an_entry_reversal_records_its_own_action_on_the_entry(sale, cash, accountant):
    original = sale.entries.get(account=cash)
    reverse_entry(original, reason="Wrong", by=accountant)
    decision = Decision.objects.for_target(original).get()
    assert (decision.action, decision.actor, decision.outcome) == (REVERSE_ENTRY_ACTION, accountant, "reversed")
    assert not Decision.objects.for_target(sale).exists()


def actions() -> list[tuple[str, str]]:
    return sorted(Decision.objects.values_list("target_type__model", "action"))


# The transactions and decisions are committed: they are emptied with their triggers lifted afterwards.
@pytest.mark.django_db(transaction=True)
def test_decisions_stored_under_the_former_names_are_renamed_by_their_target_both_ways(committed_ledger, sale, cash):
    customer = Customer.objects.create(name="Store")
    call_command("migrate", "django_ledger", "0003", verbosity=0)
    record_decision(action="ledger.post", by=None, target=sale, outcome="posted")
    record_decision(action="ledger.reverse", by=None, target=sale, outcome="reversed")
    record_decision(
        action="ledger.reverse", by=None, target=sale.entries.only("pk").get(account=cash), outcome="reversed"
    )
    record_decision(action="ledger.reverse", by=None, target=customer, outcome="reversed")  # not the ledger's
    record_decision(action="other.post", by=None, target=sale, outcome="posted")

    call_command("migrate", "django_ledger", "0004", verbosity=0)
    assert actions() == [
        ("customer", "ledger.reverse"),
        ("entry", "django_ledger.reverse_entry"),
        ("transaction", "django_ledger.post_transaction"),
        ("transaction", "django_ledger.reverse_transaction"),
        ("transaction", "other.post"),
    ]

    call_command("migrate", "django_ledger", "0003", verbosity=0)
    assert actions() == [
        ("customer", "ledger.reverse"),
        ("entry", "ledger.reverse"),
        ("transaction", "ledger.post"),
        ("transaction", "ledger.reverse"),
        ("transaction", "other.post"),
    ]
