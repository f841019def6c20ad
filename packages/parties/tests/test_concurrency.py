"""Concurrent writes on one party's contact points are serialised by a lock on the party row."""

import threading
import time

import pytest
from django.db import connection

from django_parties import services
from django_parties.models import ContactPoint, Person


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_primary_contact_points_do_not_collide(monkeypatch):
    person = services.create_person(given_name="Alice")
    demote = services._demote_primary

    def slow_demote(party, kind):
        # Widen the window between "demote the old primary" and "insert the new one".
        count = demote(party, kind)
        time.sleep(0.3)
        return count

    monkeypatch.setattr(services, "_demote_primary", slow_demote)
    errors = []

    def add(value, delay):
        time.sleep(delay)
        try:
            services.add_contact_point(party=person, kind="email", value=value, is_primary=True)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=add, args=("first@example.com", 0)),
        threading.Thread(target=add, args=("second@example.com", 0.1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert ContactPoint.objects.for_party(person).count() == 2
    assert ContactPoint.objects.for_party(person).primary().get().value == "second@example.com"
    assert Person.objects.count() == 1
