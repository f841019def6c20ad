"""The default work item router: which board a basket item's work goes to, decided at commit time.

A project replaces it with ``CATALOG_WORK_ITEM_ROUTER = "myapp.routing.route"``: any callable
``route(basket_item, catalog_settings) -> str``. ``basket_item.catalog_item`` is already loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django_catalog.models import BasketItem, CatalogSettings


def route_by_catalog_item(basket_item: BasketItem, catalog_settings: CatalogSettings) -> str:
    """The catalog item's ``routing``, else ``CatalogSettings.default_routing`` (may be empty: commit refuses it)."""
    return basket_item.catalog_item.routing or catalog_settings.default_routing
