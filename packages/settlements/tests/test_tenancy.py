"""Many organizations (docs/architecture.md): obligations, settlements and limits carry their organization, the
facts that hang off them belong to theirs, services never mix two, and no natural key is unique per database."""

import pytest

from django_basemodels.checks import check_natural_keys
from django_basemodels.tenancy import per_database_natural_keys
from django_settlements import (
    CrossOrgSettlementError,
    balance,
    consume_credit,
    group_balances,
    open_obligations,
    record_obligation,
    record_payment,
    reserve_credit,
    set_credit_limit,
)
from django_settlements.models import Allocation, CreditLimit, CreditMovement, Obligation, Settlement
from tests.conftest import eur

MODELS = [Obligation, Settlement, Allocation, CreditLimit, CreditMovement]


def test_the_natural_key_check_stays_quiet():
    assert [message for message in check_natural_keys() if message.obj in MODELS] == []


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_the_idempotency_keys_are_global_on_purpose_and_nothing_else_is(model):
    assert per_database_natural_keys(model) == []
    declared = getattr(model, "unique_per_database", {})
    assert set(declared) <= {("idempotency_scope", "idempotency_key")}


@pytest.mark.django_db
def test_two_organizations_keep_their_facts_apart(alice, bob, clinic, pharmacy):
    ours = record_obligation(debtor=bob, creditor=alice, amount=eur(10), org=clinic)
    theirs = record_obligation(debtor=bob, creditor=alice, amount=eur(20), org="tenant-b")
    record_payment(payer=bob, payee=alice, amount=eur(10), obligations=[ours])

    assert list(open_obligations(debtor=bob, org=clinic)) == []
    assert list(open_obligations(debtor=bob, org="tenant-b")) == [theirs]
    assert balance(alice, bob, currency="EUR", org=clinic) == eur(0)
    assert group_balances([alice, bob], currency="EUR", org="tenant-b") == {alice: eur(20), bob: eur(-20)}
    assert Allocation.objects.for_org(clinic).count() == 1
    assert Allocation.objects.for_org("tenant-b").count() == 0
    with pytest.raises(CrossOrgSettlementError):
        record_payment(payer=bob, payee=alice, amount=eur(5), obligations=[ours, theirs])


@pytest.mark.django_db
def test_each_organization_has_its_own_limit_between_the_same_parties(wholesaler, pharmacy, clinic):
    ours = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(100), org=clinic)
    theirs = set_credit_limit(creditor=wholesaler, debtor=pharmacy, limit=eur(5), org="tenant-b")

    consume_credit(reserve_credit(ours, amount=eur(100)))
    reserve_credit(theirs, amount=eur(5))

    assert CreditMovement.objects.for_org(clinic).count() == 2
    assert Obligation.objects.for_org(clinic).get().money == eur(100)
    assert not Obligation.objects.for_org("tenant-b").exists()
