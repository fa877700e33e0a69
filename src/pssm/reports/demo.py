"""Demonstration data of tracing and national reporting (Mali): two receipts from abroad with
their transfer documents and a scanned licence, an export of four rifles to Niger with its
documents, a loss report with its police reference, two
trace requests (one answered from the registry, one overdue) and one report of each kind for
the current year, the stock report signed off by the national authority. Safe to re-run."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pssm.accounts.models import User
from pssm.movements import services as mv
from pssm.registry.models import Weapon, WeaponType
from pssm.sites.models import Country, Site, StorageLocation
from pssm.tracing import services as tracing
from pssm.tracing.models import TraceRequest, TransferDocument

from . import services
from .figures import KINDS
from .models import Report

SITE = "ML-KTI"


def _scan_pdf(title: str) -> bytes:
    from fpdf import FPDF

    doc = FPDF(format="A4")
    doc.add_page()
    doc.set_font("Helvetica", "B", 14)
    doc.cell(0, 10, title)
    return bytes(doc.output())


def _receipt(keeper, commander, site, rack, weapon_type, serials, marked, **documents):
    voucher = mv.voucher_create(
        actor=keeper,
        site=site,
        kind="receipt",
        reason="acquisition",
        location=rack,
        notes="Livraison de l'étranger (données de démonstration)",
        **documents,
    )
    today = timezone.localdate()
    details = {"country_of_manufacture": weapon_type.country_of_manufacture}
    if marked:
        details.update({"import_country": "ML", "import_year": today.year})
    mv.voucher_lines_add(
        actor=keeper,
        voucher=voucher,
        items=[{"serial": s, "weapon_type": weapon_type, "details": details} for s in serials],
    )
    mv.voucher_submit(actor=keeper, voucher=voucher)
    return mv.voucher_approve(actor=commander, voucher=voucher)


def load(password: str = "") -> dict:
    created = {"transfer documents": 0, "trace requests": 0, "reports": 0}
    site = Site.objects.filter(code=SITE).first()
    if site is None or TransferDocument.objects.filter(voucher__site=site).exists():
        return created
    keeper = User.objects.get(username="magasinier")
    commander = User.objects.get(username="commandant")
    authority = User.objects.get(username="autorite")
    country = Country.objects.get(code="ML")
    rack = StorageLocation.objects.filter(building__site=site, is_active=True).first()
    today = timezone.localdate()
    rifle = WeaponType.objects.filter(category="assault_rifle").order_by("pk").first()
    pistol = WeaponType.objects.filter(category="pistol").order_by("pk").first()
    arrived = today - timedelta(days=60)

    first = _receipt(
        keeper,
        commander,
        site,
        rack,
        rifle,
        [f"IMP26-{n:04d}" for n in range(1, 21)],
        True,
        importer="Direction du matériel des armées",
        import_date=arrived,
        exporting_state="RS",
        import_licence="ML-LIC-2026-014",
        end_user_certificate="CUF-ML-2026-0031",
    )
    document = tracing.transfer_document_save(
        actor=keeper,
        voucher=first,
        exporter="Exportateur agréé (démonstration)",
        carrier="Fret aérien, vol cargo du " + (arrived - timedelta(days=2)).isoformat(),
        shipped_on=arrived - timedelta(days=2),
        arrived_on=arrived,
    )
    tracing.transfer_attachment_add(
        actor=keeper,
        document=document,
        upload=SimpleUploadedFile(
            "licence-ML-LIC-2026-014.pdf",
            _scan_pdf("Licence d'importation ML-LIC-2026-014"),
            content_type="application/pdf",
        ),
        caption="Licence d'importation",
    )
    second = _receipt(
        keeper,
        commander,
        site,
        rack,
        pistol,
        [f"PA26-{n:03d}" for n in range(1, 7)],
        False,
        importer="Police nationale",
        import_date=today - timedelta(days=30),
        exporting_state="FR",
        import_licence="ML-LIC-2026-022",
        end_user_certificate="CUF-ML-2026-0044",
    )
    tracing.transfer_document_save(
        actor=keeper,
        voucher=second,
        exporter="Fournisseur agréé (démonstration)",
        carrier="Transitaire routier Dakar-Bamako",
        arrived_on=today - timedelta(days=30),
    )
    created["transfer documents"] += 2

    # A weapon reported lost, with the gendarmerie report reference.
    in_store = Weapon.objects.filter(site=site, status="in_store", on_hold=False).order_by("serial")
    lost = in_store.exclude(serial__startswith="IMP26").first()
    if lost is not None:
        loss = mv.voucher_create(
            actor=keeper,
            site=site,
            kind="loss",
            reason="lost",
            police_report="PV-GEND-KTI-2026-117",
            notes="Arme égarée lors d'un exercice (données de démonstration)",
        )
        mv.voucher_line_add(actor=keeper, voucher=loss, serial=lost.serial)
        mv.voucher_submit(actor=keeper, voucher=loss)
        mv.voucher_approve(actor=commander, voucher=loss)

    # A dispatch abroad: four rifles handed over to a neighbouring state's armed forces under
    # an export licence, approved by the national authority (above the site).
    given = list(
        in_store.exclude(serial__startswith="IMP26")
        .exclude(pk=getattr(lost, "pk", None))
        .filter(weapon_type__category="assault_rifle")[:4]
    )
    if given:
        export = mv.voucher_create(
            actor=keeper,
            site=site,
            kind="export",
            importing_state="NE",
            export_licence="ML-EXP-2026-003",
            end_user_certificate="CUF-NE-2026-0012",
            importer="Forces armées nigériennes",
            order_reference="Décision de cession n° 2026-041",
            notes="Cession d'armes en service (données de démonstration)",
        )
        mv.voucher_lines_add(
            actor=keeper, voucher=export, items=[{"serial": w.serial} for w in given]
        )
        mv.voucher_submit(actor=keeper, voucher=export)
        mv.voucher_approve(actor=authority, voucher=export)
        tracing.transfer_document_save(
            actor=keeper,
            voucher=export,
            exporter="Ministère de la Défense du Mali",
            carrier="Convoi militaire Gao-Niamey",
            shipped_on=today - timedelta(days=10),
            arrived_on=today - timedelta(days=8),
        )
        created["transfer documents"] += 1

    # Two trace requests: one answered from the registry, one overdue.
    asked = Weapon.objects.filter(serial="IMP26-0007").select_related("weapon_type").first()
    answered = tracing.trace_request_create(
        actor=authority,
        country=country,
        direction="received",
        requester_kind="interpol",
        counterpart="INTERPOL, BCN de Niamey",
        counterpart_reference="NCB-NE-2026-88",
        make=asked.weapon_type.make,
        model=asked.weapon_type.model,
        calibre=asked.weapon_type.calibre,
        serial="IMP26-OOO7",  # read with letters O for zeros, as often on a report
        received_on=today - timedelta(days=20),
        deadline=today + timedelta(days=10),
    )
    tracing.trace_request_answer(
        actor=authority,
        request=answered,
        outcome=TraceRequest.Outcome.IDENTIFIED,
        weapon=asked,
        answer=(
            "L'arme est enregistrée au registre national, détenue par le camp de Kati ; "
            "importée en " + str(today.year) + " sous licence ML-LIC-2026-014."
        ),
    )
    tracing.trace_request_create(
        actor=authority,
        country=country,
        direction="received",
        requester_kind="un_panel",
        counterpart="Groupe d'experts des Nations unies",
        counterpart_reference="S/AC.2026/PE/14",
        make="Kalashnikov",
        model="AKM",
        calibre="7.62x39 mm",
        serial="KT 40417",
        received_on=today - timedelta(days=75),
        deadline=today - timedelta(days=15),
    )
    created["trace requests"] += 2

    for kind in KINDS:
        if Report.objects.filter(country=country, kind=kind).exists():
            continue
        report = services.report_generate(
            actor=authority,
            kind=kind,
            country=country,
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
            language="fr",
        )
        created["reports"] += 1
        if kind == "stock":
            services.report_sign(actor=authority, report=report, note="Rapport annuel validé.")
    return created
