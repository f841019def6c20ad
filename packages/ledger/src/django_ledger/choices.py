"""The two enumerations of the ledger: account types and entry sides (no app registry needed)."""

from __future__ import annotations

from django.db import models


class EntryType(models.TextChoices):
    """The side of the ledger an entry is posted to."""

    DEBIT = "debit", "debit"
    CREDIT = "credit", "credit"

    @property
    def opposite(self) -> EntryType:
        """The other side: a reversal posts the same amount to it."""
        return EntryType.CREDIT if self is EntryType.DEBIT else EntryType.DEBIT


class AccountType(models.TextChoices):
    """The five account types of a chart of accounts."""

    ASSET = "asset", "asset"
    LIABILITY = "liability", "liability"
    EQUITY = "equity", "equity"
    REVENUE = "revenue", "revenue"
    EXPENSE = "expense", "expense"

    @property
    def normal_side(self) -> EntryType:
        """The side that increases an account of this type: debit for assets and expenses, credit otherwise."""
        return EntryType.DEBIT if self in (AccountType.ASSET, AccountType.EXPENSE) else EntryType.CREDIT
