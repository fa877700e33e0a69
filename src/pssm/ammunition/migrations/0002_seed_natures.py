from django.db import migrations


def seed(apps, schema_editor):
    from pssm.ammunition import catalogue

    catalogue.seed(apps.get_model("ammunition", "Nature"))


class Migration(migrations.Migration):
    dependencies = [("ammunition", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
