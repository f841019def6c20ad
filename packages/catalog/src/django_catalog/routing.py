"""The work item routers: which board a basket item's work goes to, decided at commit time.

A project replaces the default with ``CATALOG_WORK_ITEM_ROUTER = "myapp.routing.route"``: any callable
``route(basket_item, catalog_settings) -> str``. ``basket_item.catalog_item`` is already loaded.

The default, ``route_by_catalog_item``, always finds a board, so an item created as the roadmap
writes it (``kind``, ``service_category``, ``display_name``, no ``routing``) can be committed:

1. the item's own ``routing``;
2. else the site's ``CatalogSettings.default_routing`` (when set);
3. else the item's ``service_category`` (the categories the model names, lab, imaging, pharmacy, are boards);
4. else the board of its kind, ``KIND_BOARDS``: ``pharmacy`` for a stock item (what the pharmacy
   dispenses), ``general`` for a service.

``route_by_explicit_routing`` is the former default (steps 1 and 2 only: an item without either
makes the commit raise ``RoutingError``), for a site that wants every board named on purpose.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django_catalog.choices import CatalogItemKind

if TYPE_CHECKING:
    from django_catalog.models import BasketItem, CatalogSettings

KIND_BOARDS = {CatalogItemKind.SERVICE: "general", CatalogItemKind.STOCK_ITEM: "pharmacy"}
"""The board of last resort of each kind of catalog item (the default router's step 4)."""


def route_by_catalog_item(basket_item: BasketItem, catalog_settings: CatalogSettings) -> str:
    """The item's ``routing``, else ``CatalogSettings.default_routing``, else its ``service_category``,
    else the board of its kind (``KIND_BOARDS``): never empty for an item of a known kind."""
    item = basket_item.catalog_item
    return (
        item.routing or catalog_settings.default_routing or item.service_category or KIND_BOARDS.get(item.kind, "")  # type: ignore[call-overload]  # a plain str key
    )


def route_by_explicit_routing(basket_item: BasketItem, catalog_settings: CatalogSettings) -> str:
    """The item's ``routing``, else ``CatalogSettings.default_routing`` (may be empty: commit then raises
    ``RoutingError``). Set ``CATALOG_WORK_ITEM_ROUTER = "django_catalog.routing.route_by_explicit_routing"``
    to require a board on every item or a site default."""
    return basket_item.catalog_item.routing or catalog_settings.default_routing
