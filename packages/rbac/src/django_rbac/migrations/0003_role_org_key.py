"""Role slugs become unique per organization: ``Role.org_key`` ("" for every existing role: no organization),
and the constraint ``(org_key, slug)`` in place of ``unique=True`` on the slug.

Existing roles all get ``""``, so the new constraint holds for them exactly as the old one did. Backwards,
the slug is unique database-wide again: that is refused, before anything changes, while two organizations
hold the same slug.
"""

import django_basemodels.fields
import django_basemodels.tenancy
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("django_rbac", "0002_rename_decision_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="role",
            name="org_key",
            field=django_basemodels.tenancy.OrgKeyField(
                blank=True,
                default="",
                help_text='"" for no organization, else "<app_label>.<model>:<pk>" or a caller\'s key.',
                max_length=255,
            ),
        ),
        # The new constraint before the old one goes: backwards, restoring the unique slug comes first, so a
        # reversal refused for two organizations sharing a slug changes nothing (MariaDB/MySQL roll no DDL back).
        migrations.AddConstraint(
            model_name="role",
            constraint=models.UniqueConstraint(fields=("org_key", "slug"), name="django_rbac_role_slug_per_org"),
        ),
        migrations.AlterField(
            model_name="role",
            name="slug",
            field=django_basemodels.fields.CaseSensitiveSlugField(db_index=False, max_length=100),
        ),
    ]
