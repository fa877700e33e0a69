"""Importing from the web: upload, mapping with a preview, run, report and rejects file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pssm.imports.models import ImportJob
from pssm.registry.models import Weapon
from tests.imports.conftest import MESSY


@pytest.fixture(autouse=True)
def inline_imports(settings, tmp_path):
    settings.PSSM_IMPORTS_INLINE = True
    settings.PSSM_IMPORT_DIR = tmp_path / "imports"


def messy_bytes():
    return b"\r\n".join(text.encode(enc) for text, enc in MESSY) + b"\r\n"


def test_upload_map_and_import(armoury, client):
    client.force_login(armoury.commander)

    uploaded = client.post(
        "/imports/new/",
        {
            "kind": "weapons",
            "site": armoury.site.code,
            "file": SimpleUploadedFile("registre.csv", messy_bytes()),
        },
    )
    job = ImportJob.objects.get()
    page = client.get(f"/imports/{job.pk}/")
    form = {f"col_{i}": v for i, v in job.mapping.items()}
    started = client.post(f"/imports/{job.pk}/", form)
    done = client.get(f"/imports/{job.pk}/")
    rejects = client.get(f"/imports/{job.pk}/rejects/")

    assert uploaded.status_code == 302
    assert job.mapping["0"] == "serial" and job.mapping["1"] == "weapon_type"
    body = page.content.decode()
    assert "AK-470015" in body and "Numéro de série" in body  # preview and field names in French
    assert started.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.imported, job.rejected) == ("done", 4, 6)
    assert Weapon.objects.count() == 4
    assert "impossible" in done.content.decode() or "Année" in done.content.decode()
    content = b"".join(rejects.streaming_content).decode("utf-8-sig")
    assert "G3 77001" in content


def test_two_columns_mapped_to_serial_are_refused_in_the_page(armoury, client):
    client.force_login(armoury.commander)
    client.post(
        "/imports/new/",
        {
            "kind": "weapons",
            "site": armoury.site.code,
            "file": SimpleUploadedFile("r.csv", messy_bytes()),
        },
    )
    job = ImportJob.objects.get()

    resp = client.post(f"/imports/{job.pk}/", {"col_0": "serial", "col_1": "serial"})

    assert resp.status_code == 200
    assert "serial" in resp.content.decode()
    job.refresh_from_db()
    assert job.state == "pending" and not Weapon.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_upload(armoury, client):
    client.force_login(armoury.commander)

    resp = client.post(
        "/imports/new/",
        {
            "kind": "weapons",
            "site": armoury.site.code,
            "file": SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" * 40),
        },
    )

    assert resp.status_code == 400
    assert "CSV" in resp.content.decode()
    assert not ImportJob.objects.exists()


def test_a_storekeeper_has_no_import_page(armoury, client):
    client.force_login(armoury.keeper)

    assert client.get("/imports/new/").status_code == 403
