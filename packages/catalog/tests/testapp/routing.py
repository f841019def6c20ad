"""Routers the tests plug in through CATALOG_WORK_ITEM_ROUTER."""

calls = []


def route_stock_items_to_pharmacy(basket_item, catalog_settings):
    calls.append(basket_item.pk)
    if basket_item.catalog_item.kind == "stock_item":
        return "pharmacy"
    return basket_item.catalog_item.routing or catalog_settings.default_routing


def route_nowhere(basket_item, catalog_settings):
    return ""


def route_to_a_number(basket_item, catalog_settings):
    return 42


NOT_CALLABLE = "lab"
