"""Receipts are append-only: triggers refuse every UPDATE and DELETE (in a migration of its own, to reverse it alone)."""

from django.db import migrations

from django_basemodels.triggers import RefuseUpdateAndDelete


class Migration(migrations.Migration):
    dependencies = [("testapp", "0003_receipt")]

    operations = [
        # An apostrophe and a percent sign: the message must reach both databases as written.
        RefuseUpdateAndDelete(
            "Receipt", name="testapp_receipt", message="testapp_receipt is append-only: a receipt's 100% final"
        ),
    ]
