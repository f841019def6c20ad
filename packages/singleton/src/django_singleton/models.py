"""``SingletonModel``: an abstract model whose table holds exactly one row, with primary key 1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from asgiref.sync import sync_to_async
from django.db import IntegrityError, connections, models, router, transaction
from django.db.models.base import ModelBase
from django.db.models.signals import pre_delete
from django.utils.text import capfirst

from django_singleton import conf
from django_singleton.cache import cached_instance, forget_instance, remember_instance
from django_singleton.constraints import SINGLETON_PK, SingletonCheckConstraint
from django_singleton.exceptions import SingletonDeletionError, SingletonViolationError
from django_singleton.querysets import SingletonManager

CONSTRAINT_NAME = "%(app_label)s_%(class)s_singleton_pk"

_Singleton = TypeVar("_Singleton", bound="SingletonModel")


def singleton_check_constraint() -> SingletonCheckConstraint:
    """A new copy of the constraint every ``SingletonModel`` table carries: ``CHECK (pk = 1)`` (two
    triggers on MariaDB/MySQL, see ``SingletonCheckConstraint``)."""
    return SingletonCheckConstraint(name=CONSTRAINT_NAME)


def is_singleton_check_constraint(model: type[models.Model], constraint: models.BaseConstraint) -> bool:
    """Whether ``constraint`` restricts ``model``'s primary key to 1, whatever its name."""
    if not isinstance(constraint, models.CheckConstraint):
        return False
    pk = model._meta.pk
    names = {"pk", pk.name, pk.attname} if pk is not None else {"pk"}
    return any(constraint.condition == models.Q(**{name: SINGLETON_PK}) for name in names)


def _refuse_deletion(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    # Model.delete() and SingletonQuerySet.delete() raise before this; it stops the other ORM paths:
    # a cascade from a deleted related row, and a custom manager's plain QuerySet.delete().
    # Signals key senders by id(): a model class created and dropped at run time (isolate_apps in
    # tests) can leave its id to an unrelated class, hence the isinstance().
    if not isinstance(instance, SingletonModel):
        return
    raise SingletonDeletionError(
        f"{sender._meta.label} has exactly one row, which cannot be deleted (not even by a cascade)."
    )


class SingletonModelBase(ModelBase):
    """The metaclass of ``SingletonModel``: keeps the singleton constraint in every subclass."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> type:
        meta = attrs.get("Meta")
        # Django lets a subclass inherit an abstract parent's Meta only when it declares none: a
        # `class Meta: verbose_name = ...` would silently drop the constraint. A Meta that does not
        # mention constraints gets it back; one that lists its own is left alone, and the system
        # check django_singleton.W001 reports it if the singleton constraint is not among them.
        if meta is not None and not hasattr(meta, "constraints"):
            meta_with_constraint = type(
                "Meta", (meta,), {"__module__": meta.__module__, "constraints": [singleton_check_constraint()]}
            )
            attrs = {**attrs, "Meta": meta_with_constraint}
        # ModelBase.__new__ builds a model class; the stubs type it as the metaclass itself.
        new_class = cast(type[models.Model], super().__new__(mcs, name, bases, attrs, **kwargs))
        if not new_class._meta.abstract:
            pre_delete.connect(_refuse_deletion, sender=new_class)
        return new_class


class SingletonModel(models.Model, metaclass=SingletonModelBase):
    """An abstract model with one row, pk 1, enforced by a ``CHECK (pk = 1)`` constraint.

    - ``get_instance()`` returns the row, creating it on first use (race-safe);
    - ``save()`` always writes pk 1: saving a new instance when the row exists updates that row;
    - ``delete()``, ``QuerySet.delete()`` and cascades raise ``SingletonDeletionError``;
    - a read that finds another row (the constraint is missing) raises ``SingletonViolationError``.
    """

    objects = SingletonManager()

    class Meta:
        abstract = True
        constraints = [singleton_check_constraint()]

    def __str__(self) -> str:
        return capfirst(str(self._meta.verbose_name))

    def save(
        self,
        *,
        force_insert: bool | tuple[ModelBase, ...] = False,
        force_update: bool = False,
        using: str | None = None,
        update_fields: Any = None,
    ) -> None:
        """Save as the one row: the pk is set to 1 first, whatever it was.

        Saving a new instance (``Model(...).save()``) when the row exists updates that row with
        the instance's values, also when another connection inserts the row concurrently.
        ``force_insert=True`` (as ``objects.create()`` uses) inserts or raises ``IntegrityError``.
        Drops the instance cached by ``get_instance()`` in the current request.
        """
        self.pk = SINGLETON_PK
        if self._state.adding and not (force_insert or force_update or update_fields is not None):
            self._save_new_instance(using=using)
        else:
            super().save(force_insert=force_insert, force_update=force_update, using=using, update_fields=update_fields)
        forget_instance(type(self))

    def delete(self, using: str | None = None, keep_parents: bool = False) -> tuple[int, dict[str, int]]:
        """Always raises ``SingletonDeletionError``: the row is changed, never deleted."""
        raise SingletonDeletionError(
            f"{self._meta.label} has exactly one row, which cannot be deleted; change its fields instead."
        )

    delete.alters_data = True  # type: ignore[attr-defined]

    @classmethod
    def get_instance(cls: type[_Singleton], *, defaults: Mapping[str, Any] | None = None) -> _Singleton:
        """Return the one row, creating it with ``defaults`` (and field defaults) if it does not exist.

        Concurrent first calls create one row: every caller gets it. With ``SINGLETON_CACHE =
        "request"`` (the default) inside a cache scope (``SingletonCacheMiddleware``,
        ``singleton_cache()``), later calls return the same object without a query until a save.

        Raises ``SingletonViolationError`` if the table holds a row other than pk 1, and
        ``IntegrityError`` if the row must be created but a required field has no value.
        """
        use_cache = conf.request_cache_enabled()
        if use_cache:
            instance = cached_instance(cls)
            if instance is not None:
                return instance  # type: ignore[return-value]
        instance = cls._read_or_create(defaults)
        if use_cache:
            remember_instance(cls, instance)
        return instance

    @classmethod
    async def aget_instance(cls: type[_Singleton], *, defaults: Mapping[str, Any] | None = None) -> _Singleton:
        """``get_instance()`` for async code; the request cache applies the same way."""
        return await sync_to_async(cls.get_instance)(defaults=defaults)

    @classmethod
    def _read_or_create(cls: type[_Singleton], defaults: Mapping[str, Any] | None) -> _Singleton:
        manager = cls._base_manager
        # Two rows are enough to tell "the singleton" from "a table with a rogue row".
        rows = list(manager.order_by("pk")[:2])
        if rows:
            if len(rows) > 1 or rows[0].pk != SINGLETON_PK:
                found = "more than one row" if len(rows) > 1 else f"a row with pk {rows[0].pk!r}"
                raise SingletonViolationError(
                    f"{cls._meta.label} must hold exactly one row, with pk {SINGLETON_PK}, but its table "
                    f"{cls._meta.db_table!r} holds {found}: is its check constraint missing from the database?"
                )
            return rows[0]
        # Losers of a race for the first row hit the primary key in get_or_create(), which then
        # reads the winner's row.
        try:
            instance, _created = manager.get_or_create(pk=SINGLETON_PK, defaults=dict(defaults or {}))
        except IntegrityError:
            # get_or_create() read again and did not find the winner's row: in REPEATABLE READ (MariaDB/MySQL's
            # own default, an option of Django's backend there) that read sees the transaction's first snapshot.
            latest = cls._latest_row(router.db_for_write(cls))
            if latest is None:  # an integrity error of another kind: a required field without a value
                raise
            return latest
        return instance

    @classmethod
    def _latest_row(cls: type[_Singleton], using: str) -> _Singleton | None:
        manager = cls._base_manager.using(using)
        connection = connections[using]
        if connection.vendor != "mysql":
            return manager.filter(pk=SINGLETON_PK).first()
        # A locking read sees the latest committed row whatever the isolation level. A shared one: the other
        # losers of the race hold a shared lock on the row (their duplicate-key check), so waiting for an
        # exclusive one would deadlock them all.
        quote = connection.ops.quote_name
        pk_column = cls._meta.pk.column
        assert pk_column is not None  # None only for fields without a column (many-to-many), never a primary key
        rows = manager.raw(
            f"SELECT * FROM {quote(cls._meta.db_table)} WHERE {quote(pk_column)} = %s LOCK IN SHARE MODE",
            [SINGLETON_PK],
        )
        return next(iter(rows), None)

    def _save_new_instance(self, *, using: str | None) -> None:
        using = using or router.db_for_write(type(self), instance=self)
        try:
            # Django tries an UPDATE of pk 1, then an INSERT; the savepoint lets the INSERT fail
            # when another connection inserted the row in between.
            with transaction.atomic(using=using):
                super().save(using=using)
        except IntegrityError:
            if not type(self)._base_manager.using(using).filter(pk=SINGLETON_PK).exists():
                raise
            super().save(using=using, force_update=True)


__all__ = [
    "CONSTRAINT_NAME",
    "SINGLETON_PK",
    "SingletonModel",
    "SingletonModelBase",
    "is_singleton_check_constraint",
    "singleton_check_constraint",
]
