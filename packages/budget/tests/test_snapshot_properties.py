"""Property: a month snapshot is the sum of the surviving expense facts, whatever the order of posting and voiding."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_budget import services
from django_budget.selectors import month_snapshot

MONTHS = [dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)]
LIMITS = [Decimal("100"), Decimal("250.50"), Decimal("0")]

expenses = st.lists(
    st.tuples(
        st.integers(0, 2),  # bucket
        st.integers(0, 2),  # month
        st.integers(1, 28),  # day
        st.integers(1, 50_000).map(lambda cents: Decimal(cents) / 100),  # amount
        st.booleans(),  # voided
    ),
    max_size=14,
)


class Rollback(Exception):
    pass


def expected_snapshot(facts, month_index):
    """What the snapshot must say, computed in Python from the surviving facts only."""
    rows = []
    for bucket in range(3):
        spent_by_month = [
            sum((amount for b, m, _, amount, voided in facts if b == bucket and m == month and not voided), Decimal(0))
            for month in range(3)
        ]
        rollover = bucket != 1
        carry = sum((LIMITS[bucket] - spent_by_month[m] for m in range(month_index)), Decimal(0)) if rollover else 0
        spent = spent_by_month[month_index]
        rows.append((LIMITS[bucket], spent, LIMITS[bucket] - spent, carry, LIMITS[bucket] - spent + carry))
    return rows


def apply(facts, order, void_positions):
    """Post the facts in ``order``, voiding each voided one at its drawn later position; return the snapshots."""
    budget = services.create_budget(name="Property", currency="EUR")
    buckets = [
        services.create_bucket(
            budget=budget,
            name=f"B{index}",
            kind="variable",
            monthly_limit=LIMITS[index],
            rollover=index != 1,
            start_month=MONTHS[0],
        )
        for index in range(3)
    ]
    steps = [("post", index) for index in order]
    for index, fact in enumerate(facts):
        if fact[4]:
            posted_at = steps.index(("post", index))
            position = posted_at + 1 + void_positions[index] % (len(steps) - posted_at)
            steps.insert(position, ("void", index))
    posted = {}
    for action, index in steps:
        bucket, month, day, amount, _ = facts[index]
        if action == "post":
            posted[index] = services.post_expense(
                budget=budget, bucket=buckets[bucket], amount=amount, date=MONTHS[month].replace(day=day)
            )
        else:
            services.void_transaction(transaction=posted[index], reason="property", by=None)
    return [
        [
            (r.limit.amount, r.spent.amount, r.remaining.amount, r.carry_over.amount, r.available.amount)
            for r in month_snapshot(budget=budget, month=month)
        ]
        for month in MONTHS
    ]


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(facts=expenses, data=st.data())
def test_any_order_of_postings_and_voids_gives_the_sum_of_the_surviving_expenses(facts, data):
    order = data.draw(st.permutations(range(len(facts))))
    other_order = data.draw(st.permutations(range(len(facts))))
    void_positions = data.draw(st.lists(st.integers(0, 100), min_size=len(facts), max_size=len(facts)))
    try:
        with transaction.atomic():
            first = apply(facts, order, void_positions)
            second = apply(facts, other_order, list(reversed(void_positions)))
            raise Rollback
    except Rollback:
        pass
    assert first == second
    for month_index in range(3):
        assert first[month_index] == expected_snapshot(facts, month_index)
