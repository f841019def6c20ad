"""Assertions for the framework's torture tests (Retry, Backdate, Reversal, Delegation, Snapshot).

Other packages call them from their own tests on their own decision surfaces. Plain ``assert``
statements: no test framework is imported, and a failure says what broke.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models

_TICK = dt.timedelta(microseconds=1)


def assert_idempotent(call: Callable[[], Any], *, count: Callable[[], int], times: int = 3) -> list[Any]:
    """Retry: ``call()`` made ``times`` times gives exactly one effect and the same result each time.

    ``count()`` returns the number of effects (rows) the call makes; it must grow by exactly one
    over all the calls. Results are compared with ``==`` (model instances compare by primary key).
    Returns the results::

        assert_idempotent(lambda: commit_basket(basket, user), count=Order.objects.count)
    """
    assert times >= 2, "assert_idempotent needs at least two calls"
    before = count()
    results = [call() for _ in range(times)]
    effects = count() - before
    assert effects == 1, f"{times} identical calls made {effects} effects instead of 1"
    for index, result in enumerate(results[1:], start=2):
        assert result == results[0], f"call {index} returned {result!r}, the first returned {results[0]!r}"
    return results


def assert_backdate_coherent(fact: models.Model, queryset: models.QuerySet | None = None) -> None:
    """Backdate: a fact recorded now but effective earlier is seen where, and only where, it should be.

    ``fact`` has ``effective_at`` before its ``recorded_at``; ``queryset`` (default: the model's
    ``objects``) has ``as_of(when, known_at=...)`` (``EventAsOfQuerySet``). Asserts the fact is
    in ``as_of(effective_at)`` and ``as_of(recorded_at)``, not in ``as_of`` one microsecond
    before ``effective_at``, and not in what was known one microsecond before ``recorded_at``::

        payment = record_payment(amount=..., effective_at=yesterday)
        assert_backdate_coherent(payment)
    """
    fact.refresh_from_db()
    effective_at, recorded_at = fact.effective_at, fact.recorded_at  # type: ignore[attr-defined]
    assert effective_at < recorded_at, f"not backdated: effective_at {effective_at} >= recorded_at {recorded_at}"
    rows = queryset if queryset is not None else type(fact).objects.all()  # type: ignore[attr-defined]

    def seen(when: dt.datetime, known_at: dt.datetime | None = None) -> bool:
        return rows.as_of(when, known_at=known_at).filter(pk=fact.pk).exists()  # type: ignore[union-attr]

    assert seen(effective_at), "not in as_of(effective_at)"
    assert seen(recorded_at), "not in as_of(recorded_at)"
    assert not seen(effective_at - _TICK), "already in as_of() before its effective_at"
    assert seen(effective_at, known_at=recorded_at), "not known at its own recorded_at"
    assert not seen(recorded_at, known_at=recorded_at - _TICK), "known before it was recorded"


def _field_values(instance: models.Model) -> dict[str, Any]:
    fresh = type(instance)._base_manager.get(pk=instance.pk)
    return {field.attname: getattr(fresh, field.attname) for field in instance._meta.concrete_fields}


def assert_reversal_preserves_original(
    original: models.Model,
    reverse: Callable[[], Any],
    *,
    unauthorized: Callable[[], Any] | None = None,
    refusal: type[BaseException] | tuple[type[BaseException], ...] = (),
) -> Any:
    """Reversal: undoing a fact needs authority and adds new facts instead of editing the original.

    If ``unauthorized`` is given, calling it must raise ``refusal`` and change nothing. Then
    ``reverse()`` returns the reversing fact (or a list of them): each is a new saved row, and
    every column of ``original`` is unchanged. Returns what ``reverse()`` returned::

        reversal = assert_reversal_preserves_original(
            entry, lambda: reverse_entry(entry, by=manager),
            unauthorized=lambda: reverse_entry(entry, by=clerk), refusal=PermissionDenied,
        )
    """
    before = _field_values(original)
    model = type(original)
    count_before = model._base_manager.count()
    if unauthorized is not None:
        assert refusal, "give the exception an unauthorized reversal raises as refusal="
        try:
            unauthorized()
        except refusal:
            pass
        else:
            raise AssertionError("the unauthorized reversal was not refused")
        assert model._base_manager.count() == count_before, "the refused reversal still wrote rows"
        assert _field_values(original) == before, "the refused reversal changed the original"
    reversal = reverse()
    reversals = reversal if isinstance(reversal, (list, tuple)) else [reversal]
    assert reversals, "reverse() returned no reversing fact"
    for item in reversals:
        assert isinstance(item, models.Model) and item.pk is not None, f"{item!r} is not a saved fact"
        assert not (type(item) is model and item.pk == original.pk), "reverse() returned the original itself"
        assert type(item)._base_manager.filter(pk=item.pk).exists(), f"{item!r} is not in the database"
    assert model._base_manager.filter(pk=original.pk).exists(), "the original was deleted"
    assert _field_values(original) == before, "the original was edited"
    return reversal


def assert_delegation_captured(decision: models.Model, *, actor: models.Model, on_behalf_of: models.Model) -> None:
    """Delegation: the decision records ``actor`` and ``on_behalf_of`` apart, and queries find it.

    Asserts, from a fresh read, that the actor and the principal are the given ones, that the
    decision counts as delegated, and that ``Decision.objects.by_actor(actor)``,
    ``.on_behalf_of(on_behalf_of)`` and ``.delegated()`` all find it::

        decision = approve_refund(refund, by=clerk, for_party=store)
        assert_delegation_captured(decision, actor=clerk, on_behalf_of=store)
    """
    from django_decisioning.models import Decision

    fresh = Decision.objects.get(pk=decision.pk)
    assert fresh.actor == actor, f"actor is {fresh.actor!r}, expected {actor!r}"
    assert fresh.on_behalf_of == on_behalf_of, f"on_behalf_of is {fresh.on_behalf_of!r}, expected {on_behalf_of!r}"
    assert fresh.is_delegated, "the decision is not marked as delegated"
    found = Decision.objects.by_actor(actor).on_behalf_of(on_behalf_of).delegated().filter(pk=fresh.pk)
    assert found.exists(), "by_actor().on_behalf_of().delegated() does not find the decision"


def assert_snapshot_independent(
    record: models.Model,
    *,
    mutate: Callable[[], Any],
    read: Callable[[models.Model], Any] = lambda record: record.evidence,  # type: ignore[attr-defined]
) -> Any:
    """Snapshot: what a record captured does not change when the live data it came from changes.

    ``mutate()`` changes the mutable source (a price, a product name, a party's address);
    ``read(record)`` (default: ``record.evidence``) returns the captured snapshot. Asserts that
    a fresh read of the record gives the same snapshot after ``mutate()`` as before. Returns it::

        decision = quote(product=widget, ...)
        assert_snapshot_independent(decision, mutate=lambda: Product.objects.update(price="9.99"))
    """
    before = read(type(record)._base_manager.get(pk=record.pk))
    mutate()
    after = read(type(record)._base_manager.get(pk=record.pk))
    assert after == before, f"the snapshot changed with the live data: {before!r} -> {after!r}"
    return after
