"""Database triggers that make dispense records append-only: raw SQL UPDATE and DELETE are refused.

Trigger names (migrated databases and the tests rely on them): SQLite:
django_catalog_dispenselog_no_update and django_catalog_dispenselog_no_delete; PostgreSQL:
django_catalog_dispenselog_append_only calling django_catalog_refuse_dispenselog_change().
"""

from django.db import migrations

from django_basemodels.triggers import RefuseUpdateAndDelete


class Migration(migrations.Migration):
    dependencies = [("django_catalog", "0001_initial")]

    operations = [
        RefuseUpdateAndDelete(
            "DispenseLog",
            name="django_catalog_dispenselog",
            postgres_function="django_catalog_refuse_dispenselog_change",
            message="django_catalog_dispenselog is append-only: dispense records are never updated or deleted",
        )
    ]
