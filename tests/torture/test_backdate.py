"""Backdate: recorded now, effective a day ago; ``as_of`` (and "as known at") reads stay coherent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from django_decisioning.testing import assert_backdate_coherent
from tests.torture.matrix import parameters

TICK = dt.timedelta(microseconds=1)


@pytest.mark.parametrize("surface", parameters("backdate"))
def test_backdate(surface, world):
    effective_at = timezone.now() - dt.timedelta(days=1)
    plan = surface.backdate(world, effective_at)
    assert plan.effective_at < plan.recorded_at, "the fact is not backdated"
    assert plan.recorded_at - plan.effective_at >= dt.timedelta(hours=23), "backdated by less than a day"
    if plan.check_fact is None:
        assert_backdate_coherent(plan.fact, plan.queryset)
    else:
        plan.check_fact()

    # The domain figure, read through the package's as_of: before, at, now, and as known before.
    assert plan.view(plan.effective_at - TICK, None) == plan.before, "as_of just before effective_at"
    assert plan.view(plan.effective_at, None) == plan.after, "as_of effective_at"
    assert plan.view(timezone.now(), None) == plan.after, "as_of now"
    assert plan.view(plan.effective_at, plan.recorded_at - TICK) == plan.known_before, (
        "as_of effective_at, as known just before the fact was recorded"
    )
    assert plan.view(plan.effective_at, plan.recorded_at) == plan.after, "as_of effective_at, known at record time"
