"""Decisions recorded as ``agreement.create``/``.amend``/``.terminate`` take the names of their services."""

from django.db import migrations

from django_decisioning.operations import RenameDecisionActions

RENAME = RenameDecisionActions(
    actions={
        "agreement.create": "django_agreements.create_agreement",
        "agreement.amend": "django_agreements.amend_agreement",
        "agreement.terminate": "django_agreements.terminate_agreement",
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("django_agreements", "0002_guarantees"),
        ("django_decisioning", "0002_guarantees"),
    ]

    operations = [RENAME]
