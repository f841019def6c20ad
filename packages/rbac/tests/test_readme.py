"""The README's Python examples run, in order, in one namespace."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks() -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    # The model declaration needs an app of its own; tests/testapp declares the same User.
    return [block for block in blocks if "class User(" not in block]


def test_readme_has_examples():
    assert len(python_blocks()) >= 5


@pytest.mark.django_db
def test_readme_examples_run(capsys):
    namespace: dict = {"__name__": "readme"}
    for block in python_blocks():
        exec(compile(block, str(README), "exec"), namespace)
    assert "level" in capsys.readouterr().out
