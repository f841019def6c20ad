"""``makemigrations`` support: compare the declared guarantees with the migrated ones and write
``AddGuarantee``/``RemoveGuarantee`` operations, after the fields and constraints they use."""

from __future__ import annotations

from typing import Any

from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.operations import CreateModel

from django_basemodels.guarantees.operations import (
    OPTION,
    AddGuarantee,
    GuaranteeOperation,
    ReinstallGuarantees,
    RemoveGuarantee,
)


class GuaranteeAutodetector(MigrationAutodetector):
    """Django's autodetector, plus the guarantees of ``Meta.guarantees``."""

    # Set by MigrationAutodetector while it runs (not declared by the stubs).
    generated_operations: dict[str, list[Any]]
    kept_model_keys: set[tuple[str, str]]
    new_model_keys: set[tuple[str, str]]

    def _guarantees(self, state: Any, key: tuple[str, str]) -> list[Any]:
        model_state = state.models.get(key)
        return list(model_state.options.get(OPTION, [])) if model_state is not None else []

    def _old_key(self, app_label: str, model_name: str) -> tuple[str, str]:
        return app_label, self.renamed_models.get((app_label, model_name), model_name)

    def generate_created_models(self, *args: Any, **kwargs: Any) -> None:
        super().generate_created_models(*args, **kwargs)
        # A new model's guarantees become AddGuarantee operations, not an option of CreateModel.
        for operations in self.generated_operations.values():
            for operation in operations:
                if isinstance(operation, CreateModel) and OPTION in operation.options:
                    operation.options = {k: v for k, v in operation.options.items() if k != OPTION}

    def generate_removed_constraints(self, *args: Any, **kwargs: Any) -> None:
        super().generate_removed_constraints(*args, **kwargs)
        for app_label, model_name in sorted(self.kept_model_keys):
            new = self._guarantees(self.to_state, (app_label, model_name))
            for guarantee in self._guarantees(self.from_state, self._old_key(app_label, model_name)):
                if guarantee not in new:
                    self.add_operation(app_label, RemoveGuarantee(model_name=model_name, name=guarantee.name))

    def generate_added_constraints(self, *args: Any, **kwargs: Any) -> None:
        super().generate_added_constraints(*args, **kwargs)
        for app_label, model_name in sorted(self.new_model_keys):
            old = (
                self._guarantees(self.from_state, self._old_key(app_label, model_name))
                if (app_label, model_name) in self.kept_model_keys
                else []
            )
            for guarantee in self._guarantees(self.to_state, (app_label, model_name)):
                if guarantee not in old:
                    self.add_operation(app_label, AddGuarantee(model_name=model_name, guarantee=guarantee))

    def _sort_migrations(self) -> None:
        super()._sort_migrations()  # type: ignore[misc]  # private, not in the stubs
        # Removed guarantees go first (their triggers may use columns about to go), added ones last
        # (after the fields and constraints they use); a guarded model whose table other operations
        # change gets its triggers installed again at the end (SQLite drops them when it rebuilds a
        # table), and at the start, which is the end when the migration is reversed.
        for app_label, operations in self.generated_operations.items():
            removed = [op for op in operations if isinstance(op, RemoveGuarantee)]
            added = [op for op in operations if isinstance(op, AddGuarantee)]
            others = [op for op in operations if not isinstance(op, GuaranteeOperation)]
            reinstalled: list[ReinstallGuarantees] = []
            created = {op.name_lower for op in others if isinstance(op, CreateModel)}
            touched = sorted(
                {
                    name
                    for op in others
                    for name in [getattr(op, "model_name_lower", None)]
                    if name is not None and name not in created
                }
            )
            for model_name in touched:
                if self._guarantees(self.to_state, (app_label, model_name)) and not any(
                    op.model_name_lower == model_name for op in added
                ):
                    reinstall = ReinstallGuarantees(model_name=model_name)
                    reinstall._auto_deps = []  # type: ignore[attr-defined]  # the autodetector's own attribute
                    reinstalled.append(reinstall)
            # A copy goes first too: reversed, the operations run backwards and it runs after them.
            before = [ReinstallGuarantees(model_name=op.model_name) for op in reinstalled]
            for op in before:
                op._auto_deps = []  # type: ignore[attr-defined]
            self.generated_operations[app_label] = removed + before + others + added + reinstalled
