"""The serial key table goes: near matches are looked up in the index on the normalised serial."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0006_leaner_indexes'),
    ]

    operations = [
        migrations.DeleteModel(
            name='SerialKey',
        ),
    ]
