"""The serial keys table keyed by (key, weapon): one index instead of four. The keys are
derived data, so the table is recreated and rebuilt from the weapons' normalised serials."""

import django.db.models.deletion
from django.db import migrations, models


def deletion_keys(norm):
    """The keys of that time: the serial and each form with one character removed."""
    return {norm, *(norm[:i] + norm[i + 1 :] for i in range(len(norm)))} - {""}


def rebuild_keys(apps, schema_editor):
    Weapon = apps.get_model("registry", "Weapon")
    SerialKey = apps.get_model("registry", "SerialKey")
    batch = []
    for pk, norm in Weapon.objects.order_by("pk").values_list("pk", "serial_norm").iterator(
        chunk_size=5000
    ):
        batch.extend(SerialKey(key=key, weapon_id=pk) for key in deletion_keys(norm))
        if len(batch) >= 20000:
            SerialKey.objects.bulk_create(batch)
            batch = []
    SerialKey.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_leaner_weapon_indexes"),
    ]

    operations = [
        migrations.DeleteModel(name="SerialKey"),
        migrations.CreateModel(
            name="SerialKey",
            fields=[
                ("pk", models.CompositePrimaryKey("key", "weapon", blank=True, editable=False, primary_key=True, serialize=False)),
                ("key", models.CharField(max_length=64)),
                (
                    "weapon",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="serial_keys",
                        to="registry.weapon",
                    ),
                ),
            ],
        ),
        migrations.RunPython(rebuild_keys, migrations.RunPython.noop),
    ]
