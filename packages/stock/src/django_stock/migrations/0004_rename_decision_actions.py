"""Lot expiries recorded as ``django_stock.expire_lot`` take the name of the service that records them.

The other stock actions and every idempotency scope were already ``django_stock.<service>``.
"""

from django.db import migrations

from django_decisioning.operations import RenameDecisionActions

RENAME = RenameDecisionActions(actions={"django_stock.expire_lot": "django_stock.expire_lots"})


class Migration(migrations.Migration):
    dependencies = [
        ("django_stock", "0003_movement_idempotency_scope"),
        ("django_decisioning", "0002_guarantees"),
    ]

    operations = [RENAME]
