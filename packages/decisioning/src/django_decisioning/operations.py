"""Migration operation for a package that renames the actions its decisions are recorded under.

Decisions are append-only (``Meta.guarantees``): no write path may change one, the ORM and raw SQL
included. Renaming an action (``"ledger.post"`` to ``"django_ledger.post_transaction"``) is the one
rewrite a package's own migration makes: it lifts the decision table's triggers, rewrites the action
column, and puts the same triggers back, in the migration's transaction where the database has one.
Idempotency scopes named after the old actions are renamed with them, so a retry within the TTL
still finds its key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import migrations, router


class RenameDecisionActions(migrations.RunPython):
    """Rewrite ``Decision.action`` (and ``IdempotencyKey.scope``) from old names to new; reversible.

    In a package's data migration, which depends on ``django_decisioning``'s latest migration::

        operations = [RenameDecisionActions(actions={"ledger.post": "django_ledger.post_transaction"})]

    An old name that two services shared is split by the model of the decision's target:
    ``{"ledger.reverse": {"django_ledger.entry": "django_ledger.reverse_entry", ...}}`` (model labels
    in lower case); a decision whose target is none of them keeps its action.
    """

    def __init__(
        self, *, actions: Mapping[str, str | Mapping[str, str]], scopes: Mapping[str, str] | None = None
    ) -> None:
        self.actions = dict(actions)
        self.scopes = dict(scopes or {})
        # Not in a transaction of its own: MariaDB/MySQL refuse the trigger DDL inside one (and commit
        # at each DDL statement anyway); SQLite and PostgreSQL still run it in the migration's transaction.
        super().__init__(self._forwards, self._backwards, atomic=False, elidable=False)

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"actions": self.actions}
        if self.scopes:
            kwargs["scopes"] = self.scopes
        return (f"{__name__}.{type(self).__qualname__}", [], kwargs)

    def describe(self) -> str:
        return f"Rename {len(self.actions)} decision action(s) and {len(self.scopes)} idempotency scope(s)"

    def _forwards(self, apps: Any, schema_editor: Any) -> None:
        _rename(schema_editor, self.actions, self.scopes)

    def _backwards(self, apps: Any, schema_editor: Any) -> None:
        actions = {
            new: old
            for old, renamed in self.actions.items()
            for new in (renamed.values() if isinstance(renamed, Mapping) else [renamed])
        }
        _rename(schema_editor, actions, {new: old for old, new in self.scopes.items()})


def _rename(schema_editor: Any, actions: Mapping[str, str | Mapping[str, str]], scopes: Mapping[str, str]) -> None:
    # The current models, not the historical ones: their Meta carries the guarantee declarations, and
    # only the two columns below are touched.
    from django_basemodels.guarantees.installation import drop_definitions, install_definitions, model_definitions
    from django_decisioning.models import Decision, IdempotencyKey

    connection = schema_editor.connection
    if not router.allow_migrate_model(connection.alias, Decision):
        return
    quote = connection.ops.quote_name
    decisions = Decision._base_manager.using(connection.alias)
    if actions and decisions.filter(action__in=list(actions)).exists():
        definitions = model_definitions(Decision, connection)
        drop_definitions(schema_editor, definitions)
        update = f"UPDATE {quote(Decision._meta.db_table)} SET {quote('action')} = %s WHERE {quote('action')} = %s"
        for old, renamed in actions.items():
            if not isinstance(renamed, Mapping):
                schema_editor.execute(update, [renamed, old])
                continue
            for label, new in renamed.items():
                content_type = _content_type(label, connection.alias)
                if content_type is not None:
                    schema_editor.execute(f"{update} AND {quote('target_type_id')} = %s", [new, old, content_type])
        install_definitions(schema_editor, definitions)
    keys = IdempotencyKey._base_manager.using(connection.alias)
    for old, new in scopes.items():
        # A key already taken under the new scope keeps its row there; the old one is left to expire.
        taken = list(keys.filter(scope=new).values_list("key", flat=True))
        keys.filter(scope=old).exclude(key__in=taken).update(scope=new)


def _content_type(label: str, using: str) -> int | None:
    from django.contrib.contenttypes.models import ContentType

    app_label, model = label.lower().split(".")
    row = ContentType.objects.db_manager(using).filter(app_label=app_label, model=model).values_list("pk", flat=True)
    return row.first()
