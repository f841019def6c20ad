"""A fresh PostgreSQL database with the public schema migrated (``migrate_schemas --shared``) and two
clients, each with its own schema where every package is migrated. Run with ``-p no:django``."""

from __future__ import annotations

import os

import django
import psycopg
import pytest

os.environ["DJANGO_SETTINGS_MODULE"] = "tests.tenants.settings"
django.setup()

ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"


def _drop(name: str) -> None:
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def clients():
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    from tests.tenants.clients.models import Client

    name = settings.DATABASES["default"]["NAME"]
    _drop(name)
    with psycopg.connect(ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate_schemas", "--shared", verbosity=0, interactive=False)
    pharmacy_a = Client.objects.create(schema_name="pharmacy_a", name="Pharmacy A")  # migrates its schema
    pharmacy_b = Client.objects.create(schema_name="pharmacy_b", name="Pharmacy B")
    yield pharmacy_a, pharmacy_b
    connections.close_all()
    _drop(name)
