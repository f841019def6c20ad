"""``PartialUniqueConstraint``: a unique constraint with a condition that every vendor enforces.

Django creates ``UniqueConstraint(condition=...)`` as a partial unique index on SQLite and
PostgreSQL and silently creates nothing on MariaDB and MySQL (system check ``models.W036``).
There, this constraint adds one invisible generated column per field, holding the field's value
where the condition holds and NULL elsewhere, and a unique index over those columns: rows outside
the condition are NULL in the index, which never collides, exactly as they are absent from a
partial index. Elsewhere it is Django's ``UniqueConstraint``, SQL for SQL.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.utils import truncate_name


class PartialUniqueConstraint(models.UniqueConstraint):
    """``UniqueConstraint(fields=..., condition=..., name=...)`` that holds on MariaDB and MySQL too.

    ``fields`` and ``condition`` are required; expressions, ``include``, ``opclasses``,
    ``deferrable`` and ``nulls_distinct`` are not supported (they have no counterpart there).
    Model validation (``full_clean``) is Django's, the same on every vendor.
    """

    def __init__(self, *, fields: Any, condition: models.Q, name: str, **options: Any) -> None:
        unsupported = {"expressions", "include", "opclasses", "deferrable", "nulls_distinct"} & set(options)
        if unsupported:
            raise ValueError(f"PartialUniqueConstraint does not take {', '.join(sorted(unsupported))}")
        if not fields or condition is None:
            raise ValueError("PartialUniqueConstraint needs fields and a condition")
        super().__init__(fields=fields, condition=condition, name=name, **options)

    @staticmethod
    def _generated(schema_editor: Any) -> bool:
        return schema_editor.connection.vendor == "mysql"

    def generated_columns(self, model: Any, connection: Any) -> list[tuple[str, Any]]:
        """(name, field) of each generated column on MariaDB/MySQL, in the order of ``fields``."""
        length = connection.ops.max_name_length()
        return [
            (truncate_name(f"{self.name}_{model._meta.get_field(name).column}", length), model._meta.get_field(name))
            for name in self.fields
        ]

    def _check(self, model: Any, connection: Any) -> list[Any]:
        errors = super()._check(model, connection)  # type: ignore[misc]  # Django's private check, not in the stubs
        if connection.vendor == "mysql":
            errors = [error for error in errors if error.id != "models.W036"]
        return errors

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._generated(schema_editor):
            return super().constraint_sql(model, schema_editor)
        # As Django does for an index-backed constraint: created once the table exists.
        schema_editor.deferred_sql.append(self.create_sql(model, schema_editor))
        return None

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._generated(schema_editor):
            return super().create_sql(model, schema_editor)
        quote = schema_editor.quote_name
        connection = schema_editor.connection
        condition = self._get_condition_sql(model, schema_editor)  # type: ignore[attr-defined]  # private, not in the stubs
        clauses = []
        for column, field in self.generated_columns(model, connection):
            parameters = field.db_parameters(connection)
            collation = f" COLLATE {parameters['collation']}" if parameters.get("collation") else ""
            data_type = field.rel_db_type(connection) if field.primary_key else parameters["type"]
            clauses.append(
                f"ADD COLUMN {quote(column)} {data_type}{collation} "
                f"AS (CASE WHEN {condition} THEN {quote(field.column)} END) VIRTUAL INVISIBLE"
            )
        columns = ", ".join(quote(column) for column, _ in self.generated_columns(model, connection))
        clauses.append(f"ADD CONSTRAINT {quote(self.name)} UNIQUE ({columns})")
        return f"ALTER TABLE {quote(model._meta.db_table)} {', '.join(clauses)}"

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._generated(schema_editor):
            return super().remove_sql(model, schema_editor)
        quote = schema_editor.quote_name
        clauses = [f"DROP INDEX {quote(self.name)}"]
        clauses += [
            f"DROP COLUMN {quote(column)}" for column, _ in self.generated_columns(model, schema_editor.connection)
        ]
        return f"ALTER TABLE {quote(model._meta.db_table)} {', '.join(clauses)}"


__all__ = ["PartialUniqueConstraint"]
