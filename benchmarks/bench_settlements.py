"""Settling a group's debts: ``django_settlements.simplify_debts`` beside the greedy rule of expense-splitting apps.

The greedy rule ("the largest debtor pays the largest creditor", repeatedly) is what most expense-splitting
apps do: fast, at most n - 1 transfers, rarely the fewest. ``simplify_debts`` settles the pairs that cancel
out exactly, then searches the minimum exactly for up to ``EXACT_LIMIT`` parties left, and falls back to the
greedy rule above. Both run on the same balances: groups whose members' balances come from shared expenses
inside small circles of friends (2 to 5 people whose balances sum to zero), so that fewer transfers than
n - 1 exist. Counted: transfers (lower is better) and time per call. No database.
"""

from __future__ import annotations

import heapq
import random
from decimal import Decimal

from benchmarks.harness import Context, CorrectnessError, Row, interleaved, median_ms, progress

AREA = "Settlements"
PER_DATABASE = False
APPS: list[str] = []
SIZES = (12, 100, 1000)


def group_balances(parties: int, seed: int) -> dict[str, object]:
    """Balances of ``parties`` people in circles of 2 to 5 whose balances sum to zero, in whole cents."""
    from django_money import Money

    rng = random.Random(seed)
    balances: dict[str, object] = {}
    left = parties
    while left:
        size = min(left, rng.randint(2, 5))
        if left - size == 1:  # nobody settles alone
            size += 1
        cents = [rng.randint(-50_000, 50_000) for _ in range(size - 1)]
        cents.append(-sum(cents))
        for amount in cents:
            balances[f"p{len(balances):04d}"] = Money(Decimal(amount) / 100, "EUR")
        left -= size
    return balances


def greedy(balances: dict[str, object]) -> list[tuple[str, str, Decimal]]:
    """Largest debtor pays largest creditor until everyone is settled (the common expense-app method, on heaps)."""
    debtors = [(money.amount, party) for party, money in balances.items() if money.amount < 0]  # type: ignore[attr-defined]
    creditors = [(-money.amount, party) for party, money in balances.items() if money.amount > 0]  # type: ignore[attr-defined]
    heapq.heapify(debtors)
    heapq.heapify(creditors)
    transfers = []
    while debtors and creditors:
        owes, debtor = heapq.heappop(debtors)
        owed, creditor = heapq.heappop(creditors)
        amount = min(-owes, -owed)
        transfers.append((debtor, creditor, amount))
        if owes + amount:
            heapq.heappush(debtors, (owes + amount, debtor))
        if owed + amount:
            heapq.heappush(creditors, (owed + amount, creditor))
    return transfers


def settles(balances: dict[str, object], transfers: list[tuple[str, str, Decimal]]) -> bool:
    left = {party: money.amount for party, money in balances.items()}  # type: ignore[attr-defined]
    for payer, payee, amount in transfers:
        if amount <= 0:
            return False
        left[payer] += amount
        left[payee] -= amount
    return not any(left.values())


def run(context: Context) -> list[Row]:
    from django_settlements import simplify_debts

    rows = []
    for parties in SIZES:
        balances = group_balances(parties, seed=parties)
        ours = [(t.payer, t.payee, t.amount.amount) for t in simplify_debts(balances)]
        theirs = greedy(balances)
        nonzero = sum(1 for money in balances.values() if money.amount)  # type: ignore[attr-defined]
        if not settles(balances, ours) or not settles(balances, theirs):
            raise CorrectnessError(f"settlements: the transfers for {parties} parties do not settle every balance")
        if len(ours) > nonzero - 1 or len(ours) > len(theirs):
            raise CorrectnessError(f"settlements: {len(ours)} transfers for {parties} parties (greedy: {len(theirs)})")
        progress(f"settlements: {parties} parties, {len(ours)} transfers against greedy {len(theirs)}")
        rows.append(
            Row(
                area=AREA,
                name=f"transfers to settle {parties} parties",
                database="",
                ours=float(len(ours)),
                other=float(len(theirs)),
                other_name="greedy: largest debtor pays largest creditor",
                unit="transfers",
                target=1.0,
                note=f"n - 1 = {nonzero - 1}",
            )
        )
        rounds = context.scale(30 if parties < 1000 else 7, 3)
        samples = interleaved(
            {"ours": lambda b=balances: simplify_debts(b), "greedy": lambda b=balances: greedy(b)}, rounds=rounds
        )
        rows.append(
            Row(
                area=AREA,
                name=f"time to settle {parties} parties",
                database="",
                ours=median_ms(samples["ours"]),
                other=median_ms(samples["greedy"]),
                other_name="greedy: largest debtor pays largest creditor",
                note="the exact search costs time; the greedy rule is the floor",
            )
        )
    return rows


def explain(rows: list[Row]) -> str:
    return "\n".join(
        [
            "Balances of n people in circles of 2 to 5 friends (each circle sums to zero, so fewer than n - 1",
            "transfers exist), the same for both methods. `simplify_debts` settles the pairs that cancel out",
            "exactly, then finds the true minimum by an exact search over the subsets of the parties left (up to",
            "20 of them); above that it falls back to the greedy rule after the exact pairs, so at 1,000 parties",
            "it is no longer the minimum but never worse than greedy. Both results are checked to settle every",
            "balance exactly; a result that does not, or more transfers than greedy or than n - 1, stops the run.",
            "Time is the median of calls taken in turns; the greedy rule is the floor the exact search is paid",
            "against.",
        ]
    )
