"""``SingletonCheckConstraint``: the ``CHECK (pk = 1)`` of every singleton table, on every database.

SQLite and PostgreSQL get a check constraint. MariaDB and MySQL refuse a ``CHECK`` that mentions an
``AUTO_INCREMENT`` column (error 1901), and the primary key of a model is one unless declared
otherwise; there the constraint is two triggers instead: a ``BEFORE INSERT`` trigger that refuses a
row whose key is not 1 (a row inserted without a key, which the auto-increment would number, gets
1) and a ``BEFORE UPDATE`` trigger that refuses moving the row to another key. Both refuse with the
check-violation error (SQLSTATE 23000, error 3819), which Django raises as ``IntegrityError``.
``REPLACE`` and ``INSERT ... ON DUPLICATE KEY UPDATE`` fire the same triggers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.backends.utils import truncate_name
from django.db.models.fields import AutoFieldMixin

from django_basemodels.guarantees import mysql_refusal

SINGLETON_PK = 1


class SingletonCheckConstraint(models.CheckConstraint):
    """``CheckConstraint(condition=Q(pk=1), name=name)`` that MariaDB and MySQL enforce with triggers.

    Its condition is always ``Q(pk=1)``: only ``name`` (and Django's ``violation_error_code`` and
    ``violation_error_message``) are given. Model validation (``full_clean``) is Django's, the same on
    every database. It equals another constraint only if that one is a ``SingletonCheckConstraint``
    too, so ``makemigrations`` replaces a plain ``CheckConstraint(condition=Q(pk=1))`` written by an
    earlier migration.
    """

    def __init__(self, *, name: str, **options: Any) -> None:
        options.pop("condition", None)  # clone() and migration states pass it back
        super().__init__(condition=models.Q(pk=SINGLETON_PK), name=name, **options)

    def deconstruct(self) -> tuple[str, Sequence[Any], dict[str, Any]]:
        path, args, kwargs = super().deconstruct()
        kwargs.pop("condition", None)
        return path, args, kwargs

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingletonCheckConstraint) and super().__eq__(other)

    @staticmethod
    def _uses_triggers(schema_editor: Any) -> bool:
        return schema_editor.connection.vendor == "mysql"

    def trigger_names(self, connection: Any) -> tuple[str, str]:
        """The names of the ``BEFORE INSERT`` and ``BEFORE UPDATE`` triggers on MariaDB/MySQL."""
        length = connection.ops.max_name_length()
        return truncate_name(f"{self.name}_insert", length), truncate_name(f"{self.name}_update", length)

    def trigger_statements(self, model: Any, schema_editor: Any) -> list[str]:
        """The statements that install the triggers on MariaDB/MySQL.

        A trigger of the same name is dropped first, so that running them again (after a failed
        migration, since DDL is not transactional there) works. The last statement touches the rows
        other than pk 1: the update trigger refuses the first one, so, as adding a check constraint
        does elsewhere, installing the constraint fails while the table holds such a row.
        """
        quote = schema_editor.quote_name
        table = quote(model._meta.db_table)
        pk_field = model._meta.pk
        pk = f"NEW.{quote(pk_field.column)}"
        refusal = mysql_refusal(f"{self.name}: the table {model._meta.db_table} holds one row, with pk {SINGLETON_PK}")
        refuse_other_keys = f"IF NOT ({pk} <=> {SINGLETON_PK}) THEN {refusal} END IF;"
        # Without a key (0 or NULL), the auto-increment numbers the row after this trigger: it would be 1
        # only in a table that never held a row. The one row's key is 1 whatever the counter says.
        numbered = f"IF {pk} IS NULL OR {pk} = 0 THEN SET {pk} = {SINGLETON_PK}; END IF; "
        insert_body = (numbered if isinstance(pk_field, AutoFieldMixin) else "") + refuse_other_keys
        insert_trigger, update_trigger = (quote(name) for name in self.trigger_names(schema_editor.connection))
        column = quote(pk_field.column)
        return [
            f"DROP TRIGGER IF EXISTS {insert_trigger}",
            f"CREATE TRIGGER {insert_trigger} BEFORE INSERT ON {table} FOR EACH ROW BEGIN {insert_body} END",
            f"DROP TRIGGER IF EXISTS {update_trigger}",
            f"CREATE TRIGGER {update_trigger} BEFORE UPDATE ON {table} FOR EACH ROW BEGIN {refuse_other_keys} END",
            f"UPDATE {table} SET {column} = {column} WHERE NOT ({column} <=> {SINGLETON_PK})",
        ]

    def constraint_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._uses_triggers(schema_editor):
            return super().constraint_sql(model, schema_editor)
        # The table is being created: the triggers follow once it exists.
        schema_editor.deferred_sql.extend(self.trigger_statements(model, schema_editor))
        return None

    def create_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._uses_triggers(schema_editor):
            return super().create_sql(model, schema_editor)
        *first, last = self.trigger_statements(model, schema_editor)
        for statement in first:
            schema_editor.execute(statement, params=None)
        return last

    def remove_sql(self, model: Any, schema_editor: Any) -> Any:
        if not self._uses_triggers(schema_editor):
            return super().remove_sql(model, schema_editor)
        quote = schema_editor.quote_name
        insert_trigger, update_trigger = self.trigger_names(schema_editor.connection)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {quote(insert_trigger)}", params=None)
        return f"DROP TRIGGER IF EXISTS {quote(update_trigger)}"


__all__ = ["SingletonCheckConstraint"]
