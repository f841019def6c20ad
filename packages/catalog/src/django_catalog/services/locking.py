"""Row locks that serialise the changes of one basket or work item, and the caller's copy brought up to date."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models

from django_catalog.models import Basket, WorkItem


def lock_basket(basket: Basket) -> Basket:
    """The basket's row, read again under ``SELECT ... FOR UPDATE``.

    The row lock serialises every change of one basket: a commit and an add, or two commits, never
    interleave on PostgreSQL and MariaDB. (SQLite serialises writers by itself.)
    """
    return Basket.objects.select_for_update().get(pk=basket.pk)


def lock_work_item(work_item: WorkItem) -> WorkItem:
    """The work item's row, locked, read again."""
    return WorkItem.objects.select_for_update().get(pk=work_item.pk)


def lock_work_item_with_its_catalog_item(work_item: WorkItem) -> WorkItem:
    """Lock the work item's row, not its catalog item's: inserting a basket item checks its foreign
    key against the catalog item's row, which must not wait for a dispense to commit."""
    if connection.features.has_select_for_update_of:
        return WorkItem.objects.select_for_update(of=("self",)).select_related("catalog_item").get(pk=work_item.pk)
    # MariaDB has no FOR UPDATE OF, and a join would lock the catalog item too: it is read apart.
    locked = WorkItem.objects.select_for_update().get(pk=work_item.pk)
    locked.catalog_item  # noqa: B018 - loaded here, by a plain read
    return locked


def copy_fields(source: models.Model, target: models.Model, names: Iterable[str]) -> None:
    """Bring the caller's instance up to date with what was saved, without another query."""
    for name in names:
        field = source._meta.get_field(name)
        assert isinstance(field, models.Field)  # a concrete column, not a reverse relation
        setattr(target, field.attname, getattr(source, field.attname))
