"""Reversal: undoing needs authority (a refusal writes nothing), adds new facts, leaves the original as it was."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from django_decisioning.models import Decision
from django_decisioning.testing import assert_delegation_captured, assert_reversal_preserves_original
from tests.torture.matrix import parameters
from tests.torture.surfaces import AuthorityCheckFailed, PreservationFailure, fresh


def row_counts() -> dict[str, int]:
    """Rows of every table: a refusal must write nowhere (no decision, no key row, no fact)."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models()}


def values(instance, ignoring: tuple[str, ...] = ()) -> dict:
    row = fresh(instance)
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in ignoring}


def undo_closing_period(plan, world):
    """The undo of a validity-period record: the reversing facts are new rows, not the original.

    The original itself may change in ``plan.period_fields`` only (the caller compares the rest).
    """
    result = plan.undo(plan.authorized, world.principal)
    facts = result if isinstance(result, (list, tuple)) else [result]
    assert facts, "the undo returned no reversing fact"
    for fact in facts:
        assert isinstance(fact, models.Model) and fact.pk is not None, f"{fact!r} is not a saved fact"
        assert not (type(fact) is type(plan.original) and fact.pk == plan.original.pk), (
            "the undo returned the original itself"
        )
        assert type(fact)._base_manager.filter(pk=fact.pk).exists(), f"{fact!r} is not in the database"
    assert type(plan.original)._base_manager.filter(pk=plan.original.pk).exists(), "the original was deleted"
    return result


@pytest.mark.parametrize("surface", parameters("reversal"))
def test_reversal(surface, world):
    plan = surface.reversal(world)
    originals = [plan.original, *plan.also_preserved]
    before = [values(original, plan.period_fields) for original in originals]
    view_before = plan.view() if plan.view else None

    # 1. Without authority: the package's typed refusal, and not one row written anywhere.
    counts = row_counts()
    try:
        plan.undo(plan.unauthorized, None)
    except plan.refusal:
        pass
    else:
        raise AuthorityCheckFailed(f"{plan.unauthorized} undid {plan.original!r} without authority")
    after = row_counts()
    if after != counts:
        changed = {label: (counts[label], after[label]) for label in counts if after[label] != counts[label]}
        raise AuthorityCheckFailed(f"the refused undo wrote rows: {changed}")
    if plan.view and plan.view() != view_before:
        raise AuthorityCheckFailed("the refused undo changed the domain figure")

    # 2. With authority (and for a principal): new facts, the original byte-identical (a
    #    validity-period record: everything but the columns that close its period).
    try:
        if plan.period_fields:
            result = undo_closing_period(plan, world)
        else:
            result = assert_reversal_preserves_original(
                plan.original,
                lambda: plan.undo(plan.authorized, world.principal),
                unauthorized=lambda: plan.undo(plan.unauthorized, None),
                refusal=plan.refusal,
            )
    except AssertionError as error:
        raise PreservationFailure(str(error)) from error
    for original, values_before in zip(originals, before, strict=True):
        if values(original, plan.period_fields) != values_before:
            raise PreservationFailure(f"{original!r} was edited by the undo")
    if plan.view:
        assert plan.view() == plan.view_after_undo, "the undo did not take the domain figure back"

    # 3. The undo is itself a decision: who did it and for whom are both recorded.
    if plan.delegation_of is not None:
        record = plan.delegation_of(result)
        if isinstance(record, Decision):
            assert_delegation_captured(record, actor=plan.authorized, on_behalf_of=world.principal)
        else:
            assert plan.delegation_check is not None, f"{surface}: a record that is not a Decision needs its own check"
            plan.delegation_check(record, plan.authorized, world.principal)
