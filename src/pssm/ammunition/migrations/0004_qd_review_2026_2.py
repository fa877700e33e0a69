"""Re-evaluate every site plan under the 2026.2 quantity-distance rules (HD 1.2 and HD 1.3
distances corrected to IATG 02.20 V3 Annexes H and L) and record the storehouses now in
breach, with what they needed under the former edition."""

from django.db import migrations


def review(apps, schema_editor):
    from pssm.ammunition.review import qd_review

    qd_review(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("ammunition", "0003_round_neq_and_qd_review"),
        ("journal", "0002_append_only_triggers"),
        ("sites", "0003_plan_lots"),
    ]
    operations = [migrations.RunPython(review, migrations.RunPython.noop)]
