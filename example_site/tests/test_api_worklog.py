"""Worklog: start, stop, the active session."""

import pytest

from django_catalog.models import WorkItem
from django_encounters.models import Encounter
from django_worklog.models import WorkSession
from tests.helpers import api_entries, get, post


@pytest.fixture
def work_item():
    return WorkItem.objects.filter(board="lab").first()  # the seeded blood test


def test_start_active_stop(api, work_item):
    client = api("vet")
    assert get(client, "worklog/active/").json() == {"session": None}
    started = post(client, "worklog/start/", {"context_type": "work_item", "context_id": str(work_item.pk)})
    assert started.status_code == 201, started.json()
    assert started.json()["context_type"] == "django_catalog.WorkItem" and started.json()["stopped_at"] is None
    assert get(client, "worklog/active/").json()["session"]["id"] == started.json()["id"]
    stopped = post(client, "worklog/stop/")
    assert stopped.status_code == 200 and stopped.json()["duration_seconds"] >= 0
    assert [entry.action for entry in api_entries(stopped)] == ["api.worklog.stop"]
    assert get(client, "worklog/sessions/").json()["count"] == 1


def test_switching_context_stops_the_running_session(api, work_item):
    client = api("vet")
    post(client, "worklog/start/", {"context_type": "work_item", "context_id": str(work_item.pk)})
    visit = Encounter.objects.first()
    post(client, "worklog/start/", {"context_type": "encounter", "context_id": str(visit.pk)})
    assert WorkSession.objects.running().count() == 1 and WorkSession.objects.stopped().count() == 1


def test_stop_without_a_running_session_is_a_409(api):
    response = post(api("vet"), "worklog/stop/")
    assert response.status_code == 409 and response.json()["error"] == "NoActiveSessionError"


def test_bad_context_is_a_400(api):
    client = api("vet")
    assert post(client, "worklog/start/", {"context_type": "invoice", "context_id": "x"}).status_code == 400
    missing = {"context_type": "work_item", "context_id": "00000000-0000-0000-0000-000000000000"}
    response = post(client, "worklog/start/", missing)
    assert response.status_code == 400 and "context_id" in response.json()


def test_read_only_and_unauthorised(api, work_item):
    body = {"context_type": "work_item", "context_id": str(work_item.pk)}
    assert post(api("auditor"), "worklog/start/", body).status_code == 403
    assert post(api("accountant"), "worklog/start/", body).status_code == 403  # no worklog module
    assert get(api("auditor"), "worklog/active/").status_code == 200


def test_idempotent_start(api, work_item):
    client = api("vet")
    body = {"context_type": "work_item", "context_id": str(work_item.pk)}
    first = post(client, "worklog/start/", body, key="start-1")
    post(client, "worklog/stop/")
    retry = post(client, "worklog/start/", body, key="start-1")
    assert retry.json() == first.json() and retry["Idempotent-Replayed"] == "true"
    assert WorkSession.objects.count() == 1 and not WorkSession.objects.running().exists()
