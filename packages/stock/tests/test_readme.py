"""The Quick start of the README runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def quick_start_blocks():
    text = README.read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_readme_has_a_quick_start():
    assert len(quick_start_blocks()) == 2


@pytest.mark.django_db
def test_the_quick_start_runs():
    namespace: dict = {}
    for block in quick_start_blocks():
        exec(compile(block, str(README), "exec"), namespace)
    assert namespace["balance"](namespace["pharmacy"], namespace["amox"]) == 20
