"""The values an entry's ``sensitivity`` and the actions of automatic tracking take."""

from django.db import models


class Sensitivity(models.TextChoices):
    """How sensitive an entry is; admins filter on it and retention policies may differ by level."""

    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Action:
    """Actions written by automatic tracking; ``log()`` accepts any other action name too."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
