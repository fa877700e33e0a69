"""Demonstration weapons and their history, posted through the real movement engine.

Each armoury of the demo country receives a few hundred weapons (types and serial styles
common in the region), some are issued to named soldiers, gendarmes and police officers and
returned, one transfer is left in transit, one theft is reported, and a few vouchers wait for
approval. A site that already has vouchers is left alone, so loading twice adds nothing.
"""

from __future__ import annotations

import random

from pssm.accounts import services as account_services
from pssm.accounts.models import RoleGrant, User
from pssm.domain.serials import normalise
from pssm.movements import services as mv
from pssm.movements.models import Voucher
from pssm.registry import catalogue
from pssm.registry import services as registry_services
from pssm.registry.models import WeaponType
from pssm.sites.models import Site, StorageLocation

# site code -> number of weapons received
STOCK = {
    "ML-KTI": 900,
    "ML-BKOGN": 500,
    "ML-SEV": 450,
    "ML-GAO": 300,
    "ML-KYS": 250,
    "ML-SKO": 200,
    "ML-TBK": 150,
    "ML-BKODGD": 150,
}
# (make, model) -> weight, serial style
MIX = [
    (("Kalashnikov", "AKM"), 30, "akm"),
    (("Kalashnikov", "AK-47"), 12, "ak47"),
    (("Norinco", "Type 56"), 14, "type56"),
    (("Heckler & Koch", "G3"), 6, "g3"),
    (("FN Herstal", "FAL"), 4, "fal"),
    (("MAT", "MAT-49"), 5, "mat"),
    (("MAS", "MAC 50"), 8, "mac"),
    (("Makarov", "PM"), 4, "pm"),
    (("Kalashnikov", "PKM"), 5, "pkm"),
    (("Bazalt", "RPG-7"), 4, "rpg"),
    (("Degtyaryov-Shpagin", "DShK"), 2, "dshk"),
    (("Hotchkiss-Brandt", "60 mm LR"), 2, "mortar"),
]
LAST = [
    "Traoré",
    "Diarra",
    "Coulibaly",
    "Keïta",
    "Sangaré",
    "Konaté",
    "Touré",
    "Cissé",
    "Diallo",
    "Sidibé",
    "Dembélé",
    "Maïga",
    "Kanté",
    "Sissoko",
    "Doumbia",
    "Camara",
    "Koné",
    "Ballo",
    "Sanogo",
    "Togola",
    "Dicko",
    "Bagayoko",
    "Fofana",
    "Samaké",
]
FIRST = [
    "Moussa",
    "Amadou",
    "Ibrahim",
    "Oumar",
    "Seydou",
    "Boubacar",
    "Mamadou",
    "Adama",
    "Issa",
    "Souleymane",
    "Fatoumata",
    "Aminata",
    "Mariam",
    "Awa",
    "Kadiatou",
    "Modibo",
    "Bakary",
    "Sékou",
    "Lassana",
    "Hawa",
]
RANKS = {
    "army": ["Soldat de 1re classe", "Caporal", "Caporal-chef", "Sergent", "Sergent-chef"],
    "gendarmerie": ["Gendarme", "Maréchal des logis", "Maréchal des logis-chef"],
    "national_guard": ["Garde", "Brigadier", "Brigadier-chef"],
    "police": ["Agent de police", "Sergent de police", "Inspecteur"],
    "customs": ["Préposé", "Contrôleur", "Inspecteur"],
}


def _serial(style: str, rng: random.Random, year: int) -> str:
    n = rng.randint(1000, 999999)
    if style == "akm":
        return f"{rng.choice('ЕНКМТБ')}{rng.choice('ТХАР')} {n % 10000:04d}"
    if style == "ak47":
        return f"{year % 100:02d}{n:06d}"
    if style == "type56":
        return f"56-{rng.randint(1, 9)}-{n:07d}"
    if style == "g3":
        return f"G3-{n:06d}"
    if style == "fal":
        return f"{n:06d}"
    if style == "mat":
        return f"F{n % 100000:05d}"
    if style == "mac":
        return f"G{n % 100000:05d}"
    if style == "pm":
        return f"{rng.choice('АБВГ')}{rng.choice('КМС')} {n % 1000:03d}"
    return f"{style.upper()}-{n:06d}"


def _staff(site: Site, password: str) -> tuple[User, User]:
    """A storekeeper and a commander for the site (the main demo users serve ML-KTI)."""
    if site.code == "ML-KTI":
        return User.objects.get(username="magasinier"), User.objects.get(username="commandant")
    if site.code == "ML-BKOGN":
        keeper = User.objects.get(username="magasinier.gn")
    else:
        keeper = _user(f"mag.{site.code[3:].lower()}", "storekeeper", site, password)
    commander = _user(f"cdt.{site.code[3:].lower()}", "site_commander", site, password)
    return keeper, commander


def _user(username, role, site, password) -> User:
    from pssm.accounts.authz import SystemActor

    actor = SystemActor("system:demo")
    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_services.user_create(
            actor=actor,
            username=username,
            password=password,
            first_name=username.split(".")[0].title(),
            last_name=site.code,
        )
    if not RoleGrant.objects.filter(user=user, role=role, site=site).exists():
        account_services.role_grant(actor=actor, user=user, role=role, level="site", site=site)
    return user


def _post(voucher, keeper, commander):
    mv.voucher_submit(actor=keeper, voucher=voucher)
    return mv.voucher_approve(actor=commander, voucher=voucher)


def load(password: str, progress=None) -> dict:
    step = progress or (lambda _text: None)
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible
    catalogue.seed(WeaponType)  # normally done by migration registry.0002; idempotent
    types = {(t.make, t.model): t for t in WeaponType.objects.all()}
    created = {"weapons": 0, "vouchers": 0, "persons": 0}
    staff = {}
    serials_seen = set()
    for code, count in STOCK.items():
        site = Site.objects.select_related("organisation").get(code=code)
        if Voucher.objects.filter(site=site).exists():
            continue
        step(f"weapons of {code} ({count})")
        keeper, commander = staff[code] = _staff(site, password)
        racks = list(
            StorageLocation.objects.filter(building__site=site, building__kind="armoury_room")
        )
        # Receipt of the stock, in batches as it arrived.
        all_serials = []
        weights = [w for _k, w, _s in MIX]
        for batch in range(3):
            voucher = mv.voucher_create(
                actor=keeper,
                site=site,
                kind="receipt",
                reason="acquisition",
                location=racks[batch % len(racks)],
                notes="Dotation initiale (données de démonstration)",
            )
            items = []
            for _ in range(count // 3):
                key, _w, style = rng.choices(MIX, weights=weights)[0]
                year = rng.randint(1962, 2012)
                serial = _serial(style, rng, year)
                if (key, normalise(serial)) in serials_seen:
                    continue
                serials_seen.add((key, normalise(serial)))
                items.append(
                    {
                        "serial": serial,
                        "weapon_type": types[key],
                        "details": {
                            "year_of_manufacture": year,
                            "country_of_manufacture": types[key].country_of_manufacture,
                            "ownership_mark": f"RM-{site.organisation.code[3:]}",
                        },
                    }
                )
                all_serials.append(serial)
            mv.voucher_lines_add(actor=keeper, voucher=voucher, items=items)
            _post(voucher, keeper, commander)
            created["vouchers"] += 1
            created["weapons"] += len(items)
        # Persons of the site and individual issues.
        kind = site.organisation.kind
        persons = []
        created["persons"] += 12
        for i in range(12):
            persons.append(
                registry_services.person_create(
                    actor=keeper,
                    site=site,
                    service_number=f"{site.code[3:]}-{1000 + i}",
                    first_name=rng.choice(FIRST),
                    last_name=rng.choice(LAST),
                    rank=rng.choice(RANKS.get(kind, RANKS["army"])),
                    unit=f"{rng.randint(1, 4)}e compagnie" if kind == "army" else "Brigade",
                )
            )
        issued = rng.sample(all_serials, 16)
        for person, serial in zip(persons, issued[:12], strict=False):
            voucher = mv.voucher_create(actor=keeper, site=site, kind="issue", custodian=person)
            mv.voucher_line_add(actor=keeper, voucher=voucher, serial=serial)
            _post(voucher, keeper, commander)
            created["vouchers"] += 1
        unit_issue = mv.voucher_create(
            actor=keeper, site=site, kind="issue", custodian_unit="Section d'intervention"
        )
        mv.voucher_lines_add(
            actor=keeper, voucher=unit_issue, items=[{"serial": s} for s in issued[12:]]
        )
        _post(unit_issue, keeper, commander)
        returned = mv.voucher_create(actor=keeper, site=site, kind="return", location=racks[0])
        mv.voucher_lines_add(
            actor=keeper, voucher=returned, items=[{"serial": s} for s in issued[:4]]
        )
        _post(returned, keeper, commander)
        created["vouchers"] += 2
        # One issue waiting for the commander's approval.
        pending = mv.voucher_create(actor=keeper, site=site, kind="issue", custodian=persons[-1])
        in_store = [s for s in all_serials if s not in issued]
        mv.voucher_line_add(actor=keeper, voucher=pending, serial=in_store[0])
        mv.voucher_submit(actor=keeper, voucher=pending)
        created["vouchers"] += 1
        staff[code] = (keeper, commander, in_store[1:])
    # A transfer left in transit (Sévaré → Gao) and a theft reported at Tombouctou.
    if "ML-SEV" in staff and "ML-GAO" in STOCK:
        keeper, commander, stock = staff["ML-SEV"]
        transfer = mv.voucher_create(
            actor=keeper,
            site=Site.objects.get(code="ML-SEV"),
            kind="transfer",
            destination=Site.objects.get(code="ML-GAO"),
            notes="Renforcement du poste de Gao",
        )
        mv.voucher_lines_add(
            actor=keeper, voucher=transfer, items=[{"serial": s} for s in stock[:25]]
        )
        _post(transfer, keeper, commander)
        created["vouchers"] += 1
    if "ML-TBK" in staff:
        keeper, commander, stock = staff["ML-TBK"]
        theft = mv.voucher_create(
            actor=keeper,
            site=Site.objects.get(code="ML-TBK"),
            kind="loss",
            reason="stolen",
            notes="Vol constaté lors de l'ouverture du magasin",
        )
        mv.voucher_line_add(actor=keeper, voucher=theft, serial=stock[0])
        _post(theft, keeper, commander)
        created["vouchers"] += 1
    return created
