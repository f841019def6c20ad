"""Invoices belong to an organization: the number is unique per organization (existing rows get "", no organization)."""

import django_basemodels.tenancy
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="invoice",
            name="org_key",
            field=django_basemodels.tenancy.OrgKeyField(
                blank=True,
                default="",
                help_text='"" for no organization, else "<app_label>.<model>:<pk>" or a caller\'s key.',
                max_length=255,
            ),
        ),
        migrations.AlterField(
            model_name="invoice",
            name="number",
            field=models.CharField(max_length=50),
        ),
        migrations.AddConstraint(
            model_name="invoice",
            constraint=models.UniqueConstraint(fields=("org_key", "number"), name="clinic_invoice_number_per_org"),
        ),
    ]
