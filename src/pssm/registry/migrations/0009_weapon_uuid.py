"""Every weapon gets a UUID, its identity in the journal on every node. Existing rows are
given random ones in one statement per database."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    table = apps.get_model("registry", "Weapon")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(f"UPDATE {table} SET uuid = gen_random_uuid() WHERE uuid IS NULL")  # noqa: S608
        else:  # SQLite keeps a UUID as 32 hexadecimal characters
            cursor.execute(
                f"UPDATE {table} SET uuid = lower(hex(randomblob(16))) WHERE uuid IS NULL"  # noqa: S608
            )


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_serial_index_in_unique")]

    operations = [
        migrations.AddField(
            model_name="weapon",
            name="uuid",
            field=models.UUIDField(null=True, editable=False, verbose_name="UUID"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="weapon",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, verbose_name="UUID"),
        ),
    ]
