"""What each column of a legacy register means: French and English header synonyms, the
guess of a mapping from a header row, and the parsing of the values users type (years,
dates in French and English forms, country names or codes)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from pssm.domain.errors import ValidationError, gettext_noop


def simplify(text: str) -> str:
    """Lower case, no accents, words separated by single spaces."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


WEAPON_FIELDS = {
    "serial": [
        "numero de serie",
        "n de serie",
        "no de serie",
        "n serie",
        "no serie",
        "num serie",
        "serie",
        "serial",
        "serial number",
        "serial no",
        "matricule arme",
        "numero arme",
    ],
    "weapon_type": [
        "type",
        "type d arme",
        "modele",
        "model",
        "designation",
        "arme",
        "weapon",
        "weapon type",
        "type arme",
        "type de l arme",
    ],
    "manufacturer": ["fabricant", "constructeur", "manufacturer", "maker", "marque"],
    "country_of_manufacture": [
        "pays de fabrication",
        "pays fabrication",
        "origine",
        "pays d origine",
        "country of manufacture",
        "country of origin",
        "made in",
    ],
    "year_of_manufacture": [
        "annee de fabrication",
        "annee fabrication",
        "year of manufacture",
        "year made",
        "annee",
    ],
    "import_country": [
        "marquage d importation pays",
        "marquage importation pays",
        "pays d importation",
        "import country",
        "import mark country",
    ],
    "import_year": [
        "marquage d importation annee",
        "marquage importation annee",
        "annee d importation",
        "import year",
        "import mark year",
    ],
    "ownership_mark": [
        "marquage national",
        "marque de propriete",
        "marquage de l etat",
        "ownership mark",
        "national mark",
        "state mark",
    ],
    "marking_locations": ["emplacement des marquages", "where marked", "marking locations"],
    "location": [
        "emplacement",
        "ratelier",
        "magasin",
        "location",
        "storage location",
        "rack",
    ],
    "received_on": [
        "date d entree",
        "date de reception",
        "date d enregistrement",
        "date",
        "received on",
        "date received",
        "date of receipt",
    ],
}

AMMUNITION_FIELDS = {
    "lot_number": ["numero de lot", "n de lot", "no de lot", "lot", "lot number", "lot no"],
    "nature": [
        "nature",
        "designation",
        "munition",
        "type de munition",
        "nomenclature",
        "ammunition",
        "ammunition type",
    ],
    "quantity": ["quantite", "qte", "nombre", "quantity", "qty", "count"],
    "location": ["emplacement", "pile", "travee", "location", "stack", "bay"],
    "manufacturer": ["fabricant", "manufacturer"],
    "year_of_manufacture": ["annee de fabrication", "annee", "year of manufacture", "year"],
    "condition_code": ["code d etat", "etat", "condition", "condition code"],
    "received_on": ["date d entree", "date de reception", "date", "received on", "date received"],
}

REQUIRED = {
    "weapons": ("serial", "weapon_type"),
    "ammunition": ("lot_number", "nature", "quantity"),
}
FIELDS = {"weapons": WEAPON_FIELDS, "ammunition": AMMUNITION_FIELDS}


def recogniser(kind: str):
    """``recognise(header) -> field or None``: the field whose longest synonym the header
    equals or contains as whole words."""
    table = [(simplify(syn), name) for name, synonyms in FIELDS[kind].items() for syn in synonyms]
    table.sort(key=lambda item: -len(item[0]))

    def recognise(header: str) -> str | None:
        text = simplify(header)
        if not text:
            return None
        padded = f" {text} "
        for syn, name in table:
            if text == syn or f" {syn} " in padded:
                return name
        return None

    return recognise


class MappingError(ValidationError):
    code = "import_mapping"


def guess_mapping(kind: str, headers: list[str]) -> dict[int, str]:
    """Column index → field, each field taken by its first matching column."""
    recognise = recogniser(kind)
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        name = recognise(header)
        if name and name not in taken:
            mapping[index] = name
            taken.add(name)
    return mapping


def check_mapping(kind: str, mapping: dict[int, str], headers: list[str]) -> dict[int, str]:
    """Refuse a mapping with an unknown field, a field given to two columns, or a missing
    required field, naming the columns."""
    known = FIELDS[kind]
    seen: dict[str, int] = {}
    for index, name in sorted(mapping.items()):
        if name not in known:
            raise MappingError(
                gettext_noop("Unknown field %(field)s in the column mapping."),
                params={"field": name},
                details={"mapping": name},
            )
        if name in seen:
            raise MappingError(
                gettext_noop(
                    "Two columns are mapped to %(field)s: “%(first)s” and “%(second)s”. "
                    "Map only one."
                ),
                params={
                    "field": name,
                    "first": headers[seen[name]] if seen[name] < len(headers) else seen[name],
                    "second": headers[index] if index < len(headers) else index,
                },
                details={"mapping": name},
            )
        seen[name] = index
    missing = [name for name in REQUIRED[kind] if name not in seen]
    if missing:
        raise MappingError(
            gettext_noop("No column is mapped to %(fields)s."),
            params={"fields": ", ".join(missing)},
            details={"mapping": ", ".join(missing)},
        )
    return dict(mapping)


COUNTRIES = {
    "mali": "ML",
    "burkina faso": "BF",
    "niger": "NE",
    "tchad": "TD",
    "chad": "TD",
    "mauritanie": "MR",
    "mauritania": "MR",
    "nigeria": "NG",
    "senegal": "SN",
    "cote d ivoire": "CI",
    "ivory coast": "CI",
    "ghana": "GH",
    "guinee": "GN",
    "guinea": "GN",
    "algerie": "DZ",
    "algeria": "DZ",
    "libye": "LY",
    "libya": "LY",
    "russie": "RU",
    "russia": "RU",
    "urss": "SU",
    "ussr": "SU",
    "union sovietique": "SU",
    "chine": "CN",
    "china": "CN",
    "belgique": "BE",
    "belgium": "BE",
    "allemagne": "DE",
    "germany": "DE",
    "france": "FR",
    "etats unis": "US",
    "united states": "US",
    "usa": "US",
    "bulgarie": "BG",
    "bulgaria": "BG",
    "roumanie": "RO",
    "romania": "RO",
    "serbie": "RS",
    "serbia": "RS",
    "yougoslavie": "YU",
    "yugoslavia": "YU",
    "tchecoslovaquie": "CS",
    "czechoslovakia": "CS",
    "republique tcheque": "CZ",
    "czech republic": "CZ",
    "israel": "IL",
    "italie": "IT",
    "italy": "IT",
    "espagne": "ES",
    "spain": "ES",
    "turquie": "TR",
    "turkey": "TR",
    "iran": "IR",
    "pakistan": "PK",
    "inde": "IN",
    "india": "IN",
    "bresil": "BR",
    "brazil": "BR",
    "afrique du sud": "ZA",
    "south africa": "ZA",
    "ukraine": "UA",
    "egypte": "EG",
    "egypt": "EG",
    "hongrie": "HU",
    "hungary": "HU",
    "pologne": "PL",
    "poland": "PL",
    "royaume uni": "GB",
    "united kingdom": "GB",
    "autriche": "AT",
    "austria": "AT",
    "suisse": "CH",
    "switzerland": "CH",
    "coree du nord": "KP",
    "north korea": "KP",
}


def parse_country(text: str) -> str:
    value = (text or "").strip()
    if not value:
        return ""
    if re.fullmatch(r"[A-Za-z]{2}", value):
        return value.upper()
    code = COUNTRIES.get(simplify(value))
    if code:
        return code
    raise ValueError(gettext_noop("not a country code or a known country name"))


def parse_year(text: str, *, today: date) -> int | None:
    value = (text or "").strip()
    if not value:
        return None
    if not re.fullmatch(r"\d{4}", value):
        raise ValueError(gettext_noop("a year is written with four digits"))
    year = int(value)
    if not 1850 <= year <= today.year:
        raise ValueError(gettext_noop("impossible year"))
    return year


MONTHS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
    "janv": 1,
    "fevr": 2,
    "fev": 2,
    "avr": 4,
    "juil": 7,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
}


def parse_date(text: str, *, today: date) -> date | None:
    """dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, dd/mm/yy, yyyy-mm-dd (also with a time, as XLSX
    gives), "12 mars 2019", "12 March 2019", "March 12, 2019"."""
    value = (text or "").strip()
    if not value:
        return None
    found = None
    for pattern in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            found = datetime.strptime(value, pattern).date()
            break
        except ValueError:
            continue
    if found is None:
        m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", value)
        if m:
            day, month, year = (int(g) for g in m.groups())
            if year < 100:
                year += 2000 if year <= today.year % 100 else 1900
            found = _date(year, month, day)
    if found is None:
        words = simplify(value).replace(",", " ").split()
        if len(words) == 3:
            if words[0].isdigit() and words[1] in MONTHS and words[2].isdigit():
                found = _date(int(words[2]), MONTHS[words[1]], int(words[0]))
            elif words[0] in MONTHS and words[1].isdigit() and words[2].isdigit():
                found = _date(int(words[2]), MONTHS[words[0]], int(words[1]))
    if found is None:
        raise ValueError(gettext_noop("not a date (write 31/12/2019 or 2019-12-31)"))
    if found > today or found.year < 1850:
        raise ValueError(gettext_noop("impossible date"))
    return found


def _date(year, month, day):
    try:
        return date(year, month, day)
    except ValueError:
        return None
