"""System checks for django-parties settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from django_basemodels.checks import limit_setting_errors
from django_basemodels.limits import DEFAULT_MAX_TEXT_LENGTH
from django_parties import conf

#: ``PartyRelationship.relationship_type`` is a ``CharField(max_length=50)``.
MAX_TYPE_LENGTH = 50


@checks.register()
def check_relationship_types(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``PARTIES_RELATIONSHIP_TYPES`` must be ``(value, label)`` string pairs with unique values, including "member"."""
    types = conf.relationship_types()
    hint = 'Use pairs such as [("employee", "Employee of"), ("member", "Member of")].'
    if isinstance(types, (str, bytes)) or not isinstance(types, (list, tuple)) or not types:
        return [
            checks.Error(
                f"PARTIES_RELATIONSHIP_TYPES must be a non-empty list of (value, label) pairs, not {types!r}.",
                hint=hint,
                id="django_parties.E001",
            )
        ]
    errors: list[checks.CheckMessage] = []
    seen: set[str] = set()
    for entry in types:
        if (
            not isinstance(entry, (list, tuple))
            or len(entry) != 2
            or not all(isinstance(part, str) for part in entry)
            or not entry[0]
            or len(entry[0]) > MAX_TYPE_LENGTH
        ):
            errors.append(
                checks.Error(
                    f"PARTIES_RELATIONSHIP_TYPES entry {entry!r} is not a (value, label) pair of strings "
                    f"with a value of 1 to {MAX_TYPE_LENGTH} characters.",
                    hint=hint,
                    id="django_parties.E002",
                )
            )
            continue
        if entry[0] in seen:
            errors.append(
                checks.Error(
                    f"PARTIES_RELATIONSHIP_TYPES lists the value {entry[0]!r} more than once.",
                    id="django_parties.E003",
                )
            )
        seen.add(entry[0])
    if not errors and conf.MEMBER not in seen:
        errors.append(
            checks.Error(
                f"PARTIES_RELATIONSHIP_TYPES lacks {conf.MEMBER!r}, which group membership uses.",
                hint="Extend the defaults instead of replacing them: [*DEFAULT_RELATIONSHIP_TYPES, ...].",
                id="django_parties.E004",
            )
        )
    return errors


@checks.register()
def check_max_text_length(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``PARTIES_MAX_TEXT_LENGTH`` must be a positive integer (characters)."""
    return limit_setting_errors(
        "PARTIES_MAX_TEXT_LENGTH", conf.max_text_length(), default=DEFAULT_MAX_TEXT_LENGTH, id="django_parties.E005"
    )


@checks.register()
def check_use_tz(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Validity periods compare datetimes; they are only meaningful when they are timezone-aware."""
    if not getattr(settings, "USE_TZ", False):
        return [
            checks.Warning(
                "USE_TZ is False: relationship validity periods would be naive datetimes.",
                hint="Set USE_TZ = True.",
                id="django_parties.W001",
            )
        ]
    return []
