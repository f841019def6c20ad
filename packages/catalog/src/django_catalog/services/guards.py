"""The catalog's own argument and state checks, made before a service's first write.

The shared guards (a saved instance, a user, an aware datetime, a key's shape) come from
``django_basemodels.arguments``; what only the catalog knows (a quantity, an orderable item, the
length of its free texts) lives here, with the translation of a reused idempotency key.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models

from django_basemodels.fields import canonical_object_id
from django_basemodels.limits import text_within_limit
from django_catalog import conf
from django_catalog.exceptions import (
    CrossOrgBasketError,
    IdempotencyKeyConflictError,
    InvalidQuantityError,
    ItemNotOrderableError,
    TextTooLongError,
)
from django_catalog.models import Basket, BasketItem, CatalogItem, CatalogSettings
from django_decisioning.exceptions import IdempotencyConflictError


def require_quantity(quantity: Any) -> None:
    """Raise ``InvalidQuantityError`` unless ``quantity`` is a positive ``int`` (``bool`` is refused)."""
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantityError(f"quantity must be a positive integer, not {quantity!r}.")


def require_text(value: Any, name: str) -> None:
    """Raise ``TextTooLongError`` when ``value`` is longer than ``CATALOG_MAX_TEXT_LENGTH``."""
    text_within_limit(value, name=name, limit=conf.max_text_length(), error=TextTooLongError)


def require_orderable(item: CatalogItem, catalog_settings: CatalogSettings) -> None:
    """Raise ``ItemNotOrderableError`` for a deleted item, or an inactive one the settings do not allow."""
    if item.deleted_at is not None:
        raise ItemNotOrderableError(
            f"Catalog item {item} was deleted and cannot be ordered: restore it (item.restore()) or order another item."
        )
    if not item.active and not catalog_settings.allow_inactive_items:
        raise ItemNotOrderableError(
            f"Catalog item {item} is inactive: set active=True on it, or turn on "
            f"CatalogSettings.allow_inactive_items to order inactive items."
        )


def require_org_of_basket(basket: Basket, item: CatalogItem) -> None:
    """Raise ``CrossOrgBasketError`` when ``basket`` holds an item of another organization than ``item``'s.

    One query; call it with the basket locked, so that no line of another organization is added meanwhile.
    """
    other = (
        BasketItem.objects.filter(basket=basket)
        .exclude(catalog_item__org_key=item.org_key)
        .values_list("catalog_item__org_key", flat=True)
        .first()
    )
    if other is not None:
        raise CrossOrgBasketError(
            f"Basket {basket.pk} holds items of organization {other!r}; catalog item {item} belongs to "
            f"{item.org_key!r}. A basket holds the items of one organization.",
            basket_org_key=other,
            item_org_key=item.org_key,
        )


def require_one_org(basket: Basket, items: Iterable[BasketItem]) -> None:
    """Raise ``CrossOrgBasketError`` when the lines ``items`` (their catalog items loaded) are of two organizations.

    ``add_item`` never mixes them; this refuses a basket filled around it (lines written directly).
    """
    first: CatalogItem | None = None
    for line in items:
        if first is None:
            first = line.catalog_item
        elif line.catalog_item.org_key != first.org_key:
            raise CrossOrgBasketError(
                f"Basket {basket.pk} holds items of organizations {first.org_key!r} and "
                f"{line.catalog_item.org_key!r}; a basket holds the items of one organization.",
                basket_org_key=first.org_key,
                item_org_key=line.catalog_item.org_key,
            )


@contextmanager
def key_conflicts_as_catalog_errors() -> Iterator[None]:
    """Raise a reused key as ``IdempotencyKeyConflictError``, whether decisioning or the stored fact found it.

    While decisioning still holds the key, ``run_once`` refuses another request with it; after the
    key was purged, the fact that stores the key does. The caller sees one exception either way
    (it is also a ``django_decisioning.IdempotencyConflictError``).
    """
    try:
        yield
    except IdempotencyKeyConflictError:
        raise
    except IdempotencyConflictError as exc:
        raise IdempotencyKeyConflictError(str(exc), scope=exc.scope, key=exc.key) from exc


def reference(instance: models.Model | None) -> list[str] | None:
    """``[model label, canonical key]`` of ``instance`` (``None`` for ``None``): how a payload names a row."""
    if instance is None:
        return None
    return [instance._meta.label_lower, canonical_object_id(instance.pk)]
