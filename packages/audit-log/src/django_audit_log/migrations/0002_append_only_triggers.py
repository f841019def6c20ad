"""Triggers that refuse UPDATE and DELETE on the audit table, so raw SQL cannot change entries either.

SQLite and PostgreSQL get their own SQL (django_audit_log.triggers); other vendors rely on the
model and queryset guards. On SQLite a later migration that rebuilds this table must install
the triggers again.
"""

from django.db import migrations

from django_audit_log.triggers import drop_append_only_triggers, install_append_only_triggers


def install(apps, schema_editor):
    install_append_only_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    drop_append_only_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("django_audit_log", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, drop),
    ]
