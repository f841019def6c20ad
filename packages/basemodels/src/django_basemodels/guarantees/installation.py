"""Installing the declared guarantees on a database, and comparing what a database has with what is declared."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS, connections, router

from django_basemodels.guarantees.declarations import Guarantee, Refuse, RowTrigger, guarantees_of
from django_basemodels.guarantees.dialects import DIALECTS, MARKER, Dialect, TriggerDefinition, trigger_name


class UnsupportedDatabaseError(Exception):
    """The database vendor has no SQL in the guarantee layer: its guarantees cannot be installed."""


def dialect_for(connection: Any) -> Dialect:
    try:
        return DIALECTS[connection.vendor]
    except KeyError:
        raise UnsupportedDatabaseError(
            f"database guarantees have no SQL for the {connection.vendor!r} vendor "
            f"(supported: {', '.join(sorted(DIALECTS))})"
        ) from None


def _default_message(model: Any, guarantee: Refuse, event: str) -> str:
    return f"{model._meta.db_table}: {guarantee.describe()} ({guarantee.name}; {event.upper()} refused)"


def has_sql_for(guarantee: Guarantee, vendor: str) -> bool:
    """Whether ``guarantee`` can be written for ``vendor``: a condition or body given by vendor may lack it."""
    when = getattr(guarantee, "when", None)
    if isinstance(when, Mapping) and vendor not in when:
        return False
    return not isinstance(guarantee, RowTrigger) or vendor in guarantee.body


def guarantee_definitions(model: Any, guarantee: Guarantee, connection: Any) -> list[TriggerDefinition]:
    """The triggers that make ``guarantee`` of ``model`` hold on ``connection``'s vendor; none when the
    declaration has no SQL for that vendor (``guarantee_statuses`` reports it)."""
    dialect = dialect_for(connection)
    table = model._meta.db_table
    if not has_sql_for(guarantee, dialect.vendor):
        return []
    condition = dialect.condition(guarantee.when)  # type: ignore[attr-defined]
    if isinstance(guarantee, Refuse):
        return [
            dialect.refuse(
                guarantee.name, table, event, condition, guarantee.message or _default_message(model, guarantee, event)
            )
            for event in guarantee.events
        ]
    if isinstance(guarantee, RowTrigger):
        body = guarantee.body[dialect.vendor]
        return [
            dialect.row_trigger(
                trigger_name(table, guarantee.name, event),
                table,
                guarantee.name,
                guarantee.timing,
                event,
                condition,
                body,
            )
            for event in guarantee.events
        ]
    raise TypeError(f"{guarantee!r} is not a guarantee the layer knows")


def replace_definition(model: Any, guarantees: Iterable[Guarantee], connection: Any) -> TriggerDefinition | None:
    """The trigger refusing SQLite's ``REPLACE`` of existing rows, when any of ``guarantees`` protects them."""
    if not any(guarantee.protects_existing_rows for guarantee in guarantees):
        return None
    return dialect_for(connection).refuse_replace(model, connection)


def model_definitions(
    model: Any, connection: Any, guarantees: Iterable[Guarantee] | None = None
) -> list[TriggerDefinition]:
    """Every trigger of ``model``'s guarantees (its declared ones by default) on ``connection``."""
    guarantees = list(guarantees_of(model) if guarantees is None else guarantees)
    definitions = [
        definition for guarantee in guarantees for definition in guarantee_definitions(model, guarantee, connection)
    ]
    replace = replace_definition(model, guarantees, connection)
    return definitions + ([replace] if replace else [])


def execute(target: Any, statements: Iterable[str]) -> None:
    """Run ``statements`` through a schema editor (so ``sqlmigrate`` prints them) or a connection."""
    from django.db.backends.base.schema import BaseDatabaseSchemaEditor

    if isinstance(target, BaseDatabaseSchemaEditor):
        for statement in statements:
            # No parameters: a "%" in SQL or a message is not a placeholder for the driver.
            target.execute(statement, params=None)
        return
    with target.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_definitions(target: Any, definitions: Iterable[TriggerDefinition]) -> None:
    """Create each definition, dropping it first; ``target`` is a schema editor or a connection."""
    for definition in definitions:
        execute(target, (*definition.drop, *definition.create))


def drop_definitions(target: Any, definitions: Iterable[TriggerDefinition]) -> None:
    for definition in definitions:
        execute(target, definition.drop)


def guarded_models(using: str = DEFAULT_DB_ALIAS) -> list[Any]:
    """The installed models that declare guarantees and that the routers migrate to ``using``."""
    return [
        model for model in global_apps.get_models() if guarantees_of(model) and router.allow_migrate_model(using, model)
    ]


@dataclass(frozen=True)
class GuaranteeStatus:
    """One expected trigger on one database: installed, missing, outdated or disabled."""

    model: str
    guarantee: str
    trigger: str
    table: str
    state: str  # "installed", "missing", "outdated", "disabled", "undeclared" or "unsupported"

    @property
    def ok(self) -> bool:
        return self.state == "installed"

    def __str__(self) -> str:
        if self.state == "unsupported":
            return (
                f"{self.model} ({self.guarantee}): no SQL for this database vendor, so {self.table} is unguarded here"
            )
        what = {
            "missing": "is missing",
            "outdated": "differs from its declaration",
            "disabled": "is disabled",
            "undeclared": "is installed but no longer declared",
            "installed": "is installed",
        }[self.state]
        guarantee = f" ({self.guarantee})" if self.guarantee else ""
        return f"{self.model}{guarantee}: trigger {self.trigger} on table {self.table} {what}"


def guarantee_statuses(using: str = DEFAULT_DB_ALIAS, models: Iterable[Any] | None = None) -> list[GuaranteeStatus]:
    """Every trigger the guarded models (all of them by default) need on ``using``, with its state,
    then the triggers of the layer installed there that no declaration asks for.

    Raises ``UnsupportedDatabaseError`` for a vendor the layer has no SQL for.
    """
    connection = connections[using]
    dialect = dialect_for(connection)
    installed = dialect.installed(connection)
    statuses: list[GuaranteeStatus] = []
    expected: set[str] = set()
    models = guarded_models(using) if models is None else list(models)
    tables = {model._meta.db_table for model in models}
    for model in models:
        for guarantee in guarantees_of(model):
            if not has_sql_for(guarantee, dialect.vendor):
                statuses.append(
                    GuaranteeStatus(model._meta.label, guarantee.name, "", model._meta.db_table, "unsupported")
                )
        for definition in model_definitions(model, connection):
            expected.add(definition.name)
            found = installed.get(definition.name)
            if found is None or found.table != definition.table:
                state = "missing"
            elif definition.fingerprint not in found.definition:
                state = "outdated"
            elif not found.enabled:
                state = "disabled"
            else:
                state = "installed"
            statuses.append(
                GuaranteeStatus(model._meta.label, definition.guarantee, definition.name, definition.table, state)
            )
    for found in installed.values():
        if found.table in tables and MARKER in found.definition and found.name not in expected:
            statuses.append(GuaranteeStatus(found.table, "", found.name, found.table, "undeclared"))
    return statuses


def guarantee_problems(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """One line per declared trigger that ``using`` lacks, has outdated or disabled, or per trigger of the
    layer left there without a declaration; an empty list when the database holds every guarantee.

    A vendor the layer has no SQL for is one problem, never an exception.
    """
    try:
        return [str(status) for status in guarantee_statuses(using) if not status.ok]
    except UnsupportedDatabaseError as exc:
        return [str(exc)]


def install_guarantees(using: str = DEFAULT_DB_ALIAS, models: Iterable[Any] | None = None) -> list[GuaranteeStatus]:
    """(Re)install every trigger that is not in place on ``using`` (all guarded models by default, or
    ``models``), drop the layer's triggers no declaration asks for, in one transaction; return what changed.
    A guarantee without SQL for the vendor stays unguarded: only a declaration can change that."""
    from django.db import transaction

    connection = connections[using]
    models = guarded_models(using) if models is None else list(models)
    by_label = {model._meta.label: model for model in models}
    changed = [
        status for status in guarantee_statuses(using, models) if status.state not in ("installed", "unsupported")
    ]
    with transaction.atomic(using=using):
        for status in changed:
            if status.state == "undeclared":
                execute(connection, dialect_for(connection).drop_statements(status.trigger, status.table))
                continue
            definitions = model_definitions(by_label[status.model], connection)
            install_definitions(connection, [d for d in definitions if d.name == status.trigger])
    return changed
