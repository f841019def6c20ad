"""System checks: ``AGREEMENTS_AUTHORITY_POLICY`` must name a callable, the limits be positive, datetimes aware."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from django_agreements import conf
from django_agreements.authority import policy_problem
from django_basemodels.checks import limit_setting_errors

_HINT = (
    "Give the dotted path of a callable policy(*, user, agreement, action, on_behalf_of) -> bool, "
    "or remove the setting to use django_agreements.authority.agreed_by_or_permitted."
)


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: the policy setting is not a dotted path. E002: it does not import. E003: not callable.

    E004: ``AGREEMENTS_MAX_TEXT_LENGTH``, E005: ``AGREEMENTS_MAX_JSON_BYTES`` is not a positive integer.
    W001: ``USE_TZ`` is false (effective and recorded times must be aware).
    """
    messages: list[checks.CheckMessage] = []
    problem = policy_problem(conf.authority_policy_path())
    if problem is not None:
        code, message = problem
        messages.append(checks.Error(message, hint=_HINT, id=f"django_agreements.{code}"))
    messages += limit_setting_errors(
        "AGREEMENTS_MAX_TEXT_LENGTH",
        conf.max_text_length(),
        default=conf.DEFAULT_MAX_TEXT_LENGTH,
        id="django_agreements.E004",
    )
    messages += limit_setting_errors(
        "AGREEMENTS_MAX_JSON_BYTES",
        conf.max_json_bytes(),
        default=conf.DEFAULT_MAX_JSON_BYTES,
        id="django_agreements.E005",
    )
    if not settings.USE_TZ:
        messages.append(
            checks.Warning(
                "USE_TZ is False: agreements need timezone-aware effective, recorded and validity times.",
                hint="Set USE_TZ = True.",
                id="django_agreements.W001",
            )
        )
    return messages
