"""Starts the standby for the suite (``standby.running``), makes a fresh database on the primary, migrates it there and
waits until the standby has it. Run with ``-p no:django``: the databases are real, not test copies."""

from __future__ import annotations

import os

import django
import psycopg
import pytest

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.replicas.settings"
django.setup()


@pytest.fixture(scope="session", autouse=True)
def replicated_database():
    from django.core.management import call_command
    from django.db import connections

    from django_basemodels.replication import wait_for_replica
    from tests.replicas import standby
    from tests.replicas.settings import NAME

    def drop_and_create(create: bool) -> None:
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
            if create:
                admin.execute(f'CREATE DATABASE "{NAME}"')

    with standby.running():  # stopped after the suite when it started it
        drop_and_create(True)
        call_command("migrate", verbosity=0, database="default")
        wait_for_replica("replica", timeout=60)
        yield
        connections.close_all()
        drop_and_create(False)
