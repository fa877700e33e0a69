"""Demonstration data: Mali, its forces' sites in several regions, two model installations,
buildings and storage locations, and one demo user per role.

Loading is idempotent: anything that already exists (by code or user name) is left alone, so
a second run writes nothing and adds no journal entry. Every write goes through the services,
so the demo data is journaled like real data.
"""

from __future__ import annotations

from decimal import Decimal

from pssm.accounts import services as account_services
from pssm.accounts.authz import SystemActor
from pssm.accounts.models import RoleGrant, User
from pssm.sites import services as site_services
from pssm.sites.models import Building, Country, Organisation, Site, StorageLocation

DEMO_PASSWORD = "pssm-demo-2026"  # noqa: S105 - published demo credential, demo data only

COUNTRY = ("ML", "Mali", "fr")

ORGANISATIONS = [
    ("FAMA", "Forces armées maliennes – Armée de terre", "army"),
    ("GN", "Gendarmerie nationale", "gendarmerie"),
    ("GDN", "Garde nationale du Mali", "national_guard"),
    ("PN", "Police nationale", "police"),
    ("DGD", "Direction générale des douanes", "customs"),
    (
        "CNPAL",
        "Commission nationale de lutte contre la prolifération des armes légères",
        "commission",
    ),
]

# code, organisation, name, kind, region, town, model, lat, lon
SITES = [
    (
        "KTI",
        "FAMA",
        "Dépôt central de munitions de Kati",
        "ammunition_depot",
        "Koulikoro",
        "Kati",
        True,
        "12.744100",
        "-8.072600",
    ),
    (
        "BKOGN",
        "GN",
        "Armurerie de la Gendarmerie – Camp I",
        "armoury",
        "District de Bamako",
        "Bamako",
        True,
        "12.639200",
        "-8.002900",
    ),
    (
        "SEG",
        "FAMA",
        "Dépôt de munitions de Ségou",
        "ammunition_depot",
        "Ségou",
        "Ségou",
        False,
        "13.431700",
        "-6.215700",
    ),
    (
        "SEV",
        "FAMA",
        "Armurerie du camp de Sévaré",
        "mixed_depot",
        "Mopti",
        "Sévaré",
        False,
        "14.533300",
        "-4.092600",
    ),
    (
        "GAO",
        "FAMA",
        "Magasin d'armes du camp de Gao",
        "unit_store",
        "Gao",
        "Gao",
        False,
        "16.271700",
        "-0.044700",
    ),
    (
        "KYS",
        "GDN",
        "Armurerie de la Garde nationale de Kayes",
        "armoury",
        "Kayes",
        "Kayes",
        False,
        "14.446900",
        "-11.445000",
    ),
    (
        "SKO",
        "PN",
        "Armurerie du commissariat central de Sikasso",
        "armoury",
        "Sikasso",
        "Sikasso",
        False,
        "11.317600",
        "-5.666500",
    ),
    (
        "TBK",
        "GN",
        "Magasin d'armes de la brigade de Tombouctou",
        "unit_store",
        "Tombouctou",
        "Tombouctou",
        False,
        "16.766600",
        "-3.002600",
    ),
    (
        "BKODGD",
        "DGD",
        "Armurerie des douanes de Bamako",
        "armoury",
        "District de Bamako",
        "Bamako",
        False,
        "12.650000",
        "-7.990000",
    ),
]

# site, code, name, kind, storehouse type, locations: (code, name, kind, capacity)
BUILDINGS = [
    (
        "KTI",
        "ESH01",
        "Magasin à munitions n° 1 (merlonné)",
        "explosive_storehouse",
        "earth_covered_magazine",
        [
            ("S01", "Pile 1", "stack", None),
            ("S02", "Pile 2", "stack", None),
            ("S03", "Pile 3", "stack", None),
        ],
    ),
    (
        "KTI",
        "ESH02",
        "Magasin à munitions n° 2 (merlonné)",
        "explosive_storehouse",
        "earth_covered_magazine",
        [("S01", "Pile 1", "stack", None), ("S02", "Pile 2", "stack", None)],
    ),
    (
        "KTI",
        "ESH03",
        "Magasin à munitions n° 3 (hors sol)",
        "explosive_storehouse",
        "above_ground_magazine",
        [("B01", "Travée 1", "bay", None), ("B02", "Travée 2", "bay", None)],
    ),
    (
        "KTI",
        "ESH04",
        "Conteneur de munitions n° 4",
        "explosive_storehouse",
        "container",
        [("S01", "Pile unique", "stack", None)],
    ),
    ("KTI", "PB01", "Atelier de contrôle des munitions", "process_building", "", []),
    (
        "KTI",
        "ARM01",
        "Magasin d'armes central",
        "armoury_room",
        "",
        [
            ("R01", "Râtelier 1", "rack", 60),
            ("R02", "Râtelier 2", "rack", 60),
            ("R03", "Râtelier 3", "rack", 60),
            ("R04", "Râtelier 4 (armes collectives)", "rack", 30),
            ("SF01", "Coffre (pistolets)", "safe", 40),
        ],
    ),
    ("KTI", "GH01", "Poste de garde", "guard_house", "", []),
    (
        "BKOGN",
        "ARM01",
        "Salle d'armes principale",
        "armoury_room",
        "",
        [
            ("R01", "Râtelier 1", "rack", 30),
            ("R02", "Râtelier 2", "rack", 30),
            ("R03", "Râtelier 3 (pistolets)", "rack", 40),
            ("SF01", "Coffre-fort", "safe", 20),
        ],
    ),
    (
        "BKOGN",
        "ESH01",
        "Soute à munitions",
        "explosive_storehouse",
        "container",
        [("S01", "Étagère 1", "shelf", None)],
    ),
    (
        "SEG",
        "ESH01",
        "Magasin à munitions n° 1",
        "explosive_storehouse",
        "above_ground_magazine",
        [("S01", "Pile 1", "stack", None), ("S02", "Pile 2", "stack", None)],
    ),
    (
        "SEG",
        "ESH02",
        "Magasin à munitions n° 2",
        "explosive_storehouse",
        "container",
        [("S01", "Pile 1", "stack", None)],
    ),
    (
        "SEV",
        "ARM01",
        "Salle d'armes",
        "armoury_room",
        "",
        [("R01", "Râtelier 1", "rack", 40), ("R02", "Râtelier 2", "rack", 40)],
    ),
    (
        "SEV",
        "ESH01",
        "Soute à munitions",
        "explosive_storehouse",
        "container",
        [("S01", "Pile 1", "stack", None)],
    ),
    ("GAO", "ARM01", "Magasin d'armes", "armoury_room", "", [("R01", "Râtelier 1", "rack", 50)]),
    ("KYS", "ARM01", "Salle d'armes", "armoury_room", "", [("R01", "Râtelier 1", "rack", 30)]),
    (
        "SKO",
        "ARM01",
        "Salle d'armes",
        "armoury_room",
        "",
        [("R01", "Râtelier 1", "rack", 25), ("SF01", "Coffre", "safe", 10)],
    ),
    ("TBK", "ARM01", "Magasin d'armes", "armoury_room", "", [("R01", "Râtelier 1", "rack", 20)]),
    ("BKODGD", "ARM01", "Salle d'armes", "armoury_room", "", [("R01", "Râtelier 1", "rack", 30)]),
]

# username, first, last, rank, language, role, level, scope code
USERS = [
    ("magasinier", "Moussa", "Traoré", "Sergent-chef", "", "storekeeper", "site", "ML-KTI"),
    ("commandant", "Aminata", "Diarra", "Commandant", "", "site_commander", "site", "ML-KTI"),
    (
        "technicien",
        "Ibrahim",
        "Coulibaly",
        "Adjudant",
        "",
        "ammunition_technician",
        "organisation",
        "ML-FAMA",
    ),
    ("inspecteur", "Fatoumata", "Keïta", "Colonel", "", "inspector", "country", "ML"),
    ("autorite", "Oumar", "Sangaré", "", "", "national_authority", "country", "ML"),
    ("programme", "Grace", "Okafor", "", "en", "programme_viewer", "global", ""),
    ("admin", "Administrateur", "PSSM", "", "", "administrator", "global", ""),
    (
        "magasinier.gn",
        "Seydou",
        "Konaté",
        "Maréchal des logis",
        "",
        "storekeeper",
        "site",
        "ML-BKOGN",
    ),
]


def load(*, stdout=None, progress=None) -> dict:
    """Load the demo data; returns how many objects of each kind were created. ``progress``
    (a callable taking a sentence) is told of each step as it starts."""
    step = progress or (lambda _text: None)
    actor = SystemActor("system:demo")
    step("geography, sites and users")
    created = {
        "countries": 0,
        "organisations": 0,
        "sites": 0,
        "buildings": 0,
        "locations": 0,
        "users": 0,
        "roles": 0,
    }
    code, name, language = COUNTRY
    country = Country.objects.filter(code=code).first()
    if country is None:
        country = site_services.country_create(
            actor=actor, code=code, name=name, default_language=language
        )
        created["countries"] += 1
    orgs = {}
    for part, org_name, kind in ORGANISATIONS:
        org = Organisation.objects.filter(code=f"{code}-{part}").first()
        if org is None:
            org = site_services.organisation_create(
                actor=actor, country=country, code=part, name=org_name, kind=kind
            )
            created["organisations"] += 1
        orgs[part] = org
    sites = {}
    for part, org_part, site_name, kind, region, town, model, lat, lon in SITES:
        site = Site.objects.filter(code=f"{code}-{part}").first()
        if site is None:
            site = site_services.site_create(
                actor=actor,
                organisation=orgs[org_part],
                code=part,
                name=site_name,
                kind=kind,
                region=region,
                town=town,
                is_model_installation=model,
                latitude=Decimal(lat),
                longitude=Decimal(lon),
            )
            created["sites"] += 1
        sites[part] = site
    for site_part, part, b_name, kind, sh_type, locations in BUILDINGS:
        site = sites[site_part]
        building = Building.objects.filter(code=f"{site.code}-{part}").first()
        if building is None:
            building = site_services.building_create(
                actor=actor,
                site=site,
                code=part,
                name=b_name,
                kind=kind,
                storehouse_type=sh_type,
            )
            created["buildings"] += 1
        for l_part, l_name, l_kind, capacity in locations:
            if not StorageLocation.objects.filter(code=f"{building.code}-{l_part}").exists():
                site_services.location_create(
                    actor=actor,
                    building=building,
                    code=l_part,
                    name=l_name,
                    kind=l_kind,
                    capacity=capacity,
                )
                created["locations"] += 1
    for username, first, last, rank, lang, role, level, scope_code in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                rank=rank,
                preferred_language=lang,
            )
            created["users"] += 1
        scope = {}
        if level == "country":
            scope["country"] = Country.objects.get(code=scope_code)
        elif level == "organisation":
            scope["organisation"] = Organisation.objects.get(code=scope_code)
        elif level == "site":
            scope["site"] = Site.objects.get(code=scope_code)
        if not RoleGrant.objects.filter(
            user=user, role=role, level=level, revoked_at__isnull=True, **scope
        ).exists():
            account_services.role_grant(actor=actor, user=user, role=role, level=level, **scope)
            created["roles"] += 1
    from . import weapons as demo_weapons

    created.update(demo_weapons.load(DEMO_PASSWORD, progress=step))
    from . import ammunition as demo_ammunition

    step("ammunition lots, licences and surveillance")
    created.update(demo_ammunition.load(DEMO_PASSWORD))
    from . import inspections as demo_inspections

    step("counts, inspections and keys")
    created.update(demo_inspections.load(DEMO_PASSWORD))
    from . import destruction as demo_destruction

    step("destruction")
    created.update(demo_destruction.load(DEMO_PASSWORD))
    from pssm.programme.demo import load as load_programme

    created.update(load_programme(DEMO_PASSWORD))
    created.update(__import__("pssm.reports.demo", fromlist=["load"]).load(DEMO_PASSWORD))
    return created


def logins() -> list[tuple[str, str, str]]:
    """Every demo login with its roles: the main users first, then each site's own
    storekeeper and commander (needed to receive a transfer at Gao, for instance)."""
    main = [u[0] for u in USERS]
    grants = (
        RoleGrant.objects.filter(revoked_at__isnull=True, user__is_active=True)
        .select_related("user", "site", "organisation", "country")
        .order_by("user__username", "role")
    )
    rows: dict[str, tuple[list[str], list[str]]] = {}
    for g in grants:
        scope = (
            (g.site and g.site.code)
            or (g.organisation and g.organisation.code)
            or (g.country and g.country.code)
            or "everywhere"
        )
        roles, scopes = rows.setdefault(g.user.username, ([], []))
        roles.append(g.role)
        scopes.append(scope)
    rank = {name: i for i, name in enumerate(main)}
    order = sorted(rows, key=lambda name: (rank.get(name, len(main)), name))
    return [(name, ", ".join(rows[name][0]), ", ".join(rows[name][1])) for name in order]
