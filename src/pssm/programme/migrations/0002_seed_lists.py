from django.db import migrations


def seed(apps, schema_editor):
    from pssm.programme import seeds

    seeds.seed(
        apps.get_model("programme", "ActivityType"),
        apps.get_model("programme", "ActivityFocus"),
        apps.get_model("programme", "Indicator"),
    )


class Migration(migrations.Migration):
    dependencies = [("programme", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
