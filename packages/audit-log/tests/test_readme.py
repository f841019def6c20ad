"""The roadmap's example in the README, and the time example that continues it, run as written."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from django_audit_log.models import AuditLog

README = Path(__file__).resolve().parent.parent / "README.md"


def section_blocks(heading: str) -> list[str]:
    text = README.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def run(blocks: list[str], namespace: dict) -> dict:
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    return namespace


def test_the_readme_has_the_roadmaps_example_and_the_time_example():
    assert len(section_blocks("The roadmap's example")) == 3
    assert len(section_blocks("Two times: `effective_at` and `recorded_at`")) == 1


def test_the_roadmaps_example_is_the_roadmaps_code():
    roadmap_calls = section_blocks("The roadmap's example")[1]
    assert 'log(action="create", obj=my_instance, actor=request.user, request=request)' in roadmap_calls
    assert 'log_event(action="login", actor=user, metadata={"method": "oauth"})' in roadmap_calls
    assert "AuditLog.objects.as_of(timestamp)" in section_blocks("The roadmap's example")[2]


@pytest.mark.django_db
def test_the_roadmaps_example_runs():
    namespace = run(section_blocks("The roadmap's example"), {})
    created, updated, login, consent = AuditLog.objects.chronological()
    assert (created.action, created.ip_address, created.actor) == ("create", "203.0.113.7", namespace["user"])
    assert updated.changes == {"email": {"old": "a@b.com", "new": "x@y.com"}}
    assert (login.action, login.metadata) == ("login", {"method": "oauth"})
    assert consent == namespace["consent"]
    message = namespace["message"]
    naive = "datetime.datetime(2026, 1, 1, 0, 0)"
    assert f"not the naive {naive}" in message
    assert f"pass django.utils.timezone.make_aware({naive}) for that time in the current time zone" in message
    assert f"({timezone.get_current_timezone_name()})" in message
    assert "pass datetime.datetime(2026, 1, 1, 0, 0, tzinfo=datetime.timezone.utc) for that time in UTC" in message


@pytest.mark.django_db
def test_the_time_example_runs_after_it():
    namespace = run(section_blocks("The roadmap's example"), {})
    run(section_blocks("Two times: `effective_at` and `recorded_at`"), namespace)
    correction = AuditLog.objects.get(pk=namespace["correction"].pk)
    assert correction.effective_at == namespace["yesterday"]
    assert set(AuditLog.objects.as_of(namespace["yesterday"])) == {namespace["consent"], correction}
