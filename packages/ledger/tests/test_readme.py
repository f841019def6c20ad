"""The README's first example runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def first_example() -> str:
    section = README.read_text().split("## A first ledger", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


@pytest.mark.django_db
def test_the_first_example_of_the_readme_runs():
    namespace: dict = {}
    exec(compile(first_example(), str(README), "exec"), namespace)
    assert namespace["refund"].is_posted
