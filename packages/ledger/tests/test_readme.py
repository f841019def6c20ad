"""The README's examples run as written: the first ledger, and the ledgers of many organizations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def first_example(heading: str) -> str:
    section = README.read_text().split(f"## {heading}\n", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)


def run(heading: str) -> dict:
    namespace: dict = {}
    exec(compile(first_example(heading), str(README), "exec"), namespace)
    return namespace


@pytest.mark.django_db
def test_the_first_example_of_the_readme_runs():
    assert run("A first ledger")["refund"].is_posted


@pytest.mark.django_db
def test_the_many_organizations_example_of_the_readme_runs():
    from django_ledger.models import Account, Entry

    namespace = run("Many organizations")
    assert namespace["north_cash"].org == "clinic-north"
    assert Account.objects.filter(code="1010").count() == 2
    assert Entry.objects.count() == 4  # the mixed posting wrote nothing
