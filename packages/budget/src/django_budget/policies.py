"""Spending policies: callables that decide whether an expense may post, chosen by ``BUDGET_SPENDING_POLICY``.

A policy is called as ``policy(*, budget, bucket, amount, priority, date, description, by)``
(accept ``**context`` for arguments added later) before anything is written. It returns
``None`` to allow the expense or raises ``SpendingRefusedError(message, rule=...)``. Nothing falls
back silently: a missing, unimportable or misbehaving policy or hook refuses to decide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import import_string

from django_budget import conf
from django_budget.choices import DISCRETIONARY_PRIORITIES, BucketKind
from django_budget.exceptions import ObligationsHookFailedError, SpendingPolicyMisconfiguredError, SpendingRefusedError

if TYPE_CHECKING:
    from django_budget.models import Bucket, Budget
    from django_money import Money

OBLIGATIONS_NOT_COVERED = "obligations_not_covered"


def import_callable(setting: str, value: Any) -> Callable[..., Any]:
    """Import the callable the dotted path ``value`` of ``setting`` names.

    Raises ``SpendingPolicyMisconfiguredError`` when ``value`` is not a non-empty string, cannot be
    imported, or is not callable.
    """
    if not isinstance(value, str) or not value:
        raise SpendingPolicyMisconfiguredError(f"{setting} must be the dotted path of a callable, not {value!r}.")
    try:
        target = import_string(value)
    except ImportError as exc:
        raise SpendingPolicyMisconfiguredError(f"{setting} = {value!r} cannot be imported: {exc}") from exc
    if not callable(target):
        raise SpendingPolicyMisconfiguredError(f"{setting} = {value!r} is a {type(target).__name__}, not a callable.")
    return target


def spending_policy() -> Callable[..., Any]:
    """The policy ``BUDGET_SPENDING_POLICY`` names.

    Raises ``SpendingPolicyMisconfiguredError`` (see ``import_callable``).
    """
    return import_callable("BUDGET_SPENDING_POLICY", conf.spending_policy())


def obligations_hook() -> Callable[..., Any]:
    """The callable ``BUDGET_OBLIGATIONS_COVERED`` names.

    Raises ``SpendingPolicyMisconfiguredError`` when the setting is unset (``None``), cannot be
    imported, or is not callable: an unknown obligation status never allows spending.
    """
    value = conf.obligations_covered()
    if value is None:
        raise SpendingPolicyMisconfiguredError(
            "BUDGET_OBLIGATIONS_COVERED is not set: block_discretionary_until_obligations_covered needs the dotted "
            "path of covered(*, budget, date) -> bool."
        )
    return import_callable("BUDGET_OBLIGATIONS_COVERED", value)


def check_expense(**arguments: Any) -> None:
    """Run the configured spending policy on one expense.

    Returns when the policy allows it. Raises ``SpendingRefusedError`` when it refuses,
    ``SpendingPolicyMisconfiguredError`` when the policy cannot be loaded or returns something else
    than ``None``, and whatever else the policy raises (never swallowed).
    """
    policy = spending_policy()
    answer = policy(**arguments)
    if answer is not None:
        raise SpendingPolicyMisconfiguredError(
            f"The spending policy {conf.spending_policy()!r} returned {answer!r}: a policy returns None to allow "
            "and raises SpendingRefusedError to refuse."
        )


def allow_all(*, budget: Budget, bucket: Bucket, amount: Money, priority: str, **context: Any) -> None:
    """The default policy: every expense may post."""
    return None


def block_discretionary_until_obligations_covered(
    *, budget: Budget, bucket: Bucket, amount: Money, priority: str, date: dt.date, **context: Any
) -> None:
    """Refuse priority C and D expenses outside essentials buckets while obligations are not covered.

    Whether obligations are covered is answered by the callable ``BUDGET_OBLIGATIONS_COVERED``
    names, called as ``covered(budget=budget, date=date)`` and returning ``True`` or ``False``.
    The hook is loaded on every call, so a misconfiguration shows on the first expense and not
    only on the first discretionary one.

    Raises ``SpendingRefusedError`` (rule ``"obligations_not_covered"``) when the hook says ``False``;
    ``SpendingPolicyMisconfiguredError`` when the hook is unset, unimportable, not callable or returns
    something else than a bool; ``ObligationsHookFailedError`` (with the hook's exception as
    ``__cause__``) when it raises.
    """
    covered = obligations_hook()
    if priority not in DISCRETIONARY_PRIORITIES or bucket.kind == BucketKind.ESSENTIALS:
        return
    try:
        answer = covered(budget=budget, date=date)
    except Exception as exc:  # any failure must refuse, and the cause stays attached
        raise ObligationsHookFailedError(f"BUDGET_OBLIGATIONS_COVERED raised {type(exc).__name__}: {exc}") from exc
    if not isinstance(answer, bool):
        raise SpendingPolicyMisconfiguredError(
            f"BUDGET_OBLIGATIONS_COVERED returned {answer!r}; it must return True or False."
        )
    if not answer:
        raise SpendingRefusedError(
            f"Obligations are not covered: the priority {priority} expense in {bucket.kind} bucket {bucket.name!r} "
            "waits until they are (essentials and priorities A-B may still post).",
            rule=OBLIGATIONS_NOT_COVERED,
        )
