"""Who may amend or terminate an agreement: a pluggable policy, named by ``AGREEMENTS_AUTHORITY_POLICY``.

A policy is a callable ``policy(*, user, agreement, action, on_behalf_of) -> bool`` where
``action`` is ``"amend"`` or ``"terminate"``. It allows the change by returning ``True``;
anything else (``False``, ``None``, a truthy non-bool) refuses it, so a policy that forgets to
return refuses rather than allows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from django_agreements import conf
from django_agreements.exceptions import NotAuthorizedError

if TYPE_CHECKING:
    from django.db import models

    from django_agreements.models import Agreement

AMEND = "amend"
TERMINATE = "terminate"
ACTIONS = (AMEND, TERMINATE)

Policy = Callable[..., Any]


def agreed_by_or_permitted(
    *, user: Any, agreement: Agreement, action: str, on_behalf_of: models.Model | None = None
) -> bool:
    """The default policy: an active user who is the agreement's ``agreed_by``, or who holds the permission.

    The permissions are ``django_agreements.amend_agreement`` and
    ``django_agreements.terminate_agreement`` (given through groups or directly); active
    superusers have every permission. ``on_behalf_of`` is not consulted.
    """
    if not user.is_active:
        return False
    if user.pk == agreement.agreed_by_id:
        return True
    return bool(user.has_perm(f"django_agreements.{action}_agreement"))


def policy_problem(path: Any) -> tuple[str, str] | None:
    """Why ``path`` does not name a usable policy, as ``(check id, message)``, or ``None`` when it does.

    The ids are those of the system checks: ``E001`` not a dotted path, ``E002`` does not
    import, ``E003`` not callable.
    """
    if not isinstance(path, str) or not path:
        return "E001", f"AGREEMENTS_AUTHORITY_POLICY must be a dotted path, not {path!r}."
    try:
        policy = import_string(path)
    except ImportError as exc:
        return "E002", f"AGREEMENTS_AUTHORITY_POLICY {path!r} does not import: {exc}"
    if not callable(policy):
        return "E003", f"AGREEMENTS_AUTHORITY_POLICY {path!r} is not callable."
    return None


def load_policy() -> Policy:
    """The configured policy. Raises ``ImproperlyConfigured`` when the setting does not name a callable."""
    path = conf.authority_policy_path()
    problem = policy_problem(path)
    if problem is not None:
        raise ImproperlyConfigured(problem[1])
    return import_string(path)


def authorize(*, user: Any, agreement: Agreement, action: str, on_behalf_of: models.Model | None) -> None:
    """Return if the policy allows ``user`` to ``action`` ``agreement``; raise ``NotAuthorizedError`` otherwise."""
    policy = load_policy()
    if policy(user=user, agreement=agreement, action=action, on_behalf_of=on_behalf_of) is not True:
        raise NotAuthorizedError(
            f"{user} may not {action} agreement {agreement.pk} (policy {conf.authority_policy_path()}).",
            user=user,
            action=action,
        )
