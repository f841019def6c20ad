"""Decisions recorded as ``rbac.assign``/``rbac.revoke`` take the names of the services that record them."""

from django.db import migrations

from django_decisioning.operations import RenameDecisionActions

RENAME = RenameDecisionActions(
    actions={
        "rbac.assign": "django_rbac.assign_role",
        "rbac.revoke": "django_rbac.revoke_role",
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("django_rbac", "0001_initial"),
        ("django_decisioning", "0002_guarantees"),
    ]

    operations = [RENAME]
