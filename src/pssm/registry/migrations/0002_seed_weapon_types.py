from django.db import migrations


def seed(apps, schema_editor):
    from pssm.registry.catalogue import seed as do_seed

    do_seed(apps.get_model("registry", "WeaponType"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
