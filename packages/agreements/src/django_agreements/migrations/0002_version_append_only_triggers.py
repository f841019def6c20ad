"""Database triggers that make agreement versions append-only: raw SQL UPDATE and DELETE are refused.

Trigger names (migrated databases and the tests rely on them): SQLite:
django_agreements_version_no_update and django_agreements_version_no_delete; PostgreSQL:
django_agreements_version_append_only calling django_agreements_refuse_version_change().
"""

from django.db import migrations

from django_basemodels.triggers import RefuseUpdateAndDelete


class Migration(migrations.Migration):
    dependencies = [("django_agreements", "0001_initial")]

    operations = [
        RefuseUpdateAndDelete(
            "AgreementVersion",
            name="django_agreements_version",
            postgres_function="django_agreements_refuse_version_change",
            message="django_agreements_agreementversion is append-only: agreement versions are never updated or deleted",
        )
    ]
