"""Write paths: draft baskets, adding and removing items, the idempotent commit, work item lifecycle, dispensing.

Every function runs in ``transaction.atomic()``, validates before its first write and raises a
``django_catalog.exceptions.CatalogError`` subclass when it refuses. The modules of this package
split the services by job; every public name is importable from here (and from ``django_catalog``).
"""

from django_catalog.services.baskets import (
    ADD_ITEM_SCOPE,
    CANCEL_ACTION,
    add_item,
    cancel_basket,
    get_or_create_draft_basket,
    remove_item,
)
from django_catalog.services.commits import COMMIT_ACTION, commit_basket
from django_catalog.services.dispensing import (
    DISPENSE_SCOPE,
    REVERSE_DISPENSE_ACTION,
    record_dispense,
    reverse_dispense,
)
from django_catalog.services.work_items import (
    CANCEL_WORK_ITEM_ACTION,
    assign_work_item,
    cancel_work_item,
    complete_work_item,
    start_work_item,
)

__all__ = [
    "ADD_ITEM_SCOPE",
    "CANCEL_ACTION",
    "CANCEL_WORK_ITEM_ACTION",
    "COMMIT_ACTION",
    "DISPENSE_SCOPE",
    "REVERSE_DISPENSE_ACTION",
    "add_item",
    "assign_work_item",
    "cancel_basket",
    "cancel_work_item",
    "commit_basket",
    "complete_work_item",
    "get_or_create_draft_basket",
    "record_dispense",
    "remove_item",
    "reverse_dispense",
    "start_work_item",
]
