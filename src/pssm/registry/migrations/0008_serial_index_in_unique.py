"""Serial searches use the unique (normalised serial, type) index, so the separate index on
the normalised serial goes: one index fewer to write per weapon."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0007_drop_serial_keys'),
        ('sites', '0003_plan_lots'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='weapon',
            name='weapon_serial_unique_per_type',
        ),
        migrations.RemoveIndex(
            model_name='weapon',
            name='weapon_serial_norm',
        ),
        migrations.AddConstraint(
            model_name='weapon',
            constraint=models.UniqueConstraint(fields=('serial_norm', 'weapon_type'), name='weapon_serial_unique_per_type'),
        ),
    ]
