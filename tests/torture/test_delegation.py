"""Delegation: where a decision is recorded, the actor and the principal they acted for are both captured."""

from __future__ import annotations

import pytest

from django_decisioning.models import Decision
from django_decisioning.testing import assert_delegation_captured
from tests.torture.matrix import parameters


@pytest.mark.parametrize("surface", parameters("delegation"))
def test_delegation(surface, world):
    plan = surface.delegation(world)
    actor = plan.actor or world.clerk
    assert actor != world.principal
    if isinstance(plan.record, Decision):
        assert_delegation_captured(plan.record, actor=actor, on_behalf_of=world.principal)
    else:
        assert plan.check is not None, f"{surface}: a record that is not a Decision needs its own check"
        plan.check(plan.record, actor, world.principal)
