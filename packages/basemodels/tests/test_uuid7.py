import itertools
import threading
import time
import uuid

import pytest

from django_basemodels import uuids
from django_basemodels.uuids import uuid7


@pytest.fixture
def fresh_uuid7_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uuids, "_uuid7_last", 0)


def test_uuid7_has_version_7_and_the_rfc_variant():
    value = uuid7()
    assert value.version == 7
    assert value.variant == uuid.RFC_4122


def test_uuid7_starts_with_the_unix_time_in_milliseconds(fresh_uuid7_clock, monkeypatch):
    now_ns = 1_700_000_000_123_456_789
    monkeypatch.setattr(time, "time_ns", lambda: now_ns)
    assert uuid7().int >> 80 == now_ns // 1_000_000


def test_uuid7_timestamp_follows_the_real_clock():
    before_ms = time.time_ns() // 1_000_000
    value = uuid7()
    after_ms = time.time_ns() // 1_000_000
    assert before_ms <= value.int >> 80 <= after_ms + 1


def test_uuid7_values_strictly_increase_across_many_calls():
    values = [uuid7() for _ in range(20_000)]
    assert all(earlier < later for earlier, later in itertools.pairwise(values))


def test_uuid7_keeps_increasing_when_the_clock_does_not_move(fresh_uuid7_clock, monkeypatch):
    monkeypatch.setattr(time, "time_ns", lambda: 1_700_000_000_000_000_000)
    values = [uuid7() for _ in range(5_000)]
    assert all(earlier < later for earlier, later in itertools.pairwise(values))
    assert all(value.version == 7 and value.variant == uuid.RFC_4122 for value in values)


def test_uuid7_keeps_increasing_when_the_clock_steps_back(fresh_uuid7_clock, monkeypatch):
    clock = iter([1_700_000_000_500_000_000, 1_700_000_000_000_000_000])
    monkeypatch.setattr(time, "time_ns", lambda: next(clock))
    first, second = uuid7(), uuid7()
    assert second > first


def test_uuid7_values_from_many_threads_are_unique():
    made: list[uuid.UUID] = []
    lock = threading.Lock()

    def make() -> None:
        batch = [uuid7() for _ in range(2_000)]
        with lock:
            made.extend(batch)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 16_000
