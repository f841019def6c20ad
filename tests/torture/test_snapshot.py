"""Snapshot: the decision is reconstructed from what was recorded, whatever happens to the live data since."""

from __future__ import annotations

import pytest

from django_decisioning.testing import assert_snapshot_independent
from tests.torture.matrix import parameters
from tests.torture.surfaces import SnapshotFollowedLiveData, fresh


@pytest.mark.parametrize("surface", parameters("snapshot"))
def test_snapshot(surface, world):
    plan = surface.snapshot(world)
    assert plan.records, f"{surface}: no record to reconstruct the decision from"
    for record, expected in plan.records:
        assert plan.reconstruct(fresh(record)) == expected, f"{record!r} does not say what was decided"
    live_before = plan.live()
    mutated = []

    def mutate_once():
        if not mutated:
            plan.mutate()
            mutated.append(True)

    for record, expected in plan.records:
        try:
            assert_snapshot_independent(record, mutate=mutate_once, read=plan.reconstruct)
            assert plan.reconstruct(fresh(record)) == expected, f"{record!r} no longer says what was decided"
        except AssertionError as error:
            raise SnapshotFollowedLiveData(str(error)) from error
    assert plan.live() != live_before, "the mutation did not change the live data: the test proves nothing"
