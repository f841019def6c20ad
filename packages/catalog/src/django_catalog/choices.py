"""The status and kind vocabularies of the catalog's models, importable without the app registry.

The models expose them as ``CatalogItem.Kind``, ``Basket.Status`` and ``WorkItem.Status``; the
querysets filter on them without importing the models.
"""

from __future__ import annotations

from django.db import models


class CatalogItemKind(models.TextChoices):
    SERVICE = "service", "service"
    STOCK_ITEM = "stock_item", "stock item"


class BasketStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    COMMITTED = "committed", "committed"
    CANCELLED = "cancelled", "cancelled"


class WorkItemStatus(models.TextChoices):
    PENDING = "pending", "pending"
    IN_PROGRESS = "in_progress", "in progress"
    COMPLETED = "completed", "completed"
    CANCELLED = "cancelled", "cancelled"
