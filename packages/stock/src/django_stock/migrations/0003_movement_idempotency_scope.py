"""Movements store the idempotency key of their service call with its scope and line, unique together."""

import django_basemodels.constraints
import django_basemodels.fields
import django_basemodels.guarantees.operations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_stock', '0002_guarantees'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='stockmovement',
        ),
        migrations.AddField(
            model_name='stockmovement',
            name='idempotency_line',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, help_text="The movement's place among those of its service call.", null=True),
        ),
        migrations.AddField(
            model_name='stockmovement',
            name='idempotency_scope',
            field=django_basemodels.fields.CaseSensitiveCharField(blank=True, editable=False, help_text='The service the key was given to.', max_length=100, null=True),
        ),
        # Between the columns and the constraint: reversed, this one drops the constraint's columns from
        # SQLite's REPLACE guard before the columns themselves are dropped.
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='stockmovement',
        ),
        migrations.AddConstraint(
            model_name='stockmovement',
            constraint=django_basemodels.constraints.PartialUniqueConstraint(condition=models.Q(('idempotency_scope__isnull', False)), fields=('idempotency_scope', 'idempotency_key', 'idempotency_line'), name='django_stock_movement_idempotency_key'),
        ),
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='stockmovement',
        ),
    ]
