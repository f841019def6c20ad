"""The README's examples run as written."""

import re
from pathlib import Path

import pytest

from tests.testapp.models import UuidInvoice

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_examples():
    text = README.read_text()
    section = text[text.index("## Attaching documents") : text.index("## Settings")]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)
    return [block for block in blocks if not block.startswith("# settings.py")]


def test_readme_has_examples():
    assert len(readme_examples()) >= 8


@pytest.mark.django_db
def test_readme_examples_run_in_order(user, django_capture_on_commit_callbacks):
    namespace = {"invoice": UuidInvoice.objects.create(number="INV-2026-0001"), "user": user}
    with django_capture_on_commit_callbacks(execute=True):
        for example in readme_examples():
            exec(compile(example, str(README), "exec"), namespace)
