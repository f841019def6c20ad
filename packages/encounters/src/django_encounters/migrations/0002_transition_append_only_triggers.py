"""Database triggers that make encounter transitions append-only: raw SQL UPDATE and DELETE are refused.

Trigger names (migrated databases and the tests rely on them): SQLite:
django_encounters_transition_no_update and django_encounters_transition_no_delete; PostgreSQL:
django_encounters_transition_append_only calling django_encounters_refuse_transition_change().
"""

from django.db import migrations

from django_basemodels.triggers import RefuseUpdateAndDelete


class Migration(migrations.Migration):
    dependencies = [("django_encounters", "0001_initial")]

    operations = [
        RefuseUpdateAndDelete(
            "EncounterTransition",
            name="django_encounters_transition",
            postgres_function="django_encounters_refuse_transition_change",
            message="django_encounters_encountertransition is append-only: transitions are never updated or deleted",
        )
    ]
