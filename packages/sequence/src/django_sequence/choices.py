"""The choices a sequence definition offers: when the counter restarts, and how gaps are treated."""

from __future__ import annotations

from django.db import models


class Period(models.TextChoices):
    """When a counter restarts at its start value. ``AUTO`` derives it from the template."""

    AUTO = "auto", "from the template"
    NONE = "none", "never"
    YEAR = "year", "every year"
    MONTH = "month", "every month"
    DAY = "day", "every day"


class GapPolicy(models.TextChoices):
    """Whether a number taken by a transaction that rolls back is given back."""

    GAPLESS = "gapless", "gapless (in the caller's transaction)"
    ALLOW_GAPS = "allow_gaps", "allow gaps (never waits for other transactions)"
