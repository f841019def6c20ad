"""Decisions recorded as ``ledger.post``/``ledger.reverse`` take the names of the services that record them.

``ledger.reverse`` was shared: a reversal of a transaction targets the transaction, a reversal of
one entry targets the entry. The idempotency scopes were already ``django_ledger.<service>``.
"""

from django.db import migrations

from django_decisioning.operations import RenameDecisionActions

RENAME = RenameDecisionActions(
    actions={
        "ledger.post": "django_ledger.post_transaction",
        "ledger.reverse": {
            "django_ledger.transaction": "django_ledger.reverse_transaction",
            "django_ledger.entry": "django_ledger.reverse_entry",
        },
    },
)


class Migration(migrations.Migration):
    dependencies = [
        ("django_ledger", "0003_transaction_idempotency_key"),
        ("django_decisioning", "0002_guarantees"),
    ]

    operations = [RENAME]
