"""The surface x test matrix: every adapter, and the pytest parameters of one test kind."""

from __future__ import annotations

import pytest

from tests.torture.surfaces import (
    KINDS,
    Surface,
    agreements,
    budget,
    catalog,
    decisioning,
    encounters,
    ledger,
    rbac,
    sequence,
    settlements,
    stock,
    stock_status,
    worklog,
)

# Each module lists its adapters in SURFACES; the table in docs/torture.md keeps this order.
MODULES = [
    catalog,
    encounters,
    ledger,
    stock,
    stock_status,
    budget,
    rbac,
    decisioning,
    agreements,
    worklog,
    sequence,
    settlements,
]
SURFACES: list[Surface] = [surface for module in MODULES for surface in module.SURFACES]


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
