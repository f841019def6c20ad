"""Read paths over budgets, buckets and budget transactions; the transaction queryset also refuses bulk
``update()`` and ``delete()``.

Every queryset has ``for_org(org)``: the budgets of ``org``, or the buckets and transactions of its
budgets (they belong to their budget's organization). ``org`` is an organization (a saved instance or a
string key), ``None`` (no organization) or ``ANY_ORG`` (every row, unfiltered).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from django_basemodels import OrgQuerySetMixin
from django_basemodels.generic import generic_key_filter
from django_budget.choices import TransactionKind
from django_budget.exceptions import TransactionImmutableError
from django_budget.months import next_month, to_month
from django_decisioning.querysets import EventAsOfQuerySet


class BudgetQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Budgets; ``for_org(org)``."""


class BucketQuerySet(OrgQuerySetMixin, models.QuerySet):
    """Buckets; ``for_org(org)``: the buckets of the budgets of ``org``."""

    org_lookup = "budget__org_key"


class BudgetTransactionQuerySet(OrgQuerySetMixin, EventAsOfQuerySet):
    """Budget transactions: ``as_of``/``known_at`` (two times), kinds, voids and months; ``for_org(org)``: the
    transactions of the budgets of ``org``.

    Transactions are append-only: ``update()`` and ``delete()`` raise ``TransactionImmutableError``.
    """

    org_lookup = "budget__org_key"

    def income(self) -> BudgetTransactionQuerySet:
        """Income facts (originals and their voids)."""
        return self.filter(kind=TransactionKind.INCOME)

    def expenses(self) -> BudgetTransactionQuerySet:
        """Expense facts (originals and their voids)."""
        return self.filter(kind=TransactionKind.EXPENSE)

    def originals(self) -> BudgetTransactionQuerySet:
        """Posted transactions, without the void facts that reverse them."""
        return self.filter(reverses__isnull=True)

    def reversals(self) -> BudgetTransactionQuerySet:
        """Void facts only."""
        return self.filter(reverses__isnull=False)

    def voided(self) -> BudgetTransactionQuerySet:
        """Posted transactions that a void fact reverses."""
        return self.originals().filter(reversal__isnull=False)

    def not_voided(self) -> BudgetTransactionQuerySet:
        """Posted transactions that no void fact reverses: the ones that count."""
        return self.originals().filter(reversal__isnull=True)

    def for_reference(self, reference: models.Model) -> BudgetTransactionQuerySet:
        """Transactions (postings and their voids) that name ``reference``, a saved instance of any model."""
        return self.filter(**generic_key_filter("reference", reference))

    def in_month(self, month: Any) -> BudgetTransactionQuerySet:
        """Transactions whose ``date`` is in ``month``: a date or ``"YYYY-MM"``, up to 9998-12.

        Raises ``InvalidMonthError`` for anything else, 9999-12 included (it has no month after it).
        """
        first = to_month(month)
        return self.filter(date__gte=first, date__lt=next_month(first))

    def update(self, **kwargs: Any) -> int:
        raise TransactionImmutableError(
            "Budget transactions are append-only: void a transaction instead of updating it."
        )

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TransactionImmutableError(
            "Budget transactions are append-only: void a transaction instead of deleting it."
        )

    delete.queryset_only = True  # type: ignore[attr-defined]
