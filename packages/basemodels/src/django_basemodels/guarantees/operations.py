"""Migration operations that install and remove a declared guarantee, written by ``makemigrations``.

``AddGuarantee`` carries the whole declaration, as ``AddConstraint`` carries a constraint: the
migration keeps the guarantee as it was declared then, whatever the model says later.
"""

from __future__ import annotations

from typing import Any

from django.db.migrations.operations.base import Operation, OperationCategory

from django_basemodels.guarantees.declarations import Guarantee, guarantees_of
from django_basemodels.guarantees.dialects import DIALECTS
from django_basemodels.guarantees.installation import (
    drop_definitions,
    guarantee_definitions,
    install_definitions,
    replace_definition,
)

OPTION = "guarantees"


def _supported(schema_editor: Any, operation: Operation, model: Any) -> bool:
    # A vendor without SQL gets nothing here; the database system check reports it as an error.
    return schema_editor.connection.vendor in DIALECTS and operation.allow_migrate_model(
        schema_editor.connection.alias, model
    )


def _sync_replace_trigger(schema_editor: Any, model: Any) -> None:
    """Install the REPLACE guard that ``model``'s guarantees need now, or drop it when none needs it."""
    connection = schema_editor.connection
    wanted = replace_definition(model, guarantees_of(model), connection)
    placeholder = DIALECTS[connection.vendor].refuse_replace(model, connection)
    if wanted is not None:
        install_definitions(schema_editor, [wanted])
    elif placeholder is not None:
        drop_definitions(schema_editor, [placeholder])


class GuaranteeOperation(Operation):
    category = OperationCategory.SQL
    reversible = True

    model_name: str

    @property
    def model_name_lower(self) -> str:
        return self.model_name.lower()

    def _install(self, app_label: str, schema_editor: Any, state: Any, guarantee: Guarantee) -> None:
        model = state.apps.get_model(app_label, self.model_name)
        if _supported(schema_editor, self, model):
            install_definitions(schema_editor, guarantee_definitions(model, guarantee, schema_editor.connection))
            _sync_replace_trigger(schema_editor, model)

    def _drop(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any, guarantee: Guarantee) -> None:
        model = from_state.apps.get_model(app_label, self.model_name)
        if _supported(schema_editor, self, model):
            drop_definitions(schema_editor, guarantee_definitions(model, guarantee, schema_editor.connection))
            _sync_replace_trigger(schema_editor, to_state.apps.get_model(app_label, self.model_name))

    @staticmethod
    def _declared(state: Any, app_label: str, model_name: str) -> list[Guarantee]:
        return list(state.models[app_label, model_name].options.get(OPTION, []))

    def references_model(self, name: str, app_label: str) -> bool:
        return name.lower() == self.model_name_lower


class AddGuarantee(GuaranteeOperation):
    """Install ``guarantee`` on ``model_name``'s table and add it to the model's state."""

    def __init__(self, model_name: str, guarantee: Guarantee) -> None:
        self.model_name = model_name
        self.guarantee = guarantee

    def state_forwards(self, app_label: str, state: Any) -> None:
        model_state = state.models[app_label, self.model_name_lower]
        declared = [g for g in self._declared(state, app_label, self.model_name_lower) if g.name != self.guarantee.name]
        model_state.options[OPTION] = [*declared, self.guarantee]
        state.reload_model(app_label, self.model_name_lower, delay=True)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._install(app_label, schema_editor, to_state, self.guarantee)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._drop(app_label, schema_editor, from_state, to_state, self.guarantee)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return type(self).__name__, [], {"model_name": self.model_name, "guarantee": self.guarantee}

    def describe(self) -> str:
        return f"Add guarantee {self.guarantee.name} to {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"{self.model_name_lower}_{self.guarantee.name}"


class RemoveGuarantee(GuaranteeOperation):
    """Drop the triggers of the guarantee named ``name`` from ``model_name``'s table and from its state."""

    def __init__(self, model_name: str, name: str) -> None:
        self.model_name = model_name
        self.name = name

    def _find(self, state: Any, app_label: str) -> Guarantee:
        for guarantee in self._declared(state, app_label, self.model_name_lower):
            if guarantee.name == self.name:
                return guarantee
        raise ValueError(f"{app_label}.{self.model_name} has no guarantee named {self.name!r}")

    def state_forwards(self, app_label: str, state: Any) -> None:
        model_state = state.models[app_label, self.model_name_lower]
        model_state.options[OPTION] = [
            g for g in self._declared(state, app_label, self.model_name_lower) if g.name != self.name
        ]
        state.reload_model(app_label, self.model_name_lower, delay=True)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._drop(app_label, schema_editor, from_state, to_state, self._find(from_state, app_label))

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._install(app_label, schema_editor, to_state, self._find(to_state, app_label))

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return type(self).__name__, [], {"model_name": self.model_name, "name": self.name}

    def describe(self) -> str:
        return f"Remove guarantee {self.name} from {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"remove_{self.model_name_lower}_{self.name}"


class ReinstallGuarantees(GuaranteeOperation):
    """Install again every guarantee of ``model_name``, in either direction, after operations that may
    have dropped its triggers (SQLite rebuilds a table, and loses its triggers, for most field and
    constraint changes) or changed its unique keys (which SQLite's REPLACE guard lists).
    ``makemigrations`` puts one after such operations and one before them, for when they are reversed."""

    def __init__(self, model_name: str) -> None:
        self.model_name = model_name

    def state_forwards(self, app_label: str, state: Any) -> None:
        """Nothing: the guarantees are unchanged."""

    def _reinstall(self, app_label: str, schema_editor: Any, state: Any) -> None:
        model = state.apps.get_model(app_label, self.model_name)
        if _supported(schema_editor, self, model):
            connection = schema_editor.connection
            for guarantee in guarantees_of(model):
                install_definitions(schema_editor, guarantee_definitions(model, guarantee, connection))
            _sync_replace_trigger(schema_editor, model)

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._reinstall(app_label, schema_editor, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._reinstall(app_label, schema_editor, to_state)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return type(self).__name__, [], {"model_name": self.model_name}

    def describe(self) -> str:
        return f"Reinstall the guarantees of {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"reinstall_{self.model_name_lower}_guarantees"


class DropTriggers(Operation):
    """Drop triggers (and, on PostgreSQL, their functions) by name: for triggers a package installed
    before its guarantees were declared. Reversing it installs nothing back."""

    category = OperationCategory.SQL
    reversible = True
    elidable = True

    def __init__(self, table: str, triggers: list[str], functions: list[str] | None = None) -> None:
        self.table = table
        self.triggers = list(triggers)
        self.functions = list(functions or [])

    def state_forwards(self, app_label: str, state: Any) -> None:
        """Nothing: triggers are not part of the model state."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        vendor = schema_editor.connection.vendor
        q = schema_editor.quote_name
        if vendor in ("sqlite", "mysql"):
            statements = [f"DROP TRIGGER IF EXISTS {q(name)}" for name in self.triggers]
        elif vendor == "postgresql":
            statements = [f"DROP TRIGGER IF EXISTS {q(name)} ON {q(self.table)}" for name in self.triggers]
            statements += [f"DROP FUNCTION IF EXISTS {q(name)}()" for name in self.functions]
        else:
            statements = []
        for statement in statements:
            schema_editor.execute(statement, params=None)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        """Nothing: the triggers dropped here are replaced by guarantees."""

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"table": self.table, "triggers": self.triggers}
        if self.functions:
            kwargs["functions"] = self.functions
        return type(self).__name__, [], kwargs

    def describe(self) -> str:
        return f"Drop triggers {', '.join(self.triggers)} from {self.table}"
