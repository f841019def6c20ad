"""Every work session gets its two times as a fact: ``effective_at`` (its business time, which is its start)
and ``recorded_at`` (when the server recorded it), and ``stop_recorded_at`` (when the server recorded its stop).

Existing sessions were all started and stopped at the server's time and recorded then, so ``effective_at`` and
``recorded_at`` take the row's ``started_at``, and ``stop_recorded_at`` its ``stopped_at`` (``NULL`` while running). Filling them updates stopped sessions, which ``stopped_is_final`` refuses: that guarantee is
dropped for the fill and installed again (unchanged) after it; ``identity_frozen`` comes back with the two new
columns frozen too. SQLite rebuilds the table for the NOT NULL columns and the new constraint, so every
guarantee is installed again around the change.
"""

import django_basemodels.guarantees
import django_basemodels.guarantees.operations
import django_decisioning.fields
from django.db import migrations, models

STOPPED_IS_FINAL = django_basemodels.guarantees.ImmutableWhen(
    'OLD.stopped_at IS NOT NULL',
    deletable=True,
    message='django_worklog_worksession: a stopped work session never changes',
    name='stopped_is_final',
)


def fill_from_the_recorded_times(apps, schema_editor):
    WorkSession = apps.get_model('django_worklog', 'WorkSession')
    sessions = WorkSession._base_manager.using(schema_editor.connection.alias)
    sessions.update(effective_at=models.F('started_at'), recorded_at=models.F('started_at'))
    sessions.filter(stopped_at__isnull=False).update(stop_recorded_at=models.F('stopped_at'))
    if schema_editor.connection.vendor == 'postgresql':
        # Run the deferred foreign key checks of these updates now: PostgreSQL refuses the ALTER TABLE below
        # while trigger events are pending in the transaction. DEFERRED restores the default.
        schema_editor.execute('SET CONSTRAINTS ALL IMMEDIATE')
        schema_editor.execute('SET CONSTRAINTS ALL DEFERRED')


class Migration(migrations.Migration):

    dependencies = [
        ('django_worklog', '0002_guarantees'),
    ]

    operations = [
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='worksession',
        ),
        django_basemodels.guarantees.operations.RemoveGuarantee(
            model_name='worksession',
            name='identity_frozen',
        ),
        django_basemodels.guarantees.operations.RemoveGuarantee(
            model_name='worksession',
            name='stopped_is_final',
        ),
        migrations.AddField(
            model_name='worksession',
            name='effective_at',
            field=models.DateTimeField(db_index=True, editable=False, null=True, help_text='Business time of the session: its start (equal to started_at).'),
        ),
        migrations.AddField(
            model_name='worksession',
            name='recorded_at',
            field=django_decisioning.fields.RecordedAtField(db_index=True, editable=False, null=True, help_text="When the server recorded the start; never the caller's value."),
        ),
        migrations.AddField(
            model_name='worksession',
            name='stop_recorded_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the server recorded the stop; None while running.', null=True),
        ),
        migrations.RunPython(fill_from_the_recorded_times, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name='worksession',
            name='effective_at',
            field=models.DateTimeField(db_index=True, editable=False, help_text='Business time of the session: its start (equal to started_at).'),
        ),
        migrations.AlterField(
            model_name='worksession',
            name='recorded_at',
            field=django_decisioning.fields.RecordedAtField(db_index=True, editable=False, help_text="When the server recorded the start; never the caller's value."),
        ),
        migrations.AddConstraint(
            model_name='worksession',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('stop_recorded_at__isnull', True), ('stopped_at__isnull', True)), models.Q(('stop_recorded_at__isnull', False), ('stopped_at__isnull', False)), _connector='OR'), name='django_worklog_stop_recorded_when_stopped', violation_error_message='stop_recorded_at is set exactly when the session is stopped.'),
        ),
        migrations.AddConstraint(
            model_name='worksession',
            constraint=models.CheckConstraint(condition=models.Q(('effective_at', models.F('started_at'))), name='django_worklog_effective_at_is_start', violation_error_message='The effective_at of a work session is its start: it equals started_at.'),
        ),
        django_basemodels.guarantees.operations.AddGuarantee(
            model_name='worksession',
            guarantee=STOPPED_IS_FINAL,
        ),
        django_basemodels.guarantees.operations.AddGuarantee(
            model_name='worksession',
            guarantee=django_basemodels.guarantees.FrozenColumns('id', 'user_id', 'context_type_id', 'context_id', 'started_at', 'effective_at', 'recorded_at', message='django_worklog_worksession: the user, context, start and recorded time of a work session never change', name='identity_frozen'),
        ),
        django_basemodels.guarantees.operations.ReinstallGuarantees(
            model_name='worksession',
        ),
    ]
