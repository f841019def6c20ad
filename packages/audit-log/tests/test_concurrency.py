"""Concurrent writers on PostgreSQL: real threads, each with its own connection."""

import itertools
import threading

import pytest
from django.db import connection

from django_audit_log import log_event, verify_chain
from django_audit_log.models import AuditLog
from tests.testapp.models import Customer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
WRITES_PER_THREAD = 25


def _run_in_threads(work):
    barrier = threading.Barrier(THREADS)
    errors = []

    def runner(number):
        try:
            barrier.wait()
            for step in range(WRITES_PER_THREAD):
                work(number, step)
        except Exception as error:  # reported by the test below, never swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_concurrent_writers_never_fork_the_chain(settings):
    settings.AUDIT_LOG_HASH_CHAIN = True

    def work(number, step):
        if number % 2:
            log_event("tick", metadata={"thread": number, "step": step})
        else:
            Customer.objects.create(name=f"{number}-{step}")

    assert _run_in_threads(work) == []
    total = THREADS * WRITES_PER_THREAD
    sequences = list(AuditLog.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert AuditLog.objects.values("prev_hash").distinct().count() == total
    report = verify_chain()
    assert (report.ok, report.checked) == (True, total)


def test_concurrent_queryset_updates_record_every_change_once():
    customers = [Customer.objects.create(name="c", visits=0) for _ in range(4)]

    def work(number, step):
        Customer.objects.filter(pk=customers[number % 4].pk).update(name=f"{number}-{step}")

    assert _run_in_threads(work) == []
    updates = AuditLog.objects.filter(action="update", metadata__write="queryset.update")
    assert updates.count() <= THREADS * WRITES_PER_THREAD
    for customer in customers:
        names = [
            (entry.changes["name"]["old"], entry.changes["name"]["new"])
            for entry in updates.filter(object_id=customer.pk.hex).order_by("created_at", "id")
        ]
        # Each recorded old value is the new value of the update before it: no lost or doubled change.
        assert all(previous[1] == current[0] for previous, current in itertools.pairwise(names))
        assert names[-1][1] == Customer.objects.get(pk=customer.pk).name
