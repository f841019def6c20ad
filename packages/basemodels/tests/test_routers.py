"""PrimaryReplicaRouter's choices (the real standby is exercised by the monorepo's tests/replicas/) and
wait_for_replica's refusals."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import override_settings

from django_basemodels.replication import ReplicaLagError, wait_for_replica
from django_basemodels.routers import PrimaryReplicaRouter, use_primary

router = PrimaryReplicaRouter()
REPLICAS = {"BASEMODELS_READ_REPLICAS": ["replica"]}


def test_without_replicas_everything_goes_to_the_primary():
    assert router.db_for_read(Group) == "default"
    assert router.db_for_write(Group) == "default"
    assert router.allow_migrate("default", "auth") is True


@override_settings(**REPLICAS)
def test_reads_go_to_a_replica_writes_and_migrations_to_the_primary():
    assert router.db_for_read(Group) == "replica"
    assert router.db_for_write(Group) == "default"
    assert router.allow_migrate("replica", "auth") is False
    assert router.allow_migrate("default", "auth") is True
    assert router.allow_relation(Group(), Group()) is True


@override_settings(**REPLICAS, BASEMODELS_PRIMARY_DATABASE="main")
def test_the_primary_is_a_setting():
    assert router.db_for_write(Group) == "main"


@override_settings(**REPLICAS)
def test_use_primary_pins_reads_and_nests():
    with use_primary():
        with use_primary():
            assert router.db_for_read(Group) == "default"
        assert router.db_for_read(Group) == "default"
    assert router.db_for_read(Group) == "replica"


@override_settings(**REPLICAS)
def test_related_rows_of_an_object_read_from_the_primary_come_from_there():
    group = Group(name="x")
    group._state.adding, group._state.db = False, "default"
    assert router.db_for_read(Group, instance=group) == "default"
    group._state.db = "replica"
    assert router.db_for_read(Group, instance=group) == "replica"


@pytest.mark.django_db(transaction=True)
@override_settings(**REPLICAS)
def test_reads_inside_a_transaction_on_the_primary_stay_there():
    assert router.db_for_read(Group) == "replica"
    with transaction.atomic():
        assert router.db_for_read(Group) == "default"


def test_wait_for_replica_reads_postgresql_only():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite and MariaDB only")
    with pytest.raises(NotImplementedError, match="PostgreSQL"):
        wait_for_replica("default")


@pytest.mark.postgres
@pytest.mark.django_db
def test_wait_for_replica_gives_up_on_a_server_that_replays_nothing():
    # A primary is not in recovery: pg_last_wal_replay_lsn() is NULL, so it never catches up with itself.
    with pytest.raises(ReplicaLagError, match="had not replayed"):
        wait_for_replica("default", timeout=0.05, poll=0.01)
