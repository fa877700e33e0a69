"""Write the state of the stock to the journal once (see pssm.journal.baseline), so that
`pssm journal verify` can rebuild it from the journal on a node that already held stock."""

from django.db import migrations


def baseline(apps, schema_editor):
    from pssm.journal.baseline import write_baseline

    write_baseline(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("journal", "0003_seals"),
        ("registry", "0009_weapon_uuid"),
        ("ammunition", "0004_qd_review_2026_2"),
    ]
    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
