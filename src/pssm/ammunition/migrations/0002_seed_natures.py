from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):
    from pssm.ammunition.catalogue import NATURES, SOURCE

    Nature = apps.get_model("ammunition", "Nature")
    for code, nom, cal, un, hcc, neq, pack, per, life, insp in NATURES:
        Nature.objects.get_or_create(
            code=code,
            defaults=dict(
                nomenclature=nom,
                calibre=cal,
                un_number=un,
                hazard_code=hcc,
                neq_kg_per_unit=Decimal(neq),
                packaging=pack,
                units_per_package=per,
                shelf_life_years=life,
                inspection_interval_months=insp,
                provisional=True,
                source=SOURCE,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("ammunition", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
