"""The README's examples run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def _example_blocks():
    text = README.read_text()
    examples = text[text.index("## Examples") : text.index("## Concepts and decisions")]
    return re.findall(r"```python\n(.*?)```", examples, flags=re.DOTALL)


def test_readme_has_examples():
    assert len(_example_blocks()) >= 5


@pytest.mark.django_db
def test_readme_examples_run_in_order(capsys):
    namespace = {}
    for block in _example_blocks():
        exec(compile(block, str(README), "exec"), namespace)

    assert "Member of Volunteers" in capsys.readouterr().out
