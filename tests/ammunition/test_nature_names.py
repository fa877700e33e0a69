"""A nature is named in the user's language (ADR 0031): French-speaking users read the French
nomenclature on the pages, the PDFs and the exports; English-speaking users the English one."""

from pssm.ammunition import catalogue
from pssm.ammunition import services as ammo
from pssm.ammunition.models import Nature
from tests.movements.test_destruction import _pdf_text

FR = "Obus de mortier 82 mm O-832D explosif (sans fusée)"
EN = "Mortar bomb 82 mm O-832D HE (unfuzed)"


def test_the_seeded_natures_have_their_french_name(db):
    natures = {n.code: n for n in Nature.objects.filter(code__in=catalogue.NAMES_FR)}

    assert len(natures) == len(catalogue.NATURES) == len(catalogue.NAMES_FR)
    assert natures["CTG-762X39-BALL"].nomenclature_fr == "Cartouche 7,62 × 39 mm ordinaire"
    assert natures["MORT-82-HE"].nomenclature == EN
    assert natures["MORT-82-HE"].nomenclature_fr == FR


def test_a_french_user_reads_the_french_name_on_the_lot_list_voucher_and_pdf(depot, client, make):
    voucher = depot.receive("M82-FR", 40, "MORT-82-HE")
    reader = make.user("national_authority", depot.country, language="fr")
    client.force_login(reader)

    lots = client.get("/ammunition/lots/").content.decode()
    page = client.get(f"/movements/vouchers/{voucher.pk}/").content.decode()
    pdf = _pdf_text(client.get(f"/movements/vouchers/{voucher.pk}/pdf/").content)
    csv = b"".join(client.get("/ammunition/lots/?format=csv").streaming_content).decode()

    assert FR in lots and EN not in lots
    assert FR in page and EN not in page
    assert "Obus de mortier 82 mm" in pdf and "Mortar bomb" not in pdf
    assert FR in csv


def test_an_english_user_reads_the_english_name(depot, client, make):
    voucher = depot.receive("M82-EN", 40, "MORT-82-HE")
    reader = make.user("national_authority", depot.country, language="en")
    client.force_login(reader)

    lots = client.get("/ammunition/lots/").content.decode()
    page = client.get(f"/movements/vouchers/{voucher.pk}/").content.decode()
    pdf = _pdf_text(client.get(f"/movements/vouchers/{voucher.pk}/pdf/").content)

    assert EN in lots and FR not in lots
    assert EN in page and FR not in page
    assert "Mortar bomb 82 mm" in pdf and "Obus de mortier" not in pdf


def test_a_nature_without_french_name_shows_its_english_one_to_french_users(depot, client):
    nature = ammo.nature_create(
        actor=depot.technician,
        code="TEST-EN-ONLY",
        nomenclature="Test round, inert",
        hazard_code="1.4S",
        neq_kg_per_unit="0.001",
    )
    named = ammo.nature_create(
        actor=depot.technician,
        code="TEST-BOTH",
        nomenclature="Test cartridge",
        nomenclature_fr="  Cartouche d'essai ",
        hazard_code="1.4S",
        neq_kg_per_unit="0.001",
    )
    client.force_login(depot.technician)

    listing = client.get("/ammunition/natures/?q=TEST").content.decode()

    assert named.nomenclature_fr == "Cartouche d'essai"
    assert "Test round, inert" in listing and "Cartouche d&#x27;essai" in listing
    assert nature.nomenclature_fr == "" and "Test cartridge" not in listing
