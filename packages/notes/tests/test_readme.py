"""The README runs as documented: its doctests, and the roadmap's example as the roadmap writes it."""

import doctest
import re
from pathlib import Path

import pytest

from django_notes.models import Note
from tests.testapp.models import Customer, Invoice, Ticket

README = Path(__file__).resolve().parent.parent / "README.md"


def section_blocks(heading: str) -> list[str]:
    """The ```python blocks of the README section ``heading``."""
    section = README.read_text().split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


@pytest.mark.django_db
def test_readme_examples_run_as_documented():
    # The README's models are those of tests/testapp, so its examples run against real tables.
    result = doctest.testfile(
        str(README),
        module_relative=False,
        globs={"Customer": Customer, "Invoice": Invoice, "Ticket": Ticket},
        optionflags=doctest.ELLIPSIS,
    )
    assert result.attempted >= 40
    assert result.failed == 0


def test_the_readme_has_the_roadmaps_example_as_one_block():
    [block] = section_blocks("The roadmap's example")
    for line in (
        "from django_notes.models import Note, Tag",
        "from django_notes.services import add_note, tag_object",
        'note = add_note(target=customer, content="VIP client", author=user)',
        'tag_object(target=invoice, tags=["urgent", "review-needed"])',
        'Invoice.objects.filter(tags__name="urgent")',
    ):
        assert line in block.splitlines()


@pytest.mark.django_db
def test_the_roadmaps_example_runs_as_written():
    [block] = section_blocks("The roadmap's example")
    namespace: dict = {"Customer": Customer, "Invoice": Invoice}
    exec(compile(block, str(README), "exec"), namespace)

    note = namespace["note"]
    assert Note.objects.get() == note
    assert (note.target, note.content, note.author, note.visibility) == (
        namespace["customer"],
        "VIP client",
        namespace["user"],
        "internal",
    )
    assert note.effective_at == note.recorded_at
    assert list(Invoice.objects.filter(tags__name="urgent")) == [namespace["invoice"]]
    assert sorted(t.slug for t in namespace["invoice"].tags.all()) == ["review-needed", "urgent"]
