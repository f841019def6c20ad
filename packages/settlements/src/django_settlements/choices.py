"""The kinds of settlements and of credit movements."""

from __future__ import annotations

from django.db import models


class SettlementKind(models.TextChoices):
    """What a settlement is: money paid, money given back, or the reversal of either."""

    PAYMENT = "payment", "Payment"
    REFUND = "refund", "Refund"
    REVERSAL = "reversal", "Reversal"


class CreditMovementKind(models.TextChoices):
    """What a credit movement does to its limit: hold credit, give it back, or turn it into an obligation."""

    RESERVE = "reserve", "Reserve"
    RELEASE = "release", "Release"
    CONSUME = "consume", "Consume"
