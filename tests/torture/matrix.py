"""The surface x test matrix: every adapter, and the pytest parameters of one test kind."""

from __future__ import annotations

import pytest

from tests.torture.surfaces import KINDS, Surface
from tests.torture.surfaces.agreements import AmendAgreement, CreateAgreement, TerminateAgreement
from tests.torture.surfaces.budget import PostExpense, VoidTransaction
from tests.torture.surfaces.catalog import AddItem, CommitBasket, RecordDispense
from tests.torture.surfaces.decisioning import IdempotentDecorator
from tests.torture.surfaces.encounters import Transition
from tests.torture.surfaces.ledger import PostTransaction, ReverseTransaction
from tests.torture.surfaces.rbac import AssignRole
from tests.torture.surfaces.stock import Issue, Transfer
from tests.torture.surfaces.worklog import StartSession

SURFACES: list[Surface] = [
    CommitBasket(),
    AddItem(),
    RecordDispense(),
    Transition(),
    PostTransaction(),
    ReverseTransaction(),
    Issue(),
    Transfer(),
    PostExpense(),
    VoidTransaction(),
    AssignRole(),
    IdempotentDecorator(),
    CreateAgreement(),
    AmendAgreement(),
    TerminateAgreement(),
    StartSession(),
]


def outcome(surface: Surface, kind: str) -> str:
    """``pass``, ``n/a`` or ``xfail``: what the matrix expects of ``surface`` under ``kind``."""
    if kind in surface.not_applicable:
        return "n/a"
    if kind in surface.known_gaps:
        return "xfail"
    return "pass"


def parameters(kind: str) -> list:
    assert kind in KINDS
    params = []
    for surface in SURFACES:
        marks = []
        if kind in surface.not_applicable:
            marks.append(pytest.mark.skip(reason=f"not applicable: {surface.not_applicable[kind]}"))
        elif kind in surface.known_gaps:
            gap = surface.known_gaps[kind]
            marks.append(pytest.mark.xfail(strict=True, raises=gap.raises, reason=f"known gap: {gap.reason}"))
        params.append(pytest.param(surface, id=surface.id, marks=marks))
    return params
