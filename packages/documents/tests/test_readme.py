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
    assert len(readme_examples()) >= 11


def test_the_roadmap_example_is_the_first_one_run():
    roadmap_example = readme_examples()[0]
    assert "from django_documents.models import Document\n" in roadmap_example
    assert "from django_documents.services import attach_document\n" in roadmap_example
    assert "doc = attach_document(target=invoice, file=uploaded_file, uploaded_by=user)\n" in roadmap_example


def test_the_business_time_examples_are_run():
    examples = "".join(readme_examples())
    assert "effective_at=signed" in examples
    assert "Document.objects.as_of(datetime.datetime(2026, 1, 31))" in examples


@pytest.mark.django_db
def test_readme_examples_run_in_order(user, django_capture_on_commit_callbacks):
    namespace = {"invoice": UuidInvoice.objects.create(number="INV-2026-0001"), "user": user}
    with django_capture_on_commit_callbacks(execute=True):
        for example in readme_examples():
            exec(compile(example, str(README), "exec"), namespace)
