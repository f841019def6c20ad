"""The decision surfaces under torture: one adapter per surface, one plan per test kind.

An adapter knows how to take its decision, count its effects, find what it recorded, undo it and
change the live data it read. The five tests (``test_<kind>.py``) hold the assertions and run
against every adapter. A test that does not apply to a surface is listed in the adapter's
``not_applicable`` with the reason (``pytest.skip`` shows it; docs/torture.md repeats it); a
known gap the lead must decide on is listed in ``known_gaps`` and runs as ``xfail(strict=True)``
restricted to the exception that shows the gap, so any other failure, or a fix, turns it red.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import models

KINDS = ("retry", "backdate", "reversal", "delegation", "snapshot")


class PreservationFailure(AssertionError):
    """The reversal helper found the original edited (or returned as its own reversal)."""


class SnapshotFollowedLiveData(AssertionError):
    """What a record says about its decision changed with the live data it came from."""


class AuthorityCheckFailed(AssertionError):
    """An undo by a user without authority was not refused, or wrote something."""


@dataclass(frozen=True)
class Gap:
    """A known gap: the test fails with ``raises``; the lead decides (see docs/torture.md)."""

    reason: str
    raises: type[BaseException] | tuple[type[BaseException], ...]


@dataclass
class World:
    """The people of every test: who may undo, who may not, and a principal to act for."""

    root: Any  # superuser: defines roles
    manager: Any  # staff, holds the "controller" RBAC role (every undo permission)
    clerk: Any  # no role, not staff
    principal: models.Model  # a party (organization) people act on behalf of
    patient: models.Model  # a party (person): a subject, an encounter's "any model"
    controller: Any  # the RBAC role of the manager


@dataclass
class RetryPlan:
    call: Callable[[], Any]  # one request, built from fresh instances each time (a real retry)
    count: Callable[[], int]  # the number of effects (decisions) the call makes: must grow by one
    check_after: Callable[[], None] = lambda: None  # further effects of the single decision


@dataclass
class BackdatePlan:
    """A fact recorded now, effective at ``effective_at`` (about a day ago).

    ``view(when, known_at)`` is a figure of the domain read through the package's ``as_of`` (a
    balance, a state, a count); the test probes it just before ``effective_at``, at it (and now),
    and at it as known just before the fact was recorded.
    """

    fact: models.Model
    effective_at: dt.datetime
    recorded_at: dt.datetime
    view: Callable[[dt.datetime, dt.datetime | None], Any]
    before: Any  # view(effective_at - tick)
    after: Any  # view(effective_at), view(now)
    known_before: Any  # view(effective_at, known_at=recorded_at - tick)
    check_fact: Callable[[], None] | None = None  # default: assert_backdate_coherent(fact, queryset)
    queryset: models.QuerySet | None = None


@dataclass
class ReversalPlan:
    """An original fact, and how to undo it as a given user (``on_behalf_of`` when supported)."""

    original: models.Model
    undo: Callable[[Any, models.Model | None], Any]  # (by, on_behalf_of) -> the reversing fact(s)
    refusal: type[BaseException] | tuple[type[BaseException], ...]
    unauthorized: Any  # the user who must be refused
    authorized: Any  # the user who may undo
    also_preserved: list[models.Model] = field(default_factory=list)  # other originals (a transfer's other leg)
    delegation_of: Callable[[Any], models.Model] | None = None  # the record of the undo that names actor/principal
    delegation_check: Callable[[models.Model, Any, models.Model], None] | None = None  # when it is not a Decision
    view: Callable[[], Any] | None = None  # a domain figure...
    view_after_undo: Any = None  # ...and its value once undone
    # An original that is a validity-period record (an RBAC assignment): the undo closes its period
    # by setting these columns, and only these; the reversing fact it returns is a new record (a
    # Decision). Empty for an append-only fact, whose every column must stay as it was.
    period_fields: tuple[str, ...] = ()


@dataclass
class DelegationPlan:
    record: models.Model  # a django_decisioning Decision, or the surface's own fact
    actor: Any = None  # who acted (default: the clerk); the principal is always world.principal
    check: Callable[[models.Model, Any, models.Model], None] | None = None  # for a record that is not a Decision


@dataclass
class SnapshotPlan:
    """``reconstruct(record)`` reads only the record (and immutable facts) and must equal its expected value.

    ``records`` pairs each record of the decision with what it must say (the values the live
    data had when the decision was taken). ``mutate()`` changes the live data the decision read
    (a price, a name, a level); ``live()`` reads that data, to show the mutation happened.
    """

    records: list[tuple[models.Model, Any]]
    reconstruct: Callable[[models.Model], Any]
    mutate: Callable[[], None]
    live: Callable[[], Any]


class Surface:
    """A decision surface. Subclasses implement the plans of the kinds they support."""

    id: ClassVar[str]  # "<package>.<service>"
    call: ClassVar[str]  # how the decision is taken, for docs/torture.md
    not_applicable: ClassVar[dict[str, str]] = {}
    known_gaps: ClassVar[dict[str, Gap]] = {}
    notes: ClassVar[dict[str, str]] = {}  # what a passing test shows here, for docs/torture.md

    def retry(self, world: World) -> RetryPlan:
        raise NotImplementedError

    def backdate(self, world: World, effective_at: dt.datetime) -> BackdatePlan:
        raise NotImplementedError

    def reversal(self, world: World) -> ReversalPlan:
        raise NotImplementedError

    def delegation(self, world: World) -> DelegationPlan:
        raise NotImplementedError

    def snapshot(self, world: World) -> SnapshotPlan:
        raise NotImplementedError

    def __repr__(self) -> str:
        return self.id


def fresh(instance: models.Model) -> models.Model:
    """The row as the database has it now, as a new request would load it."""
    return type(instance)._base_manager.get(pk=instance.pk)
