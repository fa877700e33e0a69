"""Weapon types common in the region, seeded into every installation (migration 0002).

Category follows the UN Register / ITI SALW categories. Aliases let users find a type by the
names used on the ground ("Kalachnikov", "AK47", "AKM"...). A national authority adds or edits
types through the interface; the seed only adds what is missing.
"""

# category, make, model, calibre, country, aliases
SEED = [
    (
        "assault_rifle",
        "Kalashnikov",
        "AK-47",
        "7.62×39 mm",
        "RU",
        "Kalachnikov\nKalashnikov\nAK47\nAK",
    ),
    ("assault_rifle", "Kalashnikov", "AKM", "7.62×39 mm", "RU", "Kalachnikov\nAKM\nAK47"),
    (
        "assault_rifle",
        "Kalashnikov",
        "AKMS",
        "7.62×39 mm",
        "RU",
        "Kalachnikov crosse pliante\nAKMS",
    ),
    ("assault_rifle", "Kalashnikov", "AK-74", "5.45×39 mm", "RU", "Kalachnikov\nAK74"),
    (
        "assault_rifle",
        "Norinco",
        "Type 56",
        "7.62×39 mm",
        "CN",
        "Kalachnikov chinois\nType56\nAK47",
    ),
    ("assault_rifle", "Zastava", "M70", "7.62×39 mm", "RS", "Kalachnikov yougoslave\nM70AB2"),
    ("assault_rifle", "Heckler & Koch", "G3", "7.62×51 mm", "DE", "G3A3\nG3"),
    ("assault_rifle", "FN Herstal", "FAL", "7.62×51 mm", "BE", "FN FAL\nFAL"),
    ("assault_rifle", "Colt", "M16A2", "5.56×45 mm", "US", "M16"),
    ("assault_rifle", "IMI", "Galil", "5.56×45 mm", "IL", "Galil ARM"),
    ("rifle", "Simonov", "SKS", "7.62×39 mm", "RU", "SKS\nSimonov"),
    ("rifle", "MAS", "MAS-36", "7.5×54 mm", "FR", "MAS 36\nMAS36"),
    ("rifle", "Mosin-Nagant", "M1891/30", "7.62×54 mmR", "RU", "Mosin\nMosin-Nagant"),
    ("smg", "MAT", "MAT-49", "9×19 mm", "FR", "MAT 49\nMAT49\nPistolet-mitrailleur MAT"),
    ("smg", "IMI", "Uzi", "9×19 mm", "IL", "UZI"),
    ("smg", "Heckler & Koch", "MP5", "9×19 mm", "DE", "MP5A3"),
    ("lmg", "Kalashnikov", "RPK", "7.62×39 mm", "RU", "RPK"),
    ("lmg", "Degtyaryov", "RPD", "7.62×39 mm", "RU", "RPD"),
    ("lmg", "Kalashnikov", "PKM", "7.62×54 mmR", "RU", "PK\nPKM\nPKT"),
    ("lmg", "FN Herstal", "MAG", "7.62×51 mm", "BE", "FN MAG\nMAG 58\nGPMG"),
    ("lmg", "MAS", "AA-52", "7.5×54 mm", "FR", "AA52\nAAT-52"),
    ("hmg", "Degtyaryov-Shpagin", "DShK", "12.7×108 mm", "RU", "DShK\nDouchka\nDShKM"),
    ("hmg", "Browning", "M2HB", "12.7×99 mm", "US", "M2\n.50 BMG\nBrowning 12.7"),
    ("hmg", "Vladimirov", "KPV", "14.5×114 mm", "RU", "KPV\nKPVT\nZPU"),
    ("pistol", "MAS", "MAC 50", "9×19 mm", "FR", "MAC50\nPA MAC 50"),
    ("pistol", "Makarov", "PM", "9×18 mm", "RU", "Makarov\nPM"),
    ("pistol", "Tokarev", "TT-33", "7.62×25 mm", "RU", "Tokarev\nTT"),
    ("pistol", "FN Herstal", "Browning Hi-Power", "9×19 mm", "BE", "GP35\nHP\nBrowning"),
    ("pistol", "Glock", "17", "9×19 mm", "AT", "Glock 17\nG17"),
    ("pistol", "Beretta", "92", "9×19 mm", "IT", "Beretta 92\nM9"),
    ("grenade_launcher", "Tula", "GP-25", "40 mm", "RU", "GP25\nKostyor"),
    ("grenade_launcher", "Colt", "M203", "40 mm", "US", "M203"),
    ("grenade_launcher", "Nudelman", "AGS-17", "30 mm", "RU", "AGS17\nPlamya"),
    ("anti_tank_launcher", "Bazalt", "RPG-7", "40 mm (PG-7)", "RU", "RPG\nRPG7\nLance-roquettes"),
    ("recoilless", "Bazalt", "SPG-9", "73 mm", "RU", "SPG9\nKopyo"),
    ("recoilless", "Soviet", "B-10", "82 mm", "RU", "B10"),
    ("mortar", "Hotchkiss-Brandt", "60 mm LR", "60 mm", "FR", "Mortier de 60\nMO-60"),
    ("mortar", "Brandt", "MO-81-61", "81 mm", "FR", "Mortier de 81\nMO 81"),
    ("mortar", "Soviet", "M-37", "82 mm", "RU", "Mortier de 82\nBM-37\n2B14 Podnos"),
    ("manpads", "KBM", "9K32 Strela-2", "72 mm", "RU", "SA-7\nStrela\nGrail"),
]


def search_text(make: str, model: str, calibre: str, aliases: str) -> str:
    """Lower-case text searched when a user types a type's name."""
    words = [make, model, f"{make} {model}", calibre, *aliases.splitlines()]
    return "\n".join(w.strip().lower() for w in words if w.strip())


def seed(weapon_type_model) -> int:
    """Add the seed types that are missing; returns how many were added."""
    added = 0
    for category, make, model, calibre, country, aliases in SEED:
        _, created = weapon_type_model.objects.get_or_create(
            make=make,
            model=model,
            calibre=calibre,
            defaults={
                "category": category,
                "country_of_manufacture": country,
                "aliases": aliases,
                "search_text": search_text(make, model, calibre, aliases),
            },
        )
        added += created
    return added
