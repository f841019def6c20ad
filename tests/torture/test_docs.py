"""docs/torture.md says what the suite does: its tables are the matrix, cell for cell."""

from __future__ import annotations

from tests.torture import docs
from tests.torture.matrix import SURFACES, outcome
from tests.torture.surfaces import KINDS


def test_the_table_of_docs_torture_md_is_the_matrix():
    assert docs.current() == docs.render(), (
        "docs/torture.md is out of date: run `python -m tests.torture.docs --write` from the repo root"
    )


def test_every_passing_cell_says_what_it_checks():
    missing = [
        f"{s.id} {kind}" for s in SURFACES for kind in KINDS if outcome(s, kind) == "pass" and kind not in s.notes
    ]
    assert not missing, f"add a note for: {missing}"


def test_every_surface_is_listed_once():
    ids = [surface.id for surface in SURFACES]
    assert len(ids) == len(set(ids))
    for surface in SURFACES:
        declared = set(surface.not_applicable) | set(surface.known_gaps)
        assert declared <= set(KINDS), f"{surface.id}: unknown test kind in {declared}"
        assert not set(surface.not_applicable) & set(surface.known_gaps), f"{surface.id}: n/a and gap at once"
