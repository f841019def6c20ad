"""``simplify_debts``: every balance settled exactly, money conserved, at most n - 1 transfers, the minimum for
groups up to ``EXACT_LIMIT`` (checked against a brute force over every partition for groups up to 7), the same
answer for the same balances, and typed refusals."""

import itertools
import random
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from django_money import Money
from django_settlements import (
    EXACT_LIMIT,
    InvalidBalancesError,
    MixedCurrenciesError,
    SettlementsError,
    Transfer,
    UnbalancedBalancesError,
    simplify_debts,
)
from django_settlements.simplify import _zero_sum_groups, party_sort_key


def eur(amount) -> Money:
    return Money(amount, "EUR")


def settled(balances: dict, transfers: list[Transfer]) -> dict:
    """What is left of each balance once the transfers are made (the payer's balance rises, the payee's falls)."""
    left = {party: balance.amount for party, balance in balances.items()}
    for transfer in transfers:
        left[transfer.payer] += transfer.amount.amount
        left[transfer.payee] -= transfer.amount.amount
    return left


def brute_force_minimum(values: list[int]) -> int:
    """n - the largest number of blocks of a partition of the parties into zero-sum blocks, by trying every
    partition (set partitions of up to 7 parties: at most 877)."""

    def partitions(items):
        if not items:
            yield []
            return
        first, rest = items[0], items[1:]
        for partition in partitions(rest):
            for index in range(len(partition)):
                yield [*partition[:index], [first, *partition[index]], *partition[index + 1 :]]
            yield [[first], *partition]

    best = 0
    for partition in partitions(list(range(len(values)))):
        if all(sum(values[i] for i in block) == 0 for block in partition):
            best = max(best, len(partition))
    return len(values) - best


def balances_from(values: list[int], currency: str = "EUR", places: int = 2) -> dict[str, Money]:
    return {f"p{index:02d}": Money(Decimal(value).scaleb(-places), currency) for index, value in enumerate(values)}


CENTS = st.integers(-5000, 5000)


@st.composite
def zero_sum_values(draw, min_size=1, max_size=7, amounts=CENTS):
    """Balances in cents summing to zero, none of them zero; small ranges make zero-sum subgroups likely."""
    values = draw(st.lists(amounts.filter(bool), min_size=min_size, max_size=max_size))
    closing = -sum(values)
    if closing == 0:
        return values
    return [*values, closing]


small_groups = zero_sum_values(amounts=st.sampled_from([-300, -200, -150, -100, -50, 50, 100, 150, 200, 300, 250, -7]))


# --- examples --------------------------------------------------------------------------------------------


def test_a_group_dinner_settles_in_two_transfers():
    balances = {"alice": eur("30.00"), "bob": eur("-10.00"), "carol": eur("-20.00")}

    transfers = simplify_debts(balances)

    assert sorted((t.payer, t.payee, t.amount) for t in transfers) == [
        ("bob", "alice", eur("10.00")),
        ("carol", "alice", eur("20.00")),
    ]


def test_exact_pairs_settle_apart_with_one_transfer_each():
    balances = {"a": eur(5), "b": eur(-5), "c": eur(7), "d": eur(-7)}

    assert sorted((t.payer, t.payee) for t in simplify_debts(balances)) == [("b", "a"), ("d", "c")]


def test_two_zero_sum_subgroups_need_one_transfer_fewer_than_the_greedy_rule():
    # Largest debtor to largest creditor would chain through both groups: 4 transfers; two groups need 3.
    balances = {"a": eur(6), "b": eur(-4), "c": eur(-2), "d": eur(5), "e": eur(-3), "f": eur(-2)}

    transfers = simplify_debts(balances)

    assert len(transfers) == 4  # 6 parties, the two groups {a,b,c} and {d,e,f}: 6 - 2
    assert all(value == 0 for value in settled(balances, transfers).values())
    groups = {frozenset({t.payer, t.payee}) for t in transfers}
    assert all(pair <= {"a", "b", "c"} or pair <= {"d", "e", "f"} for pair in groups)


def test_zero_balances_take_no_part_and_an_empty_group_needs_no_transfer():
    assert simplify_debts({}) == []
    assert simplify_debts({"a": eur(0), "b": eur(0)}) == []
    transfers = simplify_debts({"a": eur(0), "b": eur(3), "c": eur(-3)})
    assert transfers == [Transfer("c", "b", eur("3.00"))]


def test_amounts_keep_more_decimal_places_than_the_currency_when_given():
    transfers = simplify_debts({"a": eur("0.005"), "b": eur("-0.005")})
    assert transfers == [Transfer("b", "a", eur("0.005"))]
    assert str(transfers[0].amount.amount) == "0.005"


def test_transfers_are_in_minor_units_of_the_currency():
    [transfer] = simplify_debts({"a": Money(500, "JPY"), "b": Money(-500, "JPY")})
    assert str(transfer.amount) == "500 JPY"
    [transfer] = simplify_debts({"a": eur(5), "b": eur(-5)})
    assert str(transfer.amount) == "5.00 EUR"


def test_model_instances_and_strings_can_both_be_parties(db):
    from tests.testapp.models import Company, Person

    ada, acme = Person.objects.create(name="Ada"), Company.objects.create(name="Acme")

    transfers = simplify_debts({ada: eur(12), acme: eur(-7), "cash box": eur(-5)})

    assert {(t.payer, t.payee) for t in transfers} == {(acme, ada), ("cash box", ada)}


def test_the_sort_key_of_a_model_instance_is_its_row_not_the_instance(db):
    from tests.testapp.models import Person

    ada = Person.objects.create(name="Ada")
    again = Person.objects.get(pk=ada.pk)
    assert party_sort_key(ada) == party_sort_key(again) == ("model", "testapp.person", ada.pk.hex)
    assert party_sort_key("ada") == ("builtins.str", "ada", "")


# --- refusals --------------------------------------------------------------------------------------------


def test_balances_in_two_currencies_are_refused():
    with pytest.raises(MixedCurrenciesError) as caught:
        simplify_debts({"a": eur(5), "b": eur(-5), "c": Money(3, "USD"), "d": Money(-3, "USD")})

    assert caught.value.currencies == ["EUR", "USD"]
    assert isinstance(caught.value, ValueError) and isinstance(caught.value, SettlementsError)


def test_balances_that_do_not_sum_to_zero_are_refused():
    with pytest.raises(UnbalancedBalancesError) as caught:
        simplify_debts({"a": eur("5.00"), "b": eur("-4.99")})

    assert caught.value.total == eur("0.01")
    assert isinstance(caught.value, InvalidBalancesError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("balances", [{"a": Decimal(5), "b": Decimal(-5)}, {"a": 5.0, "b": -5.0}, [("a", eur(1))]])
def test_balances_that_are_not_a_mapping_of_money_are_refused(balances):
    with pytest.raises(InvalidBalancesError):
        simplify_debts(balances)


# --- properties ------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(zero_sum_values(max_size=9))
def test_every_balance_is_settled_exactly_and_money_is_conserved(values):
    balances = balances_from(values)

    transfers = simplify_debts(balances)

    assert all(value == 0 for value in settled(balances, transfers).values())
    assert all(t.amount.amount > 0 and t.amount.currency == "EUR" for t in transfers)
    # Money only moves from those who owe to those who are owed, and the total moved is what is owed.
    assert all(balances[t.payer].amount < 0 < balances[t.payee].amount for t in transfers)
    owed = sum(value for value in values if value > 0)
    assert sum(t.amount.amount for t in transfers) * 100 == owed


@settings(max_examples=300, deadline=None)
@given(zero_sum_values(max_size=12))
def test_never_more_than_n_minus_one_transfers(values):
    transfers = simplify_debts(balances_from(values))

    assert len(transfers) <= max(len(values) - 1, 0)


@settings(max_examples=400, deadline=None)
@given(small_groups)
def test_the_number_of_transfers_is_the_minimum_found_by_brute_force(values):
    assert len(simplify_debts(balances_from(values))) == brute_force_minimum(values)


@settings(max_examples=200, deadline=None)
@given(zero_sum_values(max_size=10), st.randoms(use_true_random=False))
def test_the_same_balances_give_the_same_transfers_whatever_their_order(values, rng):
    balances = balances_from(values)
    shuffled = list(balances.items())
    rng.shuffle(shuffled)

    assert simplify_debts(balances) == simplify_debts(dict(shuffled)) == simplify_debts(balances)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-40, 40).filter(bool), min_size=1, max_size=14))
def test_the_exact_search_finds_the_most_zero_sum_groups(values):
    values = [*values, -sum(values)] if sum(values) else values
    values = [value for value in values if value]
    groups = _zero_sum_groups(values)

    assert sorted(index for group in groups for index in group) == list(range(len(values)))
    assert all(sum(values[index] for index in group) == 0 for group in groups)
    if len(values) <= 8:
        assert len(values) - len(groups) == brute_force_minimum(values)


def test_the_minimum_holds_for_a_group_at_the_exact_limit():
    # EXACT_LIMIT parties made of zero-sum triples (no exact pairs): the minimum is two transfers per triple.
    rng = random.Random(20)
    values = []
    while len(values) < EXACT_LIMIT - EXACT_LIMIT % 3:
        first, second = rng.randint(100, 900), rng.randint(100, 900)
        values += [first, second, -(first + second)]
    balances = balances_from(values)

    transfers = simplify_debts(balances)

    assert len(transfers) == len(values) - len(values) // 3
    assert all(value == 0 for value in settled(balances, transfers).values())


def test_above_the_exact_limit_the_greedy_rule_still_settles_within_n_minus_one():
    rng = random.Random(7)
    values = [rng.randint(-10_000, 10_000) or 1 for _ in range(3 * EXACT_LIMIT)]
    values.append(-sum(values))
    balances = balances_from(values)

    transfers = simplify_debts(balances)

    assert len(transfers) <= len(values) - 1
    assert all(value == 0 for value in settled(balances, transfers).values())
    assert transfers == simplify_debts(dict(reversed(list(balances.items()))))


def test_above_the_exact_limit_exact_pairs_are_still_matched_first():
    rng = random.Random(3)
    values = [rng.randint(1, 10_000) for _ in range(EXACT_LIMIT + 5)]
    values += [-value for value in values]  # every party has its exact counterpart
    transfers = simplify_debts(balances_from(values))

    assert len(transfers) == len(values) // 2


def test_each_party_pays_or_is_paid_as_often_as_the_partition_needs():
    balances = balances_from([600, -200, -200, -200])
    transfers = simplify_debts(balances)

    assert Counter(t.payee for t in transfers) == {"p00": 3}
    assert [t.payer for t in transfers] == ["p01", "p02", "p03"]  # ties between debtors: party order


def test_the_brute_force_agrees_with_known_minimums():
    assert brute_force_minimum([1, -1]) == 1
    assert brute_force_minimum([1, -1, 2, -2]) == 2
    assert brute_force_minimum([3, -1, -2]) == 2
    assert brute_force_minimum(list(itertools.chain([5, -2, -3], [4, -4]))) == 3
