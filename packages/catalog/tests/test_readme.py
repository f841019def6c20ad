"""The README's examples run as written: the roadmap's Quick start, the Example, Dispensing (with the
reversal and the recall), the cancellation of Reversals, not edits, and Many organizations."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from django_catalog.models import BasketItem, DispenseLog, DispenseReversal, WorkItem, WorkItemCancellation
from django_decisioning.models import Decision
from tests.testapp.models import Encounter

README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = pytest.mark.django_db


def section_blocks(heading: str) -> list[str]:
    text = README.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run(blocks: list[str], namespace: dict) -> dict:
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    return namespace


@pytest.fixture
def people(django_user_model):
    head = django_user_model.objects.create_user(username="head-pharmacist")
    head.user_permissions.add(Permission.objects.get(codename="add_dispensereversal"))
    return {
        "user": django_user_model.objects.create_user(username="nurse"),
        "lab_tech": django_user_model.objects.create_user(username="lab-tech"),
        "pharmacist": django_user_model.objects.create_user(username="pharmacist"),
        "head_pharmacist": django_user_model.objects.get(pk=head.pk),
        "encounter": Encounter.objects.create(patient="Ada"),
        "clinic": Encounter.objects.create(patient="stands in for the clinic"),
    }


def test_the_readme_has_the_sections_that_run():
    assert len(section_blocks("Quick start")) == 1
    assert len(section_blocks("Example")) == 1
    assert len(section_blocks("Dispensing")) == 1
    assert len(section_blocks("Reversals, not edits")) == 1
    assert len(section_blocks("Many organizations")) == 1


def test_the_roadmaps_quick_start_runs_as_written(people):
    [block] = section_blocks("Quick start")
    # The roadmap's own lines, unchanged but for the quotes ruff formats.
    assert "BasketItem.objects.create(basket=basket, catalog_item=item, added_by=user)" in block
    assert "routing" not in block

    namespace = run([block], dict(people))

    [work_item] = namespace["work_items"]
    assert (work_item.board, work_item.status, work_item.display_name) == ("lab", "pending", "Blood Test")
    assert BasketItem.objects.get().routing_snapshot == "lab"


def test_the_example_runs(people):
    namespace = run(section_blocks("Example"), dict(people))

    [work_item] = namespace["work_items"]
    assert WorkItem.objects.get(pk=work_item.pk).status == WorkItem.Status.COMPLETED
    assert BasketItem.objects.count() == 1


def test_the_dispensing_example_runs(people):
    namespace = run(section_blocks("Dispensing"), dict(people))

    assert namespace["work_item"].board == "pharmacy"
    assert DispenseLog.objects.get().lot_reference == "LOT-2026-114"
    assert DispenseReversal.objects.get() == namespace["reversal"]
    assert Decision.objects.filter(action="django_catalog.reverse_dispense", on_behalf_of_id__isnull=False).exists()


def test_the_cancellation_example_runs_after_the_quick_start(people):
    namespace = run(section_blocks("Quick start") + section_blocks("Reversals, not edits"), dict(people))

    assert WorkItemCancellation.objects.get().work_item == namespace["lab_work"]


def test_the_many_organizations_example_runs(people):
    namespace = run(section_blocks("Many organizations"), dict(people))

    assert namespace["work_item"].board == "pharmacy"
    assert namespace["north"].org_key == "north"
