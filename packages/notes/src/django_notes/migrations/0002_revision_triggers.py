"""Triggers that refuse UPDATE and DELETE of note revisions, so raw SQL cannot rewrite history either.

SQLite and PostgreSQL get their own SQL (django_notes.triggers); other vendors rely on the model
and queryset guards.
"""

from django.db import migrations

from django_notes.triggers import drop_revision_triggers, install_revision_triggers


def install(apps, schema_editor):
    install_revision_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    drop_revision_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("django_notes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(install, drop),
    ]
