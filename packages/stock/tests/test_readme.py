"""The Quick start, the Many organizations example and the pharma plan's walk-through of the README run as written."""

import re
from pathlib import Path

import pytest

from django_stock.models import StockMovement

README = Path(__file__).resolve().parent.parent / "README.md"
PHARMA_PLAN = "The pharma plan, step by step"


def section_blocks(heading: str) -> list[str]:
    text = README.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def quick_start_blocks():
    return section_blocks("Quick start")


def test_the_readme_has_a_quick_start_and_a_many_organizations_example():
    assert len(quick_start_blocks()) == 2
    assert len(section_blocks("Many organizations")) == 1
    assert len(section_blocks(PHARMA_PLAN)) == 2


@pytest.mark.django_db
def test_the_quick_start_runs():
    namespace: dict = {}
    for block in quick_start_blocks():
        exec(compile(block, str(README), "exec"), namespace)
    assert namespace["balance"](namespace["pharmacy"], namespace["amox"]) == 20


@pytest.mark.django_db
def test_the_many_organizations_example_runs_on_its_own():
    namespace: dict = {}
    [block] = section_blocks("Many organizations")
    exec(compile(block, str(README), "exec"), namespace)
    assert namespace["refused"]["to_location"] == "south-pharmacy"
    assert namespace["StockItem"].objects.count() == 2
    assert StockMovement.objects.count() == 2  # the two receipts, no transfer


@pytest.mark.django_db
def test_the_pharma_plan_walk_through_runs_on_its_own():
    """Import, B2B delivery, sale, refused oversell and expired lot, a second hop, a return, a medicine
    withdrawn, then the recall to every patient."""
    namespace: dict = {}
    for block in section_blocks(PHARMA_PLAN):
        exec(compile(block, str(README), "exec"), namespace)
    lot, medicine = namespace["lot"], namespace["medicine"]
    assert (lot.status, namespace["StockItem"].objects.get(pk=medicine.pk).status) == ("active", "blocked")
    assert type(lot).objects.get(pk=lot.pk).status == "recalled"
    assert [r.quantity for r in namespace["lot_recipients"](lot)] == [4, 2]
    # Every unit of the import is accounted for: removed by the recall or still with a patient.
    assert sum(m.quantity for m in namespace["removed"]) + 4 + 2 == 1000
    assert StockMovement.objects.filter(movement_type="issue").count() == 2
