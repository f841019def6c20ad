"""The choices of buckets and transactions; safe to import anywhere (no app registry needed)."""

from __future__ import annotations

from django.db import models


class BucketKind(models.TextChoices):
    ESSENTIALS = "essentials", "essentials"
    VARIABLE = "variable", "variable"
    SINKING = "sinking", "sinking fund"
    FUN = "fun", "fun"
    SAVINGS = "savings", "savings"
    OTHER = "other", "other"


class Priority(models.TextChoices):
    """A is the most important; C and D are discretionary."""

    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    D = "D", "D"


class TransactionKind(models.TextChoices):
    INCOME = "income", "income"
    EXPENSE = "expense", "expense"


DISCRETIONARY_PRIORITIES = frozenset({Priority.C, Priority.D})
