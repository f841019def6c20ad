"""Guarding views: find the request's organization and refuse (403) when a module is off for it."""

from __future__ import annotations

from typing import Any

from django_modules import conf
from django_modules.exceptions import OrgNotResolvedError
from django_modules.selectors import require_module


def org_from_request_attribute(request: Any) -> Any:
    """The default ``MODULES_ORG_RESOLVER``: ``request.org``, or ``None`` when the request has none.

    Set ``request.org`` in a middleware of your own (from the user, the host or a header).
    """
    return getattr(request, "org", None)


def require_module_for_request(request: Any, key: str) -> Any:
    """Return the request's organization when module ``key`` is enabled for it (one query).

    The organization is what ``MODULES_ORG_RESOLVER`` returns for ``request``. Raises
    ``OrgNotResolvedError`` when it returns ``None`` and ``ModuleDisabledError`` when the module is off (both
    ``PermissionDenied``: Django answers 403), ``UnknownModuleError`` for a key no live module has, and
    ``ImproperlyConfigured`` for a bad resolver setting.
    """
    org = conf.get_org_resolver()(request)
    if org is None:
        raise OrgNotResolvedError(key)
    require_module(org, key)
    return org
