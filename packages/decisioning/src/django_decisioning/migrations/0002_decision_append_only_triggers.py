"""Database triggers that make decisions append-only: raw SQL UPDATE and DELETE are refused.

Trigger names (migrated databases and the tests rely on them): SQLite:
django_decisioning_decision_no_update and django_decisioning_decision_no_delete; PostgreSQL:
django_decisioning_decision_append_only calling django_decisioning_refuse_decision_change().
"""

from django.db import migrations

from django_basemodels.triggers import RefuseUpdateAndDelete


class Migration(migrations.Migration):
    dependencies = [("django_decisioning", "0001_initial")]

    operations = [
        RefuseUpdateAndDelete(
            "Decision",
            name="django_decisioning_decision",
            postgres_function="django_decisioning_refuse_decision_change",
            message="django_decisioning_decision is append-only: decisions are never updated or deleted",
        )
    ]
