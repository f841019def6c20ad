"""Transactions store the idempotency key they were posted with, unique per service."""

import django_basemodels.constraints
import django_basemodels.fields
import django_basemodels.guarantees.operations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('django_ledger', '0002_guarantees'),
    ]

    operations = [
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='transaction',
        ),
        migrations.AddField(
            model_name='transaction',
            name='idempotency_key',
            field=django_basemodels.fields.CaseSensitiveCharField(blank=True, editable=False, help_text="The caller's idempotency key.", max_length=255, null=True),
        ),
        migrations.AddField(
            model_name='transaction',
            name='idempotency_scope',
            field=django_basemodels.fields.CaseSensitiveCharField(blank=True, editable=False, help_text='The service the key was given to.', max_length=100, null=True),
        ),
        # Between the columns and the constraint: reversed, this one drops the constraint's columns from
        # SQLite's REPLACE guard before the columns themselves are dropped.
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name="transaction",
        ),
        migrations.AddConstraint(
            model_name='transaction',
            constraint=django_basemodels.constraints.PartialUniqueConstraint(condition=models.Q(('idempotency_key__isnull', False)), fields=('idempotency_scope', 'idempotency_key'), name='django_ledger_transaction_idempotency_key'),
        ),
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='transaction',
        ),
    ]
