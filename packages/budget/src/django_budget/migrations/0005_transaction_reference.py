"""Budget transactions name what caused them: a generic ``reference`` (an obligation, an invoice, a deal)."""


import django.db.models.deletion
import django_basemodels.fields
import django_basemodels.guarantees.operations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('django_budget', '0004_budget_org'),
        ('django_decisioning', '0002_guarantees'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='budgettransaction',
        ),
        migrations.AddField(
            model_name='budgettransaction',
            name='reference_id',
            field=django_basemodels.fields.ObjectIdField(blank=True, db_default='', default='', editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name='budgettransaction',
            name='reference_type',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AddIndex(
            model_name='budgettransaction',
            index=models.Index(fields=['reference_type', 'reference_id'], name='django_budget_tx_reference'),
        ),
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='budgettransaction',
        ),
    ]
