"""Two inspections of the Kati model installation, a year apart, the second showing the
improvement after the corrective actions of the first. Skipped when the site has any."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from pssm.accounts.models import User
from pssm.inspections import services
from pssm.inspections.models import Inspection
from pssm.sites.models import Site

SITE = "ML-KTI"
# question codes answered other than "yes", per inspection
FIRST = {
    "ACC-02": "no",
    "ACC-04": "no",
    "SEC-02": "partly",
    "SEC-04": "no",
    "SEC-05": "partly",
    "SEC-06": "no",
    "ACS-01": "partly",
    "ACS-02": "no",
    "FIR-02": "no",
    "SRV-02": "no",
    "SRV-03": "no",
    "LIC-02": "partly",
    "DSP-01": "no",
}
SECOND = {"SEC-06": "no", "SRV-03": "partly", "DSP-01": "partly"}
EVIDENCE = "Constaté sur place ; pièce jointe au dossier d'inspection."


def _answers(template, exceptions):
    return {
        q.code: {
            "answer": exceptions.get(q.code, "yes"),
            "evidence": EVIDENCE if q.evidence_required else "",
            "note": "",
        }
        for q in template.questions.all()
    }


def load(password: str) -> dict:
    site = Site.objects.get(code=SITE)
    if Inspection.objects.filter(site=site).exists():
        return {"inspections": 0}
    inspector = User.objects.get(username="inspecteur")
    template = services.checklist_seed()
    today = timezone.now().date()
    first = services.inspection_start(
        actor=inspector, site=site, template=template, inspected_on=today - timedelta(days=370)
    )
    services.answers_record(actor=inspector, inspection=first, answers=_answers(template, FIRST))
    services.inspection_close(actor=inspector, inspection=first)
    actions = [
        (
            "ACC-02",
            "Réaliser l'inventaire annuel à 100 % des armes et munitions.",
            "Commandant du dépôt",
            60,
        ),
        (
            "SEC-04",
            "Remplacer les cadenas des magasins 1 à 4 par des cadenas haute sécurité.",
            "Officier sécurité",
            90,
        ),
        ("FIR-02", "Faire tester les paratonnerres et mises à la terre.", "Génie militaire", 120),
    ]
    for code, text, owner, days in actions:
        action = services.corrective_action_add(
            actor=inspector,
            inspection=first,
            description=text,
            owner=owner,
            due_date=first.inspected_on + timedelta(days=days),
            question_code=code,
        )
        services.corrective_action_close(actor=inspector, action=action, note="Fait et vérifié.")
    second = services.inspection_start(
        actor=inspector, site=site, template=template, inspected_on=today - timedelta(days=5)
    )
    services.answers_record(actor=inspector, inspection=second, answers=_answers(template, SECOND))
    services.inspection_close(actor=inspector, inspection=second)
    services.corrective_action_add(
        actor=inspector,
        inspection=second,
        description="Installer une détection d'intrusion sur les magasins 1 et 2.",
        owner="Direction du matériel",
        due_date=date.today() + timedelta(days=180),
        question_code="SEC-06",
    )
    _keys_and_access(site)
    _count(site)
    _monthly_inventory()
    return {"inspections": 2}


def _monthly_inventory():
    """The monthly serial inventory of the Tombouctou armoury, every weapon found. The demo
    installations entered the register thirteen months ago, so the calendar of counts shows
    what is overdue elsewhere."""
    from pssm.registry.models import Weapon

    Site.objects.filter(code__startswith="ML-").update(
        created_at=timezone.now() - timedelta(days=395)
    )
    site = Site.objects.get(code="ML-TBK")
    keeper = User.objects.get(username="mag.tbk")
    closer = User.objects.get(username="cdt.tbk")
    count = services.count_start(
        actor=keeper, site=site, witness="Capitaine Issa Maïga", policy="COUNT.MONTHLY_SERIAL"
    )
    weapons = Weapon.objects.filter(serial_norm__in=list(count.expected), site=site)
    for w in weapons.select_related("location"):
        services.count_scan(actor=keeper, count=count, serial=w.serial, location=w.location)
    services.count_close(actor=closer, count=count)


def _count(site):
    """A blind count of the central armoury room that finds one weapon missing."""
    from pssm.sites.models import Building, StorageLocation

    keeper = User.objects.get(username="magasinier")
    commander = User.objects.get(username="commandant")
    building = Building.objects.get(code=f"{SITE}-ARM01")
    count = services.count_start(
        actor=keeper, site=site, witness="Lieutenant Awa Dembélé", building=building
    )
    locations = {loc.code: loc for loc in StorageLocation.objects.filter(building=building)}
    expected = sorted(count.expected.items())
    from pssm.registry.models import Weapon

    serials = dict(
        Weapon.objects.filter(serial_norm__in=[n for n, _l in expected], site=site).values_list(
            "serial_norm", "serial"
        )
    )
    for norm, code in expected[1:]:  # the first one is not on its rack
        services.count_scan(
            actor=keeper, count=count, serial=serials[norm], location=locations[code]
        )
    services.count_close(actor=commander, count=count)
    _write_off(count)


def _write_off(count):
    """The count's missing weapon followed to its write-off: recounted by the commander (not
    the counter), investigated, written off as stolen by the commander and approved by the
    national authority (above the site level)."""
    from pssm.movements import cases
    from pssm.movements import services as movements

    commander = User.objects.get(username="commandant")
    authority = User.objects.get(username="autorite")
    case = count.discrepancies.get(kind="missing")
    cases.case_recount(actor=commander, case=case, confirmed=True)
    cases.case_investigate(
        actor=commander,
        case=case,
        note=(
            "Recomptage du râtelier et de tout le magasin d'armes : l'arme est introuvable. "
            "Le cadenas du râtelier présentait des traces d'effraction ; la gendarmerie "
            "prévôtale a été saisie (PV n° 114/GPV du 18 novembre)."
        ),
    )
    voucher = cases.case_write_off(actor=commander, case=case, reason="stolen")
    movements.voucher_approve(actor=authority, voucher=voucher)


def _keys_and_access(site):
    from pssm.sites.models import Building

    keeper = User.objects.get(username="magasinier")
    commander = User.objects.get(username="commandant")
    keys = {}
    for code, label in (
        ("K-ESH01", "Magasin 1, cadenas principal"),
        ("K-ESH02", "Magasin 2, cadenas principal"),
        ("K-ARM01", "Magasin d'armes central"),
    ):
        keys[code] = services.key_register(actor=commander, site=site, code=code, label=label)
    loan = services.key_issue(actor=keeper, key=keys["K-ESH01"], holder="Sgt-chef Moussa Traoré")
    services.key_return(actor=keeper, loan=loan)
    services.key_issue(actor=keeper, key=keys["K-ARM01"], holder="Adjudant Ibrahim Coulibaly")
    esh1 = Building.objects.get(code=f"{SITE}-ESH01")
    entry = services.access_record(
        actor=keeper,
        building=esh1,
        person="Sgt-chef Moussa Traoré",
        companion="Cpl Awa Sidibé",
        purpose="Inventaire mensuel",
    )
    services.access_leave(actor=keeper, entry=entry)
    services.access_record(
        actor=keeper,
        building=esh1,
        person="Cpl Awa Sidibé",
        companion="",
        purpose="Relevé de température",
    )
