"""The Quick start and the Many organizations example of the README run as written."""

import re
from pathlib import Path

import pytest

from django_stock.models import StockMovement

README = Path(__file__).resolve().parent.parent / "README.md"


def section_blocks(heading: str) -> list[str]:
    text = README.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def quick_start_blocks():
    return section_blocks("Quick start")


def test_the_readme_has_a_quick_start_and_a_many_organizations_example():
    assert len(quick_start_blocks()) == 2
    assert len(section_blocks("Many organizations")) == 1


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
