"""Who may do what, for the API and the pages alike: a module permission of django-rbac per request.

Every API view and every page names its RBAC module; ``required_permission`` turns the module and
the request into the permission asked (``<module>.view`` to read, ``.add`` to create, ``.change``
for other writes, or the verb an action names, such as ``clinic.bill``) and ``allowed`` decides it
with ``django_rbac.selectors.has_module_permission``, the check of the API's
``HasModulePermission``. Pages are read-only, so each asks for ``<module>.view``; a signed-in user
without it gets 403, and the navigation lists only the pages the user may open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.functional import SimpleLazyObject

from django_rbac.decorators import split_module_permission
from django_rbac.selectors import has_module_permission

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def required_permission(
    module: str, method: str, action: str | None = None, verbs: dict[str, str] | None = None
) -> str:
    """The module permission a request asks for: ``"ledger.view"``, ``"parties.add"``, ``"clinic.bill"``."""
    verbs = verbs or {}
    key = action or method.lower()
    if key in verbs:
        verb = verbs[key]
    elif method.upper() in SAFE_METHODS:
        verb = "view"
    elif action == "create":
        verb = "add"
    else:
        verb = "change"
    return f"{module}.{verb}"


def allowed(user: Any, permission: str) -> bool:
    """Whether ``user`` holds the module permission (``"stock.view"``); superusers hold every one."""
    module, action = split_module_permission(permission)
    return has_module_permission(user, module, action)


@dataclass(frozen=True)
class Page:
    url_name: str
    title: str
    description: str
    module: str

    @property
    def permission(self) -> str:
        return required_permission(self.module, "GET")


PAGES = [
    Page(
        "board",
        "Encounter board",
        "Today's visits by state, open work per board, who is working on what.",
        "encounters",
    ),
    Page("stock", "Stock levels", "Every lot per location in FEFO order, with expiry warnings.", "stock"),
    Page("trial-balance", "Trial balance", "Debits and credits per account; the books balance.", "ledger"),
    Page("budget", "This month's budget", "Limits, spending, carry-over and income of the operating budget.", "budget"),
    Page(
        "settlements",
        "Who owes whom",
        "Balances between the clinic, its staff and contractors per currency, and the transfers that settle them.",
        "settlements",
    ),
]
PAGES_BY_NAME = {page.url_name: page for page in PAGES}


def pages_for(user: Any) -> list[Page]:
    """The pages ``user`` may open (every page for a visitor not signed in: signing in comes first)."""
    if not user.is_authenticated:
        return list(PAGES)
    return [page for page in PAGES if allowed(user, page.permission)]


def page(url_name: str) -> Callable:
    """Guard a page view: sign-in first (redirect), then the page's module permission (403)."""
    permission = PAGES_BY_NAME[url_name].permission

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not allowed(request.user, permission):
                raise PermissionDenied(f"Your role does not include {permission}.")
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


def navigation(request) -> dict[str, Any]:
    """Context processor: ``pages``, the pages the user may open, and the ``clinic`` (for error pages too)."""
    from clinic.models import ClinicSettings  # the models load after this module

    user = getattr(request, "user", None)
    return {
        "pages": pages_for(user) if user is not None else [],
        "clinic": SimpleLazyObject(ClinicSettings.get_instance),
    }
