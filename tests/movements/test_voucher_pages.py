"""Vouchers through the web pages: a storekeeper prepares, a commander approves."""

import io
import re

from django.urls import reverse
from openpyxl import load_workbook

from pssm.movements.models import Voucher
from pssm.registry.models import Weapon


def test_receipt_voucher_from_draft_to_posted_in_the_ui(kti, client):
    client.force_login(kti.keeper)
    start = client.get(
        reverse("movements:voucher_create"), {"site": kti.site.code, "kind": "receipt"}
    )
    created = client.post(
        reverse("movements:voucher_create") + f"?site={kti.site.code}&kind=receipt",
        {"reason": "acquisition", "location": kti.rack.pk},
    )
    voucher = Voucher.objects.get()
    added = client.post(
        reverse("movements:voucher_line_add", args=[voucher.pk]),
        {"serial": "AK-7001", "weapon_type": kti.ak.pk, "year_of_manufacture": "1979"},
    )
    missing_type = client.post(
        reverse("movements:voucher_line_add", args=[voucher.pk]), {"serial": "AK-7002"}
    )
    client.post(reverse("movements:voucher_submit", args=[voucher.pk]))
    resubmit = client.post(reverse("movements:voucher_submit", args=[voucher.pk]), follow=True)
    client.force_login(kti.commander)
    detail = client.get(reverse("movements:voucher_detail", args=[voucher.pk]))
    approved = client.post(reverse("movements:voucher_approve", args=[voucher.pk]), follow=True)

    assert start.status_code == 200 and "Emplacement de stockage" in start.content.decode()
    assert created.status_code == 302 and added.status_code == 302
    assert missing_type.status_code == 400
    assert "Choisissez le type" in missing_type.content.decode()
    assert "déjà" in resubmit.content.decode() or "soumis" in resubmit.content.decode()
    assert 'id="approve-voucher"' in detail.content.decode()
    assert approved.status_code == 200
    voucher.refresh_from_db()
    assert voucher.state == "posted"
    assert Weapon.objects.get(serial="AK-7001").year_of_manufacture == 1979


def test_voucher_pdf_has_the_number_and_a_qr_code(kti, client):
    voucher = kti.receive("AK-0001")
    client.force_login(kti.keeper)

    resp = client.get(reverse("movements:voucher_pdf", args=[voucher.pk]))

    body = resp.content
    assert resp["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
    assert b"/Subtype /Image" in body


def test_weapon_list_exports_csv_and_xlsx_of_the_filtered_list(kti, client):
    kti.receive("AK-0001", "AK-0002", "MAT-1")
    client.force_login(kti.keeper)
    url = reverse("registry:weapon_list")

    csv_text = b"".join(
        client.get(url, {"serial": "AK-0001", "format": "csv"}).streaming_content
    ).decode("utf-8-sig")
    xlsx = client.get(url, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    client.post(reverse("accounts:language"), {"language": "en", "next": url})
    english = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")

    # French: semicolons, translated headers and statuses in words, never codes.
    assert csv_text.splitlines()[0].startswith("Numéro de série;Type d'arme;Catégorie;Statut;Site")
    assert "AK-0001" in csv_text and "MAT-1" not in csv_text
    assert "in_store" not in csv_text and ";En magasin;" in csv_text
    assert sheet.max_row == 4 and sheet["A1"].value == "Numéro de série"
    assert english.splitlines()[0].startswith("Serial number,Weapon type,Category,Status,Site")


def test_weapon_page_shows_the_history(kti, client):
    kti.receive("AK-0001")
    kti.post("issue", ["AK-0001"], custodian_unit="Section 1")
    client.force_login(kti.keeper)
    weapon = Weapon.objects.get(serial="AK-0001")

    html = client.get(reverse("registry:weapon_detail", args=[weapon.pk])).content.decode()

    assert html.count("ML-KTI/") >= 2 and "Section 1" in html


def test_serial_search_page_lists_best_matches_first(kti, client):
    kti.receive("AK470016", "AK470015")
    client.force_login(kti.keeper)

    url = reverse("registry:weapon_list")
    page = _listed(client.get(url, {"serial": "AK470015"}))
    similar = client.get(url, {"serial": "AK470015", "near": "1"})
    mistyped = _listed(client.get(url, {"serial": "AK470019"}))

    assert [(w.serial, w.match.value) for w in page] == [("AK470015", "exact")]
    assert [(w.serial, w.match.value) for w in _listed(similar)] == [
        ("AK470015", "exact"),
        ("AK470016", "near"),
    ]
    assert re.search(r'<input type="checkbox" name="near"[^>]* checked', similar.content.decode())
    assert [(w.serial, w.match.value) for w in mistyped] == [
        ("AK470015", "near"),
        ("AK470016", "near"),
    ]


def test_an_inspector_reads_an_open_voucher_without_its_approval_check(kti, make, client):
    from pssm.movements import services

    voucher = services.voucher_create(
        actor=kti.keeper, site=kti.site, kind="receipt", reason="acquisition", location=kti.rack
    )
    services.voucher_line_add(actor=kti.keeper, voucher=voucher, serial="AK-9", weapon_type=kti.ak)
    services.voucher_submit(actor=kti.keeper, voucher=voucher)
    inspector = make.user("inspector", kti.site.organisation.country, username="insp-v")
    client.force_login(inspector)

    page = client.get(reverse("movements:voucher_detail", args=[voucher.pk]))

    assert page.status_code == 200 and "AK-9" in page.content.decode()
    assert page.context["check"] is None and 'id="approve-voucher"' not in page.content.decode()


def _listed(response):
    """The weapons of the page's table, in their order."""
    return [row.record for row in response.context["table"].page]
