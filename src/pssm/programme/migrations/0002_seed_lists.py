from django.db import migrations


def seed(apps, schema_editor):
    from pssm.programme import seeds

    for model, rows in (("ActivityType", seeds.ACTIVITY_TYPES), ("ActivityFocus", seeds.ACTIVITY_FOCUSES)):
        klass = apps.get_model("programme", model)
        for order, (code, en, fr) in enumerate(rows):
            klass.objects.get_or_create(
                code=code, defaults={"label_en": en, "label_fr": fr, "order": order}
            )
    Indicator = apps.get_model("programme", "Indicator")
    for order, row in enumerate(seeds.INDICATORS):
        code, measure, name_en, name_fr, def_en, def_fr, num_en, num_fr, den_en, den_fr, src = row
        Indicator.objects.get_or_create(
            code=code,
            defaults={
                "order": order,
                "measure": measure,
                "name_en": name_en,
                "name_fr": name_fr,
                "definition_en": def_en,
                "definition_fr": def_fr,
                "numerator_en": num_en,
                "numerator_fr": num_fr,
                "denominator_en": den_en,
                "denominator_fr": den_fr,
                "source": src,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("programme", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
