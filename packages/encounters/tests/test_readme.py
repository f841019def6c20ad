"""The roadmap's example, as the README writes it ("A first state machine"), runs as written."""

import re
import sys
import types
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from django_basemodels.testing import run_readme_examples
from tests.testapp.models import Asset

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "A first state machine"


@pytest.fixture
def repairs_validators(monkeypatch):
    """The README's ``repairs/validators.py``, importable under that name."""
    text = README.read_text()
    [source] = [
        block for block in re.findall(r"```python\n(.*?)```", text, re.S) if "class ChecklistValidator" in block
    ]
    module = types.ModuleType("repairs.validators")
    exec(compile(source, "repairs/validators.py", "exec"), module.__dict__)
    package = types.ModuleType("repairs")
    package.validators = module  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "repairs", package)
    monkeypatch.setitem(sys.modules, "repairs.validators", module)
    return module


@pytest.mark.django_db
def test_the_first_state_machine_runs_as_the_readme_shows_it(repairs_validators):
    globs = {"my_asset": Asset.objects.create(name="Boiler 7"), "user": User.objects.create(username="tech")}
    result = run_readme_examples(README, SECTION, globs)
    assert result.attempted >= 10
    assert result.failed == 0
