"""System checks: ``ENCOUNTERS_VALIDATORS`` and stored validator paths must load; the limits must be positive."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import checks
from django.db import connections

from django_basemodels.checks import limit_setting_errors
from django_encounters import conf
from django_encounters.validators import validator_path_problem

_HINT = "Give dotted paths of subclasses of django_encounters.validators.Validator."


@checks.register()
def check_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """E001: ``ENCOUNTERS_VALIDATORS`` is not a list or tuple of strings. E002: one of them does not load.

    E004: ``ENCOUNTERS_MAX_TEXT_LENGTH``, E005: ``ENCOUNTERS_MAX_JSON_BYTES`` is not a positive integer.
    """
    return _validator_messages() + _limit_messages()


def _validator_messages() -> list[checks.CheckMessage]:
    paths = conf.global_validator_paths()
    if not isinstance(paths, (list, tuple)) or not all(isinstance(path, str) for path in paths):
        return [
            checks.Error(
                f"ENCOUNTERS_VALIDATORS must be a list of dotted paths, not {paths!r}.",
                hint=_HINT,
                id="django_encounters.E001",
            )
        ]
    return [
        checks.Error(f"ENCOUNTERS_VALIDATORS: {problem}", hint=_HINT, id="django_encounters.E002")
        for problem in map(validator_path_problem, paths)
        if problem is not None
    ]


def _limit_messages() -> list[checks.CheckMessage]:
    return limit_setting_errors(
        "ENCOUNTERS_MAX_TEXT_LENGTH",
        conf.max_text_length(),
        default=conf.DEFAULT_MAX_TEXT_LENGTH,
        id="django_encounters.E004",
    ) + limit_setting_errors(
        "ENCOUNTERS_MAX_JSON_BYTES",
        conf.max_json_bytes(),
        default=conf.DEFAULT_MAX_JSON_BYTES,
        id="django_encounters.E005",
    )


@checks.register(checks.Tags.database)
def check_stored_validator_paths(
    app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """E003: a saved definition names a validator that no longer loads (code moved or removed since).

    A database check: it runs with ``manage.py check --database default`` and before ``migrate``,
    and is silent while the definitions table does not exist yet.
    """
    from django_encounters.models import EncounterDefinition

    messages: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        table = EncounterDefinition._meta.db_table
        if table not in connection.introspection.table_names():
            continue
        # Before ``migrate`` the table may not have the org_key column yet (0003): name the organization when it has.
        with connection.cursor() as cursor:
            columns = {column.name for column in connection.introspection.get_table_description(cursor, table)}
        fields = ["key", "org_key"] if "org_key" in columns else ["key"]
        rows = (
            EncounterDefinition.objects.using(alias)
            .order_by(*fields)
            .values_list(*fields, "validator_paths", named=True)
        )
        for row in rows:
            key, paths, definition_org_key = row.key, row.validator_paths, getattr(row, "org_key", "")
            whose = f", organization {definition_org_key!r}" if definition_org_key else ""
            for path in paths if isinstance(paths, list) else [paths]:
                problem = validator_path_problem(path)
                if problem is not None:
                    messages.append(
                        checks.Error(
                            f"Encounter definition {key!r} ({alias}{whose}): {problem}",
                            hint="Restore the validator or save the definition without it.",
                            id="django_encounters.E003",
                        )
                    )
    return messages
