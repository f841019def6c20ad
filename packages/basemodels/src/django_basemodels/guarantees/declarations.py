"""What a model can declare in ``Meta.guarantees``: rules the database itself enforces on its table.

Every guarantee is a row-level rule: ``Refuse`` (and its readable forms ``AppendOnly``,
``ImmutableWhen``, ``FrozenColumns``, ``Undeletable``) refuses a write event, optionally only when
a condition over ``OLD``/``NEW`` holds; ``RowTrigger`` runs SQL of your own per vendor (a guard
too rich for one condition, or a row kept up to date by the database). The SQL each vendor runs
is written in ``django_basemodels.guarantees.dialects``; a declaration never names a vendor unless
its condition or body needs vendor-specific SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.deconstruct import deconstructible

EVENTS = ("insert", "update", "delete")
TIMINGS = ("before", "after")


class GuaranteeDeclarationError(ValueError):
    """A guarantee declared with arguments the layer cannot turn into triggers."""


def _check_events(events: Iterable[str]) -> tuple[str, ...]:
    if isinstance(events, str):
        events = (events,)
    events = tuple(event.lower() for event in events)
    if not events or any(event not in EVENTS for event in events) or len(set(events)) != len(events):
        raise GuaranteeDeclarationError(f"events must be distinct values of {EVENTS}, not {events!r}")
    return events


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not name.replace("_", "").isalnum() or not name.isascii() or name[0].isdigit():
        raise GuaranteeDeclarationError(f"a guarantee's name is letters, digits and underscores, not {name!r}")
    return name


@deconstructible(path="django_basemodels.guarantees.Changed")
class Changed:
    """The condition "an ``UPDATE`` changes any of ``columns``" (NULL-safe), rendered for each vendor."""

    def __init__(self, *columns: str) -> None:
        if not columns or not all(isinstance(column, str) and column for column in columns):
            raise GuaranteeDeclarationError("Changed() needs at least one column name")
        self.columns = tuple(columns)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Changed) and self.columns == other.columns

    def __hash__(self) -> int:
        return hash(self.columns)

    def __repr__(self) -> str:
        return f"Changed({', '.join(map(repr, self.columns))})"


Condition = str | Mapping[str, str] | Changed


def _check_condition(condition: Any) -> Condition | None:
    if condition is None or isinstance(condition, Changed):
        return condition
    if isinstance(condition, str) and condition.strip():
        return condition
    if (
        isinstance(condition, Mapping)
        and condition
        and all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in condition.items())
    ):
        return dict(condition)
    raise GuaranteeDeclarationError(
        "when is SQL over OLD/NEW that every vendor accepts, a dict of such SQL by vendor "
        f"('sqlite', 'postgresql', 'mysql'), or Changed(...), not {condition!r}"
    )


class Guarantee:
    """A rule the database enforces on a model's table; ``name`` is unique among the model's guarantees."""

    name: str
    message: str | None

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:  # replaced by @deconstructible
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.deconstruct() == other.deconstruct()  # type: ignore[attr-defined,unused-ignore]

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.name))

    def __repr__(self) -> str:
        _, args, kwargs = self.deconstruct()
        arguments = [repr(arg) for arg in args] + [f"{key}={value!r}" for key, value in sorted(kwargs.items())]
        return f"{type(self).__name__}({', '.join(arguments)})"

    def describe(self) -> str:
        """One line for people: what the database refuses or does."""
        raise NotImplementedError

    @property
    def protects_existing_rows(self) -> bool:
        """Whether a row, once written, is protected: then SQLite's ``REPLACE`` (a delete that fires no
        trigger) of an existing key must be refused too."""
        return True


@deconstructible(path="django_basemodels.guarantees.Refuse")
class Refuse(Guarantee):
    """Refuse ``events`` (``"insert"``, ``"update"``, ``"delete"``) on the table, or only those where ``when`` holds.

    ``when`` is SQL over ``OLD``/``NEW`` (portable, or a dict by vendor) or ``Changed(...)``.
    The database raises ``message`` (default: "<table>: <name> refuses <EVENT>"), which Django
    reports as ``IntegrityError`` on every vendor.
    """

    def __init__(
        self,
        *,
        name: str,
        events: Iterable[str],
        when: Condition | None = None,
        message: str | None = None,
    ) -> None:
        self.name = _check_name(name)
        self.events = _check_events(events)
        self.when = _check_condition(when)
        if isinstance(self.when, Changed) and self.events != ("update",):
            raise GuaranteeDeclarationError("Changed(...) is a condition of UPDATE only: use events=['update']")
        if message is not None and (not isinstance(message, str) or not message.strip()):
            raise GuaranteeDeclarationError(f"message must be a non-empty string, not {message!r}")
        self.message = message

    def describe(self) -> str:
        events = " and ".join(event.upper() for event in self.events)
        if self.when is None:
            return f"refuses {events}"
        if isinstance(self.when, Changed):
            return f"refuses {events} of {', '.join(self.when.columns)}"
        return f"refuses {events} when {self.when if isinstance(self.when, str) else 'a condition holds'}"

    @property
    def protects_existing_rows(self) -> bool:
        return "update" in self.events or "delete" in self.events


@deconstructible(path="django_basemodels.guarantees.AppendOnly")
class AppendOnly(Refuse):
    """Rows are inserted, never updated or deleted (SQLite's ``REPLACE`` of an existing key included)."""

    def __init__(self, *, name: str = "append_only", message: str | None = None) -> None:
        super().__init__(name=name, events=("update", "delete"), message=message)

    def describe(self) -> str:
        return "append-only: refuses UPDATE and DELETE"


@deconstructible(path="django_basemodels.guarantees.ImmutableWhen")
class ImmutableWhen(Refuse):
    """A row for which ``when`` (SQL over ``OLD``, e.g. ``"OLD.posted_at IS NOT NULL"``) holds is never
    updated, nor deleted unless ``deletable=True``."""

    def __init__(
        self,
        when: str | Mapping[str, str],
        *,
        name: str = "immutable",
        message: str | None = None,
        deletable: bool = False,
    ) -> None:
        self.deletable = deletable
        super().__init__(
            name=name, events=("update",) if deletable else ("update", "delete"), when=when, message=message
        )

    def describe(self) -> str:
        what = "UPDATE" if self.deletable else "UPDATE and DELETE"
        return f"immutable once {self.when if isinstance(self.when, str) else 'a condition holds'}: refuses {what}"


@deconstructible(path="django_basemodels.guarantees.FrozenColumns")
class FrozenColumns(Refuse):
    """An ``UPDATE`` never changes ``columns`` (the other columns may change)."""

    def __init__(self, *columns: str, name: str = "frozen_columns", message: str | None = None) -> None:
        super().__init__(name=name, events=("update",), when=Changed(*columns), message=message)

    def describe(self) -> str:
        assert isinstance(self.when, Changed)
        return f"refuses UPDATE of {', '.join(self.when.columns)}"


@deconstructible(path="django_basemodels.guarantees.Undeletable")
class Undeletable(Refuse):
    """Rows are never deleted, or only while ``when`` (SQL over ``OLD``) does not hold."""

    def __init__(
        self, *, when: str | Mapping[str, str] | None = None, name: str = "undeletable", message: str | None = None
    ) -> None:
        super().__init__(name=name, events=("delete",), when=when, message=message)


@deconstructible(path="django_basemodels.guarantees.RowTrigger")
class RowTrigger(Guarantee):
    """A row trigger of your own: ``body`` by vendor, run ``timing`` (``"before"``/``"after"``) each of ``events``.

    The body is what goes between ``BEGIN`` and ``END``: SQLite statements (``SELECT RAISE(ABORT,
    '...') WHERE ...;``), PL/pgSQL for PostgreSQL (ending with ``RETURN NEW;``/``RETURN OLD;``/
    ``RETURN NULL;``), MySQL/MariaDB statements (``SIGNAL SQLSTATE '45000' ...``). ``when`` limits the
    trigger to rows where it holds (SQL over ``OLD``/``NEW``, or a dict by vendor). A vendor missing
    from ``body`` (or from a ``when`` by vendor) gets no trigger, and the system check reports the
    guarantee as unguarded there (``django_basemodels.E011``). ``protects_existing_rows`` says
    whether the trigger guards rows already written (then SQLite's ``REPLACE`` of them is refused).
    """

    def __init__(
        self,
        *,
        name: str,
        events: Iterable[str],
        body: Mapping[str, str],
        timing: str = "before",
        when: str | Mapping[str, str] | None = None,
        description: str = "",
        protects_existing_rows: bool = True,
    ) -> None:
        self.name = _check_name(name)
        self.events = _check_events(events)
        if timing not in TIMINGS:
            raise GuaranteeDeclarationError(f"timing is one of {TIMINGS}, not {timing!r}")
        self.timing = timing
        if (
            not isinstance(body, Mapping)
            or not body
            or not all(isinstance(k, str) and isinstance(v, str) and v.strip() for k, v in body.items())
        ):
            raise GuaranteeDeclarationError("body is a dict of SQL by vendor ('sqlite', 'postgresql', 'mysql')")
        self.body = dict(body)
        condition = _check_condition(when)
        if isinstance(condition, Changed):
            raise GuaranteeDeclarationError("a RowTrigger's when is SQL, not Changed(...)")
        self.when = condition
        self.description = description
        self.message = None
        self._protects_existing_rows = protects_existing_rows

    def describe(self) -> str:
        events = " or ".join(event.upper() for event in self.events)
        return self.description or f"trigger {self.timing.upper()} {events}"

    @property
    def protects_existing_rows(self) -> bool:
        return self._protects_existing_rows


def guarantees_of(model: Any) -> list[Guarantee]:
    """The guarantees ``model`` declares in ``Meta.guarantees`` (an empty list when none)."""
    declared = getattr(model._meta, "guarantees", None) or []
    names = [guarantee.name for guarantee in declared]
    if len(set(names)) != len(names):
        raise GuaranteeDeclarationError(f"{model._meta.label}: two guarantees share a name in {names}")
    return list(declared)
