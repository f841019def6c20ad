"""System checks for django-sequence settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from django_sequence import conf
from django_sequence.exceptions import InvalidDefinitionError
from django_sequence.formats import MAX_PADDING, effective_period, validate_padding


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    template = conf.default_template()
    if not isinstance(template, str):
        errors.append(
            checks.Error(f"SEQUENCE_DEFAULT_TEMPLATE = {template!r} is not a string.", id="django_sequence.E001")
        )
    else:
        try:
            effective_period(template)
        except InvalidDefinitionError as exc:
            errors.append(
                checks.Error(
                    f"SEQUENCE_DEFAULT_TEMPLATE: {exc}",
                    hint=f"The default is {conf.DEFAULT_TEMPLATE!r}.",
                    id="django_sequence.E001",
                )
            )
    try:
        validate_padding(conf.default_padding())
    except InvalidDefinitionError:
        errors.append(
            checks.Error(
                f"SEQUENCE_DEFAULT_PADDING = {conf.default_padding()!r} is not an integer from 0 to {MAX_PADDING}.",
                id="django_sequence.E002",
            )
        )
    timeout = conf.definition_cache_timeout()
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
        errors.append(
            checks.Error(
                f"SEQUENCE_DEFINITION_CACHE_TIMEOUT = {timeout!r} is not a number of seconds (0 or more).",
                hint="0 reads the definition on every call.",
                id="django_sequence.E003",
            )
        )
    if not isinstance(conf.require_definition(), bool):
        errors.append(
            checks.Error(
                f"SEQUENCE_REQUIRE_DEFINITION = {conf.require_definition()!r} is not True or False.",
                id="django_sequence.E004",
            )
        )
    if not isinstance(conf.prepared_statements(), bool):
        errors.append(
            checks.Error(
                f"SEQUENCE_PREPARED_STATEMENTS = {conf.prepared_statements()!r} is not True or False.",
                hint="False behind a pooler in transaction mode (PgBouncer's pool_mode = transaction).",
                id="django_sequence.E005",
            )
        )
    if not settings.USE_TZ:
        errors.append(
            checks.Warning(
                "USE_TZ is off: sequence periods ({year}, {month}, {day}) follow naive local datetimes.",
                hint="Set USE_TZ = True; periods then follow the current time zone.",
                id="django_sequence.W001",
            )
        )
    return errors
