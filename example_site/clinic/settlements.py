"""Who owes whom around the clinic (django-settlements): a group's balances per currency and the transfers that
settle them, and whose obligations the budget waits for.

A group is an organization and the parties related to it now: every person or organization with a current
relationship to it (django-parties: employees, contractors, members, billing parties...). The clinic's group is
the clinic, its staff and its contractors. Balances count only the clinic's obligations and settlements (those
of its organization) between two members of the group; the API (``GET settlements/balances/``) and the
settlements page read the same ``group_report``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import models
from django.db.models import Q

from clinic.organizations import clinic_org
from django_basemodels.generic import generic_key_filter
from django_money import Money
from django_parties.models import Organization, PartyRelationship, Person
from django_settlements import Transfer, group_balances, simplify_debts
from django_settlements.models import Obligation, Settlement

Party = Person | Organization


@dataclass(frozen=True)
class CurrencyBalances:
    """The group's balances in one currency (positive: owed, negative: owing) and the fewest transfers that
    settle them."""

    currency: str
    balances: list[tuple[models.Model, Money]]
    transfers: list[Transfer]

    @property
    def is_settled(self) -> bool:
        return not self.transfers


@dataclass(frozen=True)
class GroupReport:
    organization: models.Model
    members: list[models.Model]
    as_of: dt.datetime | None
    currencies: list[CurrencyBalances]


def group_members(organization: models.Model) -> list[models.Model]:
    """``organization`` first, then every live person or organization with a current relationship to it, by
    name (each once, whatever the number of relationships). One query."""
    relationships = (
        PartyRelationship.objects.to_party(organization)
        .current()
        .between_live_parties()
        .filter(from_group__isnull=True)  # the site's parties are persons and organizations
        .with_parties()
    )
    related: dict[tuple[type, Any], Party] = {}
    for relationship in relationships:
        party = relationship.from_party
        related.setdefault((type(party), party.pk), party)
    return [organization, *sorted(related.values(), key=lambda party: (party.name.casefold(), str(party.pk)))]


def _among(name: str, parties: list[models.Model]) -> Q:
    """Rows whose generic key ``name`` points at one of ``parties``."""
    return reduce(or_, (Q(**generic_key_filter(name, party)) for party in parties), Q(pk__in=[]))


def group_currencies(members: list[models.Model], *, as_of: dt.datetime | None = None, org: Any) -> list[str]:
    """The currencies of ``org``'s obligations and settlements between two of ``members`` (by ``as_of``),
    sorted. Two queries."""
    obligations = Obligation.objects.for_org(org).filter(_among("debtor", members), _among("creditor", members))
    settlements = Settlement.objects.for_org(org).filter(_among("payer", members), _among("payee", members))
    found: set[str] = set()
    for facts in (obligations, settlements):
        if as_of is not None:
            facts = facts.window(as_of=as_of)
        found.update(facts.order_by().values_list("currency", flat=True).distinct())
    return sorted(found)


def group_report(organization: models.Model, *, as_of: dt.datetime | None = None) -> GroupReport:
    """The balances of ``organization``'s group in each currency it has dealt in, with the suggested transfers
    (``django_settlements.simplify_debts``), counting the clinic's facts effective by ``as_of`` (default: all).

    Three queries, and two per currency. A currency whose balances came back to zero is listed, settled.
    """
    org = clinic_org()
    members = group_members(organization)
    currencies = []
    for currency in group_currencies(members, as_of=as_of, org=org):
        balances = group_balances(members, currency=currency, as_of=as_of, org=org)
        currencies.append(
            CurrencyBalances(
                currency=currency,
                balances=[(member, balances[member]) for member in members],
                transfers=simplify_debts(balances),
            )
        )
    return GroupReport(organization=organization, members=members, as_of=as_of, currencies=currencies)


def budget_debtor(budget: Any) -> models.Model:
    """``SETTLEMENTS_BUDGET_DEBTOR``: the party whose obligations a budget waits for, its owner (the clinic for
    the clinic's operating budget). A budget without an owner answers for itself (django-settlements' default)."""
    owner = budget.owner
    return owner if owner is not None else budget
