"""Discrepancy cases get a stored number that carries their site and year (``DC-ML-KTI-2026-0007``)
instead of one derived from the local row id, so that a case has the same number on every node."""

import django.db.models.deletion
from django.db import migrations, models


def number_existing_cases(apps, schema_editor):
    Discrepancy = apps.get_model("movements", "Discrepancy")
    CaseSequence = apps.get_model("movements", "CaseSequence")
    last: dict[tuple[int, int], int] = {}
    for case in Discrepancy.objects.select_related("site").order_by("created_at", "pk"):
        key = (case.site_id, case.created_at.year)
        last[key] = last.get(key, 0) + 1
        case.number = f"DC-{case.site.code}-{key[1]}-{last[key]:04d}"
        case.save(update_fields=["number"])
    for (site_id, year), n in last.items():
        CaseSequence.objects.create(site_id=site_id, year=year, last=n)


class Migration(migrations.Migration):
    dependencies = [
        ("movements", "0008_destructions"),
        ("sites", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CaseSequence",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField()),
                ("last", models.PositiveIntegerField(default=0)),
                (
                    "site",
                    models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="sites.site"),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("site", "year"), name="casesequence_unique")
                ],
            },
        ),
        migrations.AddField(
            model_name="discrepancy",
            name="number",
            field=models.CharField(default="", max_length=48, verbose_name="number"),
            preserve_default=False,
        ),
        migrations.RunPython(number_existing_cases, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="discrepancy",
            name="number",
            field=models.CharField(max_length=48, unique=True, verbose_name="number"),
        ),
    ]
