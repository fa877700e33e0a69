# ruff: noqa: E501
"""The ammunition natures common in the region's stockpiles, seeded on first migration.

Every value is provisional (flagged in the interface) until an ammunition technician checks it
against the manufacturer's data sheet or the national ammunition catalogue: NEQ per unit in
kg, hazard classification code and UN number as usually assigned for storage (fuzes stored
apart from grenade bodies and mortar bombs).
"""

SOURCE = "PSSM seed catalogue; verify against the data sheet"

# code, nomenclature, calibre, UN number, HCC, NEQ per unit (kg), packaging, units per package,
# shelf life (years), inspection interval (months)
NATURES = [
    (
        "CTG-762X39-BALL",
        "Cartridge 7.62×39 mm ball",
        "7.62×39",
        "0012",
        "1.4S",
        "0.0016",
        "Spam can in wooden box",
        1320,
        25,
        24,
    ),
    (
        "CTG-762X54R-BALL",
        "Cartridge 7.62×54R ball",
        "7.62×54R",
        "0012",
        "1.4S",
        "0.0031",
        "Spam can in wooden box",
        880,
        25,
        24,
    ),
    (
        "CTG-762X51-BALL",
        "Cartridge 7.62×51 mm NATO ball",
        "7.62×51",
        "0012",
        "1.4S",
        "0.0029",
        "Ammunition can",
        800,
        25,
        24,
    ),
    (
        "CTG-556X45-BALL",
        "Cartridge 5.56×45 mm NATO ball",
        "5.56×45",
        "0012",
        "1.4S",
        "0.0017",
        "Ammunition can",
        1000,
        25,
        24,
    ),
    (
        "CTG-9X19-BALL",
        "Cartridge 9×19 mm ball",
        "9×19",
        "0012",
        "1.4S",
        "0.0004",
        "Carton in wooden box",
        2000,
        25,
        24,
    ),
    (
        "CTG-127X108-API",
        "Cartridge 12.7×108 mm armour-piercing incendiary",
        "12.7×108",
        "0339",
        "1.4C",
        "0.018",
        "Wooden box",
        80,
        20,
        24,
    ),
    (
        "CTG-145X114-API",
        "Cartridge 14.5×114 mm armour-piercing incendiary",
        "14.5×114",
        "0321",
        "1.2E",
        "0.035",
        "Wooden box",
        40,
        20,
        24,
    ),
    (
        "GREN-40-VOG25",
        "Grenade 40 mm VOG-25 HE",
        "40 mm",
        "0007",
        "1.2F",
        "0.048",
        "Wooden box",
        20,
        15,
        12,
    ),
    (
        "RKT-PG7V",
        "Rocket PG-7V HEAT (with propelling charge)",
        "40/85 mm",
        "0181",
        "1.1E",
        "0.73",
        "Wooden box",
        2,
        15,
        12,
    ),
    (
        "MORT-60-HE",
        "Mortar bomb 60 mm HE (unfuzed)",
        "60 mm",
        "0006",
        "1.1E",
        "0.25",
        "Wooden box",
        10,
        20,
        12,
    ),
    (
        "MORT-81-HE",
        "Mortar bomb 81 mm HE (unfuzed)",
        "81 mm",
        "0006",
        "1.1E",
        "0.70",
        "Wooden box",
        6,
        20,
        12,
    ),
    (
        "MORT-82-HE",
        "Mortar bomb 82 mm O-832D HE (unfuzed)",
        "82 mm",
        "0006",
        "1.1E",
        "0.65",
        "Wooden box",
        10,
        20,
        12,
    ),
    (
        "MORT-120-HE",
        "Mortar bomb 120 mm HE (unfuzed)",
        "120 mm",
        "0006",
        "1.1E",
        "3.0",
        "Wooden box",
        2,
        20,
        12,
    ),
    (
        "GREN-HAND-F1",
        "Hand grenade F1 body (fuze apart)",
        "-",
        "0284",
        "1.1D",
        "0.06",
        "Wooden box",
        20,
        20,
        12,
    ),
    (
        "FUZE-UZRGM",
        "Fuze UZRGM for hand grenades",
        "-",
        "0367",
        "1.4S",
        "0.001",
        "Sealed can",
        20,
        20,
        12,
    ),
    (
        "CHG-DEMO-TNT-400",
        "Demolition charge TNT 400 g",
        "-",
        "0048",
        "1.1D",
        "0.4",
        "Wooden box",
        50,
        25,
        24,
    ),
    ("DET-NONEL", "Detonator, non-electric", "-", "0029", "1.1B", "0.001", "Carton", 100, 10, 12),
    (
        "SIG-26-FLARE",
        "Signal cartridge 26 mm",
        "26 mm",
        "0054",
        "1.3G",
        "0.02",
        "Carton",
        50,
        10,
        12,
    ),
]

# The French nomenclature of each seed nature, as French-speaking armies write it (decimal
# comma, "ordinaire" for ball, "explosif" for HE, "perforante incendiaire" for API, "allumeur"
# for a grenade fuze, "pétard" for a demolition block).
NAMES_FR = {
    "CTG-762X39-BALL": "Cartouche 7,62 × 39 mm ordinaire",
    "CTG-762X54R-BALL": "Cartouche 7,62 × 54R ordinaire",
    "CTG-762X51-BALL": "Cartouche 7,62 × 51 mm OTAN ordinaire",
    "CTG-556X45-BALL": "Cartouche 5,56 × 45 mm OTAN ordinaire",
    "CTG-9X19-BALL": "Cartouche 9 × 19 mm ordinaire",
    "CTG-127X108-API": "Cartouche 12,7 × 108 mm perforante incendiaire",
    "CTG-145X114-API": "Cartouche 14,5 × 114 mm perforante incendiaire",
    "GREN-40-VOG25": "Grenade 40 mm VOG-25 explosive",
    "RKT-PG7V": "Roquette PG-7V à charge creuse (avec charge propulsive)",
    "MORT-60-HE": "Obus de mortier 60 mm explosif (sans fusée)",
    "MORT-81-HE": "Obus de mortier 81 mm explosif (sans fusée)",
    "MORT-82-HE": "Obus de mortier 82 mm O-832D explosif (sans fusée)",
    "MORT-120-HE": "Obus de mortier 120 mm explosif (sans fusée)",
    "GREN-HAND-F1": "Corps de grenade à main défensive F1 (allumeur à part)",
    "FUZE-UZRGM": "Allumeur UZRGM pour grenades à main",
    "CHG-DEMO-TNT-400": "Pétard de démolition TNT 400 g",
    "DET-NONEL": "Détonateur non électrique",
    "SIG-26-FLARE": "Cartouche de signalisation 26 mm",
}


def fill_french(nature_model) -> int:
    """Give the seed natures that have no French name theirs; returns how many were filled.
    A French name set by the national authority is kept."""
    filled = 0
    for code, name_fr in NAMES_FR.items():
        filled += nature_model.objects.filter(code=code, nomenclature_fr="").update(
            nomenclature_fr=name_fr
        )
    return filled


def seed(nature_model) -> int:
    """Add the seed natures that are missing (by code); returns how many were added. Used by
    the migration (with the historical model) and by tests."""
    from decimal import Decimal

    added = 0
    for code, nom, cal, un, hcc, neq, pack, per, life, insp in NATURES:
        _, created = nature_model.objects.get_or_create(
            code=code,
            defaults={
                "nomenclature": nom,
                "calibre": cal,
                "un_number": un,
                "hazard_code": hcc,
                "neq_kg_per_unit": Decimal(neq),
                "packaging": pack,
                "units_per_package": per,
                "shelf_life_years": life,
                "inspection_interval_months": insp,
                "provisional": True,
                "source": SOURCE,
            },
        )
        added += created
    if any(f.name == "nomenclature_fr" for f in nature_model._meta.get_fields()):
        fill_french(nature_model)  # the first migration's model has no French name yet
    return added
