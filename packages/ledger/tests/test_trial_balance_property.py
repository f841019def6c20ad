"""Property: whatever balanced transactions are posted, the trial balance sums to zero in every currency.

Hypothesis draws ledgers of random multi-leg, multi-currency transactions, some backdated, some
unbalanced (those must be refused and leave nothing behind), and checks the trial balance at
random effective and record dates, and that it agrees with ``get_balance`` and ``balances``.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_ledger import EntrySpec, UnbalancedTransactionError
from django_ledger.selectors import balances, get_balance, trial_balance
from django_ledger.services import open_account, post_transaction
from django_money import Money

pytestmark = pytest.mark.django_db

CURRENCIES = ("USD", "EUR", "JPY")
ACCOUNT_TYPES = ("asset", "liability", "equity", "revenue", "expense")
amounts = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("99999999.9999"), places=4)


@st.composite
def split(draw, total: Decimal) -> list[Decimal]:
    """``total`` cut into 1 to 3 positive parts of whole ten-thousandths that add up to it exactly."""
    units = int(total.scaleb(4))
    count = draw(st.integers(min_value=1, max_value=min(3, units)))
    cuts = []
    if count > 1:
        cuts = draw(st.lists(st.integers(1, units - 1), min_size=count - 1, max_size=count - 1, unique=True))
    edges = [0, *sorted(cuts), units]
    return [Decimal(high - low).scaleb(-4) for low, high in itertools.pairwise(edges)]


@st.composite
def balanced_legs(draw) -> list[tuple[str, int, str, Decimal]]:
    """(currency, account slot, side, amount) legs of one transaction, balanced in every currency it uses."""
    legs = []
    for currency in draw(st.lists(st.sampled_from(CURRENCIES), min_size=1, max_size=2, unique=True)):
        debits = draw(st.lists(amounts, min_size=1, max_size=3))
        credits = draw(split(sum(debits)))
        legs += [(currency, draw(st.integers(0, 4)), "debit", amount) for amount in debits]
        legs += [(currency, draw(st.integers(0, 4)), "credit", amount) for amount in credits]
    return legs


ledgers = st.lists(
    st.tuples(balanced_legs(), st.integers(min_value=0, max_value=5), st.booleans()), min_size=1, max_size=6
)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ledger=ledgers, cut_day=st.integers(min_value=0, max_value=6))
def test_the_trial_balance_of_any_ledger_sums_to_zero_per_currency(db, ledger, cut_day):
    now = timezone.now()
    with transaction.atomic():
        accounts = {
            (currency, slot): open_account(
                code=f"{currency}-{slot}",
                name=f"{currency} {slot}",
                account_type=ACCOUNT_TYPES[slot],
                currency=currency,
            )
            for currency in CURRENCIES
            for slot in range(5)
        }
        record_cuts = []
        for legs, days_back, unbalance in ledger:
            specs = [EntrySpec(accounts[(currency, slot)], amount, side) for currency, slot, side, amount in legs]
            if unbalance:
                # Nudging one leg must be refused, with nothing written.
                currency, slot, side, amount = legs[0]
                broken = [EntrySpec(accounts[(currency, slot)], amount + Decimal("0.0001"), side), *specs[1:]]
                with pytest.raises(UnbalancedTransactionError):
                    post_transaction(entries=broken, description="broken")
            post_transaction(entries=specs, description="random", effective_at=now - dt.timedelta(days=days_back))
            record_cuts.append(timezone.now())

        as_of = now - dt.timedelta(days=cut_day)
        for known_at in (None, record_cuts[len(record_cuts) // 2]):
            report = trial_balance(as_of, known_at=known_at)
            for total in report.totals.values():
                assert total.debits == total.credits
            for currency in CURRENCIES:
                net = sum(
                    (row.debits - row.credits for row in report.rows if row.account.currency == currency),
                    Money.zero(currency),
                )
                assert net.is_zero()
            by_balances = balances(list(accounts.values()), as_of, known_at=known_at)
            for row in report.rows:
                assert row.balance == by_balances[row.account] == get_balance(row.account, as_of, known_at=known_at)
        transaction.set_rollback(True)
