"""The README's examples run as written: a first session, the roadmap's example, and the two times."""

import re
from pathlib import Path

import pytest

from django_worklog.models import WorkSession
from tests.testapp.models import Task

README = Path(__file__).resolve().parent.parent / "README.md"
pytestmark = pytest.mark.django_db


def section_blocks(heading: str) -> list[str]:
    text = README.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run(heading: str, **names) -> dict:
    [block] = section_blocks(heading)
    namespace = dict(names)
    exec(compile(block, str(README), "exec"), namespace)
    return namespace


def test_a_first_session_runs(user, task, other_task):
    names = run("A first session", user=user, task=task, other_task=other_task)

    assert names["stopped"].context == other_task
    assert names["message"].startswith("ada has no running work session: start one with start_session(")
    assert WorkSession.objects.running().get() == names["first"]
    assert WorkSession.objects.count() == 3


def test_the_roadmaps_example_runs_as_the_roadmap_writes_it(user, task, capsys):
    task_a, task_b = Task.objects.create(title="a"), Task.objects.create(title="b")
    names = run("The roadmap's example", user=user, task=task, task_a=task_a, task_b=task_b)

    assert "session = start_session(user=user, context=task)" in section_blocks("The roadmap's example")[0]
    assert capsys.readouterr().out == f"{names['stopped'].duration_seconds}\n"
    assert names["stopped"].context == task
    by_context = {session.context: session for session in WorkSession.objects.all()}
    assert by_context[task_a].stopped_at == by_context[task_b].started_at  # task_a stopped, task_b started
    assert names["get_active_session"](user) == by_context[task_b]


def test_the_two_times_example_runs(user, task, other_task):
    names = run("Two times: effective_at and recorded_at", user=user, task=task, other_task=other_task)

    session = names["session"]
    assert names["earliest"] == names["began"] == session.effective_at
    assert list(names["before_it_was_recorded"]) == []
    assert WorkSession.objects.get() == session  # the refused start wrote nothing
