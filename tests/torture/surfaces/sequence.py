"""django-sequence: ``next_sequence(scope, org)`` and ``next_value(scope, org)``, a counter rather than a decision.

A number is taken, never decided by someone nor given back: the surfaces run Retry (the key hands out
the same number), Backdate (``at=`` takes a number of a past period) and Snapshot (the ``SequenceIssue``
recorded with the key); Reversal and Delegation do not apply (the reasons are the adapters').
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, ClassVar

from django.utils import timezone

from django_sequence import define_sequence, definition_for, last_value, next_sequence, next_value
from django_sequence.models import SequenceIssue
from tests.torture.surfaces import BackdatePlan, RetryPlan, SnapshotPlan, Surface, fresh

TICK = dt.timedelta(microseconds=1)
DAILY = "{prefix}{year}-{month:02d}-{day:02d}-{value:04d}"  # a counter per day: `at=` picks the day

NO_UNDO = (
    "a number taken is never given back: django-sequence has no service to return or void one. Under gapless "
    "(the default) the only give-back is the rollback of the transaction that took it, before anyone saw it "
    "(packages/sequence/tests/test_transactions.py::test_gapless_number_of_a_rolled_back_transaction_is_given_back); "
    "once committed it stays taken, and the document carrying it is corrected by its own reversal, which keeps "
    "the number (e.g. ledger.reverse_transaction): no number is handed out twice, none is left out"
)
NO_PRINCIPAL = (
    "a number is not a decision of a person: {service} takes no by= nor on_behalf_of= and records no Decision "
    "(its SequenceIssue holds scope, org, key, value and date); org= names whose counter it is, not a principal "
    "acted for. The decision that uses the number (an invoice posted for a clinic) records actor and principal "
    "in its own package"
)


def numbers_issued(scope: str, org: Any, when: dt.datetime, known_at: dt.datetime | None) -> int:
    """Numbers taken with a key for periods up to ``when``'s local date, as recorded by ``known_at``.

    A counter keeps only its last value, so the "as of" reading is the ``SequenceIssue`` records:
    ``period_date`` is the business date ``at=`` picked, ``issued_at`` when the number was taken.
    """
    rows = SequenceIssue.objects.for_scope(scope).for_org(org).filter(period_date__lte=timezone.localdate(when))
    if known_at is not None:
        rows = rows.filter(issued_at__lte=known_at)
    return rows.count()


class TakeNumber(Surface):
    """``next_sequence`` and ``next_value``: the next number of a scope's counter for an org (here: the principal)."""

    scope: ClassVar[str]
    take: ClassVar[Callable[..., Any]]  # the service

    def expected(self, value: int, day: dt.date | None = None) -> Any:
        """What the service returns for ``value`` (of the counter of ``day``, for a daily scope)."""
        raise NotImplementedError

    def define(self, *, template: str = "{prefix}{value:04d}") -> None:
        # Defining also clears this process's cache of definitions, which outlives a test's rollback.
        define_sequence(scope=self.scope, prefix="INV-", template=template)

    def issue(self, world, key: str) -> SequenceIssue:
        return SequenceIssue.objects.for_scope(self.scope).for_org(world.principal).get(idempotency_key=key)

    def retry(self, world):
        self.define()

        def call():
            return self.take(self.scope, fresh(world.principal), idempotency_key="torture-number-1")

        def check_after():
            assert self.issue(world, "torture-number-1").value == 1
            # The next request gets the next number: the repeats took nothing, and left no hole.
            assert self.take(self.scope, world.principal) == self.expected(2)

        return RetryPlan(call=call, count=lambda: last_value(self.scope, world.principal) or 0, check_after=check_after)

    def backdate(self, world, effective_at):
        self.define(template=DAILY)
        number = self.take(self.scope, world.principal, at=effective_at, idempotency_key="torture-backfill-1")
        issue = self.issue(world, "torture-backfill-1")
        day = timezone.localdate(effective_at)
        start_of_day = timezone.make_aware(dt.datetime.combine(day, dt.time.min))

        def check_fact():
            assert issue.period_date == day
            assert number == self.expected(1, day), "not a number of the day at= named"
            assert last_value(self.scope, world.principal, at=effective_at) == 1
            assert last_value(self.scope, world.principal, at=start_of_day - TICK) is None
            assert last_value(self.scope, world.principal) is None, "today's counter moved"

        return BackdatePlan(
            fact=issue,
            check_fact=check_fact,
            effective_at=start_of_day,
            recorded_at=issue.issued_at,
            view=lambda when, known_at: numbers_issued(self.scope, world.principal, when, known_at),
            before=0,
            after=1,
            known_before=0,
        )

    def snapshot(self, world):
        self.define()
        self.take(self.scope, world.principal, idempotency_key="torture-number-2")

        def reconstruct(row):
            # The record, and the keyed request repeated: what the package answers about that number.
            return (row.value, self.take(row.scope, row.org_key, idempotency_key=row.idempotency_key))

        def mutate():
            define_sequence(scope=self.scope, prefix="FAC-", start_value=100)
            self.take(self.scope, world.principal)  # the counter moves on

        def live():
            definition = definition_for(self.scope)
            return (definition.prefix, definition.start_value, last_value(self.scope, world.principal))

        return SnapshotPlan(
            records=[(self.issue(world, "torture-number-2"), (1, self.expected(1)))],
            reconstruct=reconstruct,
            mutate=mutate,
            live=live,
        )


class NextSequence(TakeNumber):
    id = "sequence.next_sequence"
    call = "next_sequence(scope, org, *, at=, using=, idempotency_key=)"
    scope = "torture_invoice"
    take = staticmethod(next_sequence)
    not_applicable = {"reversal": NO_UNDO, "delegation": NO_PRINCIPAL.format(service="next_sequence")}
    notes = {
        "retry": (
            "`idempotency_key`: the counter advances once (`last_value`), one `SequenceIssue`; repeats return the "
            "same number and the next request gets the next one"
        ),
        "backdate": (
            "a daily scope, `at=` a day ago: the number of yesterday's series (`INV-<yesterday>-0001`, "
            "`last_value(at=)`), today's counter untouched; as of / as known at from the `SequenceIssue` "
            "(`period_date`, `issued_at`): a counter keeps only its last value"
        ),
        "snapshot": (
            "the `SequenceIssue` keeps the number as handed out (`number`), and a repeat of the keyed request "
            "returns it; the definition's prefix and start value are changed and the counter moves on"
        ),
    }

    def expected(self, value, day=None):
        return f"INV-{day:%Y-%m-%d}-{value:04d}" if day else f"INV-{value:04d}"


class NextValue(TakeNumber):
    id = "sequence.next_value"
    call = "next_value(scope, org, *, at=, using=, idempotency_key=)"
    scope = "torture_receipt"
    take = staticmethod(next_value)
    not_applicable = {"reversal": NO_UNDO, "delegation": NO_PRINCIPAL.format(service="next_value")}
    notes = {
        "retry": (
            "`idempotency_key`: the counter advances once (`last_value`), one `SequenceIssue`; repeats return the "
            "same integer and the next request gets the next one"
        ),
        "backdate": (
            "a daily scope, `at=` a day ago: value 1 of yesterday's counter (`last_value(at=)`), today's counter "
            "untouched; as of / as known at from the `SequenceIssue` (`period_date`, `issued_at`)"
        ),
        "snapshot": (
            "the `SequenceIssue` keeps the value, and a repeat of the keyed request returns it; the definition's "
            "prefix and start value are changed and the counter moves on"
        ),
    }

    def expected(self, value, day=None):
        return value


SURFACES = [NextSequence(), NextValue()]
