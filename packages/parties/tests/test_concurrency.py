"""Races with real connections (PostgreSQL, MariaDB/MySQL): concurrent writes on one party's contact points are
serialised by a lock on the party row; one user linked to two persons at once ends up linked to one."""

import threading
import time

import pytest
from django.db import IntegrityError, connection

from django_basemodels.testing import PATIENCE, run_concurrently
from django_parties import services
from django_parties.exceptions import UserLinkError
from django_parties.models import ContactPoint, Person


@pytest.mark.server
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


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_one_user_linked_to_two_persons_at_once_is_linked_to_one(django_user_model, monkeypatch):
    """Both links pass the service's check before either writes: the unique index over live persons refuses
    the second (on MariaDB/MySQL an index over generated columns, as it has no partial index)."""
    user = django_user_model.objects.create_user(username="alice")
    persons = [services.create_person(given_name=name) for name in ("Alice", "Alicia")]
    checked = threading.Barrier(2)
    check = services._check_user_free

    def check_then_wait_for_the_other(*args, **kwargs):
        check(*args, **kwargs)
        checked.wait(PATIENCE)

    monkeypatch.setattr(services, "_check_user_free", check_then_wait_for_the_other)

    outcomes = run_concurrently(
        [lambda person=person: services.link_user(person=person, user=user) for person in persons]
    )

    linked = [outcome for outcome in outcomes if isinstance(outcome, Person)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Person)]
    assert len(linked) == 1, outcomes
    assert len(refused) == 1 and isinstance(refused[0], (IntegrityError, UserLinkError)), outcomes
    assert list(Person.objects.filter(user=user)) == linked
