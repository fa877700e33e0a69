"""Demonstration ammunition depot: the Kati central depot with its site plan, exposed sites,
explosives limit licences, real lots received through vouchers, a quantity-distance waiver
that explains a deliberate violation, and an incompatible receipt that approval refuses.

Everything goes through the real services. If the depot already has lots, nothing is added.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pssm.accounts.models import User
from pssm.ammunition import services as ammo
from pssm.ammunition.models import ExposedSite, Licence, LotBalance, Nature
from pssm.ammunition.review import qd_review
from pssm.ammunition.surveillance import lot_inspection_record
from pssm.ammunition.suspensions import lot_suspend
from pssm.domain.errors import PssmError
from pssm.movements import services as mv
from pssm.sites import services as site_services
from pssm.sites.models import Building, Site, StorageLocation

SITE = "ML-KTI"
# building part -> plan x, y (m east / north of the depot gate), barricaded
PLAN = {
    "ESH01": ("0", "300", False),
    "ESH02": ("120", "300", False),
    "ESH03": ("0", "460", False),
    "ESH04": ("600", "700", False),
    "PB01": ("60", "120", False),
}
# code, name, relationship, x, y
EXPOSED = [
    ("VIL01", "Quartier de Sananfara (habitations)", "inhabited_building", "-360", "180"),
    ("ECO01", "École fondamentale de Kati-Malibougou", "vulnerable_building", "700", "900"),
    ("RN3", "Route nationale 3 (Bamako–Kati)", "public_traffic_route", "-300", "-20"),
    ("CLOS", "Clôture sud du dépôt", "site_boundary", "60", "-40"),
]
# building part -> licence number, limits per HD (kg), permitted groups
LICENCES = {
    "ESH01": (
        "ML-ELL-2026-001",
        {"1.1": "2000", "1.2": "2000", "1.3": "1000", "1.4": "20000"},
        "CDEGS",
    ),
    "ESH02": ("ML-ELL-2026-002", {"1.1": "1500", "1.4": "5000"}, "BDS"),
    "ESH03": ("ML-ELL-2026-003", {"1.2": "500", "1.4": "20000"}, "CES"),
    "ESH04": ("ML-ELL-2026-004", {"1.3": "25000", "1.4": "5000"}, "CGS"),
}
# Propelling charges for the D-30 howitzers: 10 t NEQ of HD 1.3 in storehouse 4. Under the
# former 3.2·Q^(1/3) the hamlet surveyed 114 m away was far enough (70 m); under the corrected
# IATG 02.20 distance 6.4·Q^(1/3) it needs 139 m, so the review flags the storehouse.
PROPELLANT = (
    "CHG-122-D30-FULL",
    "Propelling charge 122 mm D-30, full (single-base powder)",
    "Charge propulsive 122 mm D-30, complète (poudre simple base)",
    "122 mm",
    "0242",
    "1.3C",
    "3.6",
)
HAMLET = ("KOKO", "Hameau de Kôkô (cases)", "inhabited_building", "690", "770")
# voucher: location part, [(lot number, nature, quantity, manufacturer, year, condition)]
RECEIPTS = [
    (
        "ESH01-S01",
        [
            ("MMP19C012-004", "CTG-762X39-BALL", 264000, "Norinco", 2019, "A"),
            ("PR17F003-011", "RKT-PG7V", 400, "Arsenal", 2017, "A"),
        ],
    ),
    ("ESH01-S02", [("EX16B020-002", "MORT-82-HE", 600, "Explosia", 2016, "C")]),
    ("ESH04-S01", [("PR14E007-002", "CHG-122-D30-FULL", 2800, "Arsenal", 2014, "A")]),
    (
        "ESH02-S01",
        [
            ("TNT2015/118", "CHG-DEMO-TNT-400", 500, "Nitro-Chem", 2015, "A"),
            ("F1-1988-MAS-07", "GREN-HAND-F1", 1000, "", 1988, "A"),
        ],
    ),
    (
        "ESH03-B01",
        [
            ("YU12K044-017", "CTG-127X108-API", 8000, "Yugoimport", 2012, "A"),
            ("YU11H021-003", "CTG-145X114-API", 2400, "Yugoimport", 2011, "B"),
        ],
    ),
]


def _loc(code: str) -> StorageLocation:
    return StorageLocation.objects.get(code=f"{SITE}-{code}")


def _exposed_site(technician, site, row) -> None:
    code, name, rel, x, y = row
    if not ExposedSite.objects.filter(code=f"{SITE}-{code}").exists():
        ammo.exposed_site_create(
            actor=technician,
            site=site,
            code=code,
            name=name,
            relationship=rel,
            plan_x_m=Decimal(x),
            plan_y_m=Decimal(y),
        )


def load(password: str) -> dict:
    site = Site.objects.select_related("organisation__country").get(code=SITE)
    if LotBalance.objects.filter(site=site).exists():
        return {"lots": 0}
    keeper = User.objects.get(username="magasinier")
    commander = User.objects.get(username="commandant")
    technician = User.objects.get(username="technicien")
    authority = User.objects.get(username="autorite")
    for part, (x, y, barricaded) in PLAN.items():
        building = Building.objects.get(code=f"{SITE}-{part}")
        if building.plan_x_m is None:
            site_services.building_update(
                actor=technician,
                building=building,
                plan_x_m=Decimal(x),
                plan_y_m=Decimal(y),
                barricaded=barricaded,
            )
    for exposed in EXPOSED:
        _exposed_site(technician, site, exposed)
    today = date.today()
    for part, (number, limits, groups) in LICENCES.items():
        if not Licence.objects.filter(number=number).exists():
            ammo.licence_issue(
                actor=authority,
                building=Building.objects.get(code=f"{SITE}-{part}"),
                number=number,
                limits_kg=limits,
                permitted_groups=groups,
                issued_date=today - timedelta(days=60),
                review_date=today + timedelta(days=305),
                authority="Direction du Matériel, des Hydrocarbures et du Transport des Armées",
                conditions="Stockage sur palettes, allées dégagées, interdiction de fumer.",
            )
    # The village lies closer to storehouse 1 than the inhabited-building distance of its
    # HD 1.1 stock: the technician records a time-limited waiver while the stock is reduced.
    ammo.waiver_grant(
        actor=technician,
        building=Building.objects.get(code=f"{SITE}-ESH01"),
        rule="qd",
        justification=(
            "Habitations de Sananfara à 380 m environ : réduction du stock 1.1 (roquettes "
            "PG-7V) vers le dépôt de Ségou programmée ; accès restreint côté ouest."
        ),
        valid_until=timezone.now() + timedelta(days=90),
    )
    if not Nature.objects.filter(code=PROPELLANT[0]).exists():
        code, nomenclature, nomenclature_fr, calibre, un, hcc, neq = PROPELLANT
        ammo.nature_create(
            actor=User.objects.get(username="admin"),
            code=code,
            nomenclature=nomenclature,
            nomenclature_fr=nomenclature_fr,
            calibre=calibre,
            un_number=un,
            hazard_code=hcc,
            neq_kg_per_unit=neq,
            neq_kg_per_round="0",
            packaging="Container métallique",
            units_per_package=1,
        )
    natures = {n.code: n for n in Nature.objects.all()}
    lots = 0
    for location, items in RECEIPTS:
        v = mv.voucher_create(
            actor=keeper, site=site, kind="receipt", reason="acquisition", location=_loc(location)
        )
        for lot_number, nature, qty, maker, year, condition in items:
            mv.voucher_lot_line_add(
                actor=keeper,
                voucher=v,
                lot_number=lot_number,
                quantity=qty,
                nature=natures[nature],
                details={
                    "manufacturer": maker,
                    "year_of_manufacture": year,
                    "condition_code": condition,
                },
            )
            lots += 1
        mv.voucher_submit(actor=keeper, voucher=v)
        mv.voucher_approve(actor=commander, voucher=v)
    # Ammunition issued to a unit for a training cycle, part of it returned.
    issue = mv.voucher_create(
        actor=keeper, site=site, kind="issue", custodian_unit="1er Bataillon d'infanterie"
    )
    mv.voucher_lot_line_add(actor=keeper, voucher=issue, lot_number="MMP19C012-004", quantity=12000)
    mv.voucher_submit(actor=keeper, voucher=issue)
    mv.voucher_approve(actor=commander, voucher=issue)
    back = mv.voucher_create(actor=keeper, site=site, kind="return", location=_loc("ESH01-S01"))
    mv.voucher_lot_line_add(actor=keeper, voucher=back, lot_number="MMP19C012-004", quantity=2000)
    mv.voucher_submit(actor=keeper, voucher=back)
    mv.voucher_approve(actor=commander, voucher=back)
    # Detonators (1.1B) sent to storehouse 2, which holds 1.1D charges: approval refuses it.
    blocked = mv.voucher_create(
        actor=keeper,
        site=site,
        kind="receipt",
        reason="acquisition",
        location=_loc("ESH02-S01"),
        notes="Détonateurs livrés avec les charges de démolition.",
    )
    mv.voucher_lot_line_add(
        actor=keeper,
        voucher=blocked,
        lot_number="NL20A001-001",
        quantity=2000,
        nature=natures["DET-NONEL"],
        details={"manufacturer": "Orica", "year_of_manufacture": 2020},
    )
    mv.voucher_submit(actor=keeper, voucher=blocked)
    # Surveillance: the mortar bombs were last inspected 26 months ago (interval 12 months:
    # overdue); the D-30 propelling charges had a stability test that found the stabiliser
    # depleting (band B: retest within a year, use first).
    today = timezone.localdate()
    lot_inspection_record(
        actor=technician,
        site=site,
        lot_number="EX16B020-002",
        kind="visual",
        inspected_on=today - timedelta(days=790),
        condition_code="C",
        findings="Emballages en bon état ; marquages lisibles.",
    )
    lot_inspection_record(
        actor=technician,
        site=site,
        lot_number="PR14E007-002",
        kind="stability",
        inspected_on=today - timedelta(days=45),
        stabiliser_percent="0.31",
        findings="Stabilisant effectif en baisse : à consommer en priorité.",
        reference="Laboratoire national, rapport 2026-044",
    )
    # The manufacturer reports a fuze defect on a lot of 82 mm mortar bombs: the technician
    # suspends the lot, which freezes it wherever it is held.
    lot_suspend(
        actor=technician,
        lot_number="EX16B020-002",
        reason="Défaut de fusée signalé par le fabricant sur ce lot (bombes de mortier 82 mm).",
        reference="Explosia, avis qualité 2026-117",
    )
    # The 2026 survey adds the hamlet of Kôkô to the plan; the review of the plans under the
    # corrected rules then lists storehouse 4 on the QD report and the national dashboard.
    _exposed_site(technician, site, HAMLET)
    with transaction.atomic():
        qd_review(actor=technician)
    try:
        mv.voucher_approve(actor=commander, voucher=blocked)
    except PssmError:
        pass  # expected: incompatible groups B and D; the voucher stays submitted
    else:  # pragma: no cover - the rule tables would have changed
        raise RuntimeError("the demo's incompatible receipt was accepted")
    return {"lots": lots + 1}
