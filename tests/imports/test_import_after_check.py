"""An import you can finish: a dry run says what would be imported and writes nothing, then
"import now" imports the same upload with the same mapping; values the dry run did not
recognise are mapped once and remembered for the country's next files (page and CLI)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from pssm.imports import mappings, parsing
from pssm.imports.models import ImportJob, ValueMapping
from pssm.journal.models import JournalEntry
from pssm.registry.models import Weapon, WeaponType
from tests.imports.conftest import MESSY
from tests.movements.conftest import Armoury


@pytest.fixture(autouse=True)
def inline_imports(settings, tmp_path):
    settings.PSSM_IMPORTS_INLINE = True
    settings.PSSM_IMPORT_DIR = tmp_path / "imports"


@pytest.fixture
def seg(make):
    return Armoury(make, "SEG")


def _messy():
    return b"\r\n".join(text.encode(enc) for text, enc in MESSY) + b"\r\n"


def _dry_run(armoury, client):
    client.post(
        "/imports/new/",
        {
            "kind": "weapons",
            "site": armoury.site.code,
            "file": SimpleUploadedFile("registre.csv", _messy()),
        },
    )
    job = ImportJob.objects.get()
    form = {f"col_{i}": v for i, v in job.mapping.items()}
    client.post(f"/imports/{job.pk}/", {**form, "dry_run": "on"})
    job.refresh_from_db()
    return job


def test_a_dry_run_says_would_be_imported_and_import_now_imports_the_same_file(
    armoury,
    client,
):
    client.force_login(armoury.commander)

    checked = _dry_run(armoury, client)
    page = client.get(f"/imports/{checked.pk}/").content.decode()
    now = client.post(f"/imports/{checked.pk}/import-now/")

    assert (checked.state, checked.imported, checked.rejected) == ("checked", 4, 6)
    assert "seraient importées" in page and "4 importées" not in page
    assert 'id="import-now"' in page
    real = ImportJob.objects.exclude(pk=checked.pk).get()
    assert now.status_code == 302 and now["Location"] == f"/imports/{real.pk}/"
    assert (real.state, real.imported, real.rejected) == ("done", 4, 6)
    assert real.stored_path == checked.stored_path and real.mapping == checked.mapping
    assert real.options["checked_by"] == checked.pk and not real.options["dry_run"]
    assert Weapon.objects.count() == 4
    checked.refresh_from_db()
    assert checked.state == "checked"  # the dry run stays as it was


def test_import_now_is_refused_for_a_real_import_and_outside_the_site(armoury, seg, client):
    client.force_login(armoury.commander)
    checked = _dry_run(armoury, client)
    client.post(f"/imports/{checked.pk}/import-now/")
    real = ImportJob.objects.exclude(pk=checked.pk).get()

    again = client.post(f"/imports/{real.pk}/import-now/", follow=True)
    client.force_login(seg.commander)
    elsewhere = client.post(f"/imports/{checked.pk}/import-now/")

    assert ImportJob.objects.count() == 2 and Weapon.objects.count() == 4
    assert "dry run" in again.content.decode() or "essai" in again.content.decode()
    assert elsewhere.status_code == 404


def test_unrecognised_values_are_mapped_once_and_remembered_for_the_country(armoury, client):
    client.force_login(armoury.commander)
    checked = _dry_run(armoury, client)
    page = client.get(f"/imports/{checked.pk}/")
    fal = WeaponType.objects.get(make="FN Herstal", model="FAL")

    unknown = dict(page.context["unrecognised"])
    saved = client.post(
        f"/imports/{checked.pk}/values/", {"value_1": "FN FALL", "target_1": str(fal.pk)}
    )
    client.post(f"/imports/{checked.pk}/import-now/")

    assert unknown == {"FN FALL": 1}
    assert saved.status_code == 302
    mapping = ValueMapping.objects.get()
    assert (mapping.country, mapping.value, mapping.target) == (
        armoury.site.organisation.country,
        "FN FALL",
        str(fal.pk),
    )
    assert JournalEntry.objects.filter(kind="import.value_mapped").count() == 1
    assert Weapon.objects.get(serial="FAL-1234").weapon_type == fal  # 5 imported now
    after = client.get(f"/imports/{checked.pk}/").context["unrecognised"]
    assert "FN FALL" not in dict(after)


def test_a_bad_value_mapping_is_refused_and_named(armoury, client):
    client.force_login(armoury.commander)
    checked = _dry_run(armoury, client)

    response = client.post(
        f"/imports/{checked.pk}/values/",
        {"value_1": "FN FALL", "target_1": "no such type"},
        follow=True,
    )

    assert not ValueMapping.objects.exists()
    assert "FN FALL" in response.content.decode() and "no such type" in response.content.decode()


def _kalachnikov_register(path, serials):
    lines = ["N° de série;Type d'arme;Emplacement"] + [f"{s};Kalachnikov;R01" for s in serials]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_cli_map_option_maps_a_value_and_the_next_file_remembers_it(armoury, tmp_path):
    ak47 = WeaponType.objects.get(make="Kalashnikov", model="AK-47")
    first = _kalachnikov_register(tmp_path / "a.csv", ["KA-1", "KA-2"])
    second = _kalachnikov_register(tmp_path / "b.csv", ["KA-3"])
    user = armoury.commander.username

    with pytest.raises(SystemExit):  # without a mapping "Kalachnikov" fits several types
        call_command("import", "weapons", str(first), "--site", "ML-KTI", "--as", user)
    assert not Weapon.objects.exists()
    call_command(
        "import",
        "weapons",
        str(first),
        "--site",
        "ML-KTI",
        "--as",
        user,
        "--map",
        "Type d'arme:Kalachnikov=AK-47",
    )
    call_command("import", "weapons", str(second), "--site", "ML-KTI", "--as", user)

    assert {w.serial: w.weapon_type for w in Weapon.objects.all()} == {
        "KA-1": ak47,
        "KA-2": ak47,
        "KA-3": ak47,
    }


@pytest.mark.parametrize(
    "bad", ["Kalachnikov=AK-47", "Type d'arme:Kalachnikov", "Couleur:rouge=AK-47"]
)
def test_a_malformed_map_option_is_refused_and_nothing_is_imported(armoury, tmp_path, capsys, bad):
    path = _kalachnikov_register(tmp_path / "a.csv", ["KA-1"])

    with pytest.raises(SystemExit):
        call_command(
            "import",
            "weapons",
            str(path),
            "--site",
            "ML-KTI",
            "--as",
            armoury.commander.username,
            "--map",
            bad,
        )

    assert not Weapon.objects.exists() and not ValueMapping.objects.exists()
    err = capsys.readouterr().err
    assert "error [invalid]" in err and "map" in err


def test_a_mapping_names_one_type_and_wins_over_the_catalogue():
    index = parsing.TypeIndex(
        [
            (1, "Kalashnikov AKM", "Kalashnikov", "AKM", ""),
            (2, "Kalashnikov AK-47", "Kalashnikov", "AK-47", ""),
        ],
        overrides={parsing.value_key("Kalachnikov"): 2, parsing.value_key("ghost"): 99},
    )

    assert index.find("KALACHNIKOV") == 2 and index.find("kalach nikov") == 2
    assert index.find("AKM") == 1
    with pytest.raises(parsing.RowError):
        index.find("ghost")  # a mapping to a type that no longer exists is ignored
    assert mappings.parse_map_option("Type d'arme:Kalachnikov=AK-47") == (
        "weapon_type",
        "Kalachnikov",
        "AK-47",
    )


def test_the_import_list_filters_by_state_and_sorts(armoury, client):
    client.force_login(armoury.commander)
    checked = _dry_run(armoury, client)
    client.post(f"/imports/{checked.pk}/import-now/")

    dry = client.get("/imports/", {"state": "checked"})
    newest_first = client.get("/imports/")
    bad = client.get("/imports/", {"kind": "bombs"})

    assert [j.pk for j in (r.record for r in dry.context["table"].page)] == [checked.pk]
    assert [r.record.pk for r in newest_first.context["table"].page][-1] == checked.pk
    assert "kind" in bad.context["table"].filter.form.errors
