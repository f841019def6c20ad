"""The README's examples run as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_examples():
    text = README.read_text()
    section = text[text.index("## Taking numbers") : text.index("## Settings")]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_readme_has_examples():
    assert len(readme_examples()) >= 5


@pytest.mark.django_db(transaction=True)
def test_readme_examples_run_in_order():
    namespace = {}
    for example in readme_examples():
        exec(compile(example, str(README), "exec"), namespace)
