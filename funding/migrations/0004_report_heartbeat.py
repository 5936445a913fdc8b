# The reports' heartbeat. Numbered 0004 and placed after 0002 on purpose: 0003 (the figures) is
# being written on another branch; whoever merges second renumbers this one after it.
from __future__ import annotations

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_continuity_figures")]

    operations = [
        migrations.AddField(
            model_name="continuityreport",
            name="heartbeat_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="continuityreport",
            name="requeues",
            field=models.PositiveSmallIntegerField(default=0),
        ),
    ]
