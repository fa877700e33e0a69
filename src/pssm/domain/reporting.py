"""Rules of the national reports and of tracing, in plain values.

- Report periods (:func:`check_period`, :func:`year_period`).
- The categories of the Arms Trade Treaty annual report (art. 2(1) and 13; the ATT reporting
  template, categories I-VIII with small arms and light weapons by sub-category) and of the UN
  Register of Conventional Arms SALW return (the same sub-categories, UNODA standardised
  form), and which of them fit a weapon type (:func:`att_categories`, :func:`check_att_category`).
- Which regional instrument binds a country on a date (:func:`instrument_for`), read from the
  data file ``rules/reporting.json``, so that a withdrawal or an accession is a data change.
- What a trace request must identify before the registry is searched (ITI §17: the marks,
  and the type or calibre of the weapon; :func:`check_identification`).
- The columns and event vocabulary of an export to INTERPOL's iARMS (as far as its record
  layout is public: make, model, calibre, serial, type, countries, event, date, reference).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources

from .errors import ValidationError, gettext_noop
from .serials import normalise

# --- periods ------------------------------------------------------------------------------

EARLIEST_YEAR = 1990  # the Register of Conventional Arms starts in 1992; nothing older is kept


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def check_period(start: date | None, end: date | None) -> Period:
    """A report period, or ValidationError naming the bad end of it."""
    if start is None:
        raise ValidationError(
            gettext_noop("Give the first day of the period."),
            details={"period_start": gettext_noop("Give the first day of the period.")},
        )
    if end is None:
        raise ValidationError(
            gettext_noop("Give the last day of the period."),
            details={"period_end": gettext_noop("Give the last day of the period.")},
        )
    if end < start:
        message = gettext_noop("The period ends (%(end)s) before it starts (%(start)s).")
        raise ValidationError(
            message,
            params={"start": start.isoformat(), "end": end.isoformat()},
            details={"period_end": gettext_noop("The period ends before it starts.")},
        )
    if start.year < EARLIEST_YEAR:
        message = gettext_noop("A report period starts in %(year)s at the earliest.")
        raise ValidationError(
            message,
            params={"year": EARLIEST_YEAR},
            details={"period_start": gettext_noop("The period starts too early.")},
        )
    return Period(start, end)


def year_period(year: int) -> Period:
    """The calendar year ``year`` (what the ATT, the Register and the annual stock report
    cover)."""
    if not isinstance(year, int) or year < EARLIEST_YEAR or year > 9999:
        message = gettext_noop("Give the year as four digits, %(first)s or later.")
        raise ValidationError(
            message,
            params={"first": EARLIEST_YEAR},
            details={"year": gettext_noop("Give the year as four digits.")},
        )
    return check_period(date(year, 1, 1), date(year, 12, 31))


# --- ATT and UNROCA categories -------------------------------------------------------------

# ATT art. 2(1) categories; VIII is small arms and light weapons, reported by sub-category.
ATT_CATEGORIES = {
    "I": gettext_noop("I. Battle tanks"),
    "II": gettext_noop("II. Armoured combat vehicles"),
    "III": gettext_noop("III. Large-calibre artillery systems"),
    "IV": gettext_noop("IV. Combat aircraft"),
    "V": gettext_noop("V. Attack helicopters"),
    "VI": gettext_noop("VI. Warships"),
    "VII": gettext_noop("VII. Missiles and missile launchers (including MANPADS)"),
    "VIII.SA.1": gettext_noop("VIII. Small arms: revolvers and self-loading pistols"),
    "VIII.SA.2": gettext_noop("VIII. Small arms: rifles and carbines"),
    "VIII.SA.3": gettext_noop("VIII. Small arms: sub-machine guns"),
    "VIII.SA.4": gettext_noop("VIII. Small arms: assault rifles"),
    "VIII.SA.5": gettext_noop("VIII. Small arms: light machine guns"),
    "VIII.SA.6": gettext_noop("VIII. Small arms: others"),
    "VIII.LW.1": gettext_noop("VIII. Light weapons: heavy machine guns"),
    "VIII.LW.2": gettext_noop("VIII. Light weapons: grenade launchers"),
    "VIII.LW.3": gettext_noop("VIII. Light weapons: portable anti-tank guns"),
    "VIII.LW.4": gettext_noop("VIII. Light weapons: recoilless rifles"),
    "VIII.LW.5": gettext_noop(
        "VIII. Light weapons: portable anti-tank missile and rocket launchers"
    ),
    "VIII.LW.6": gettext_noop("VIII. Light weapons: mortars of calibres less than 75 mm"),
    "VIII.LW.7": gettext_noop("VIII. Light weapons: others"),
}

# The registry's weapon categories (the ITI / UN Register types) and the ATT categories that
# can hold them; the first one is the default. A mortar of 75 mm or more is artillery (ATT
# category III, "calibre of 75 millimetres and above"); MANPADS are reported under VII.
_FITS = {
    "pistol": ("VIII.SA.1",),
    "rifle": ("VIII.SA.2",),
    "smg": ("VIII.SA.3",),
    "assault_rifle": ("VIII.SA.4",),
    "lmg": ("VIII.SA.5",),
    "hmg": ("VIII.LW.1",),
    "grenade_launcher": ("VIII.LW.2",),
    "anti_tank_gun": ("VIII.LW.3",),
    "recoilless": ("VIII.LW.4",),
    "anti_tank_launcher": ("VIII.LW.5",),
    "mortar": ("VIII.LW.6", "III"),
    "manpads": ("VII",),
}
WEAPON_CATEGORIES = tuple(_FITS)

_MM = re.compile(r"(\d+(?:[.,]\d+)?)\s*mm", re.IGNORECASE)


def calibre_mm(calibre: str) -> float | None:
    """The calibre in millimetres when the text gives it in mm (``"82 mm"``), else None."""
    m = _MM.search(calibre or "")
    return float(m.group(1).replace(",", ".")) if m else None


def att_categories(weapon_category: str, calibre: str = "") -> tuple[str, ...]:
    """The ATT categories that fit a weapon of ``weapon_category`` (and, for a mortar, its
    calibre: under 75 mm is a light weapon, 75 mm and above artillery)."""
    fits = _FITS.get(weapon_category)
    if fits is None:
        return ()
    if weapon_category == "mortar":
        mm = calibre_mm(calibre)
        if mm is not None:
            return ("VIII.LW.6",) if mm < 75 else ("III",)
    return fits


def att_category(weapon_category: str, calibre: str = "") -> str:
    """The ATT category a weapon is reported under when nobody chose one."""
    fits = att_categories(weapon_category, calibre)
    return fits[0] if fits else "VIII.SA.6"


def check_att_category(chosen: str, weapon_category: str, calibre: str = "") -> str:
    """``chosen`` when it fits the weapon type; ValidationError naming it otherwise."""
    if chosen not in ATT_CATEGORIES:
        message = gettext_noop("%(category)s is not a category of the Arms Trade Treaty.")
        raise ValidationError(
            message,
            params={"category": chosen},
            details={"att_category": gettext_noop("Not a category of the Arms Trade Treaty.")},
        )
    fits = att_categories(weapon_category, calibre)
    if chosen not in fits:
        message = gettext_noop(
            "ATT category %(category)s does not fit a weapon of type %(type)s (expected "
            "%(expected)s)."
        )
        raise ValidationError(
            message,
            params={
                "category": chosen,
                "type": weapon_category,
                "expected": ", ".join(fits) or "-",
            },
            details={"att_category": gettext_noop("This category does not fit the weapon type.")},
        )
    return chosen


def salw_subcategory(att: str) -> str:
    """The UNROCA SALW line of an ATT category (``SA.4``), or empty outside category VIII."""
    return att[len("VIII.") :] if att.startswith("VIII.") else ""


# --- regional instruments ------------------------------------------------------------------


@lru_cache(maxsize=1)
def _reporting_rules() -> dict:
    text = resources.files("pssm.domain.rules").joinpath("reporting.json").read_text("utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Instrument:
    key: str
    title: str
    source: str
    exemption_number: bool
    definition: str


def instrument(key: str) -> Instrument:
    data = _reporting_rules()["instruments"][key]
    return Instrument(
        key, data["title"], data["source"], data["exemption_number"], data["definition"]
    )


def instrument_for(country: str, on: date) -> Instrument:
    """The regional instrument binding ``country`` on ``on``; ``national`` when none is."""
    for row in _reporting_rules()["membership"]:
        if row["country"] != country:
            continue
        start = date.fromisoformat(row["from"])
        end = date.fromisoformat(row["to"]) if row.get("to") else None
        if start <= on and (end is None or on <= end):
            return instrument(row["instrument"])
    return instrument("national")


# --- trace requests ------------------------------------------------------------------------


def check_identification(
    *, serial: str = "", marks: str = "", make: str = "", model: str = "", calibre: str = ""
) -> str:
    """The normalised serial to search on; ValidationError when the request does not identify
    a weapon well enough to search: the marks (a serial number, or other marks) and at least
    one of make, model or calibre (ITI §17)."""
    norm = normalise(serial or "")
    if not norm and not normalise(marks or ""):
        message = gettext_noop(
            "Give the serial number or the other marks of the weapon: without them the "
            "registry cannot be searched."
        )
        raise ValidationError(message, details={"serial": message})
    if not any((v or "").strip() for v in (make, model, calibre)):
        message = gettext_noop(
            "Give at least the make, the model or the calibre of the weapon (ITI §17)."
        )
        raise ValidationError(message, details={"make": message})
    return norm or normalise(marks)


# --- iARMS ---------------------------------------------------------------------------------

# The record layout of INTERPOL's Illicit Arms Records and tracing Management System, as far
# as it is public (iARMS fact sheet and user guide): identification, the reporting country,
# the event and the national reference.
IARMS_COLUMNS = (
    "Make",
    "Model",
    "Calibre",
    "Serial number",
    "Firearm type",
    "Country of manufacture",
    "Reporting country",
    "Event",
    "Date of event",
    "National reference",
    "Police report",
)
IARMS_EVENTS = {"lost": "Lost", "stolen": "Stolen"}
IARMS_TYPES = {
    "pistol": "Pistol/Revolver",
    "rifle": "Rifle",
    "smg": "Sub-machine gun",
    "assault_rifle": "Rifle (assault)",
    "lmg": "Machine gun (light)",
    "hmg": "Machine gun (heavy)",
    "grenade_launcher": "Grenade launcher",
    "anti_tank_gun": "Anti-tank gun",
    "recoilless": "Recoilless rifle",
    "anti_tank_launcher": "Rocket launcher",
    "mortar": "Mortar",
    "manpads": "MANPADS",
}


def iarms_event(status: str) -> str:
    """The iARMS event of a loss report's reason (``lost`` or ``stolen``)."""
    try:
        return IARMS_EVENTS[status]
    except KeyError:
        raise ValidationError(
            gettext_noop("Only lost or stolen weapons go to iARMS."), params={}
        ) from None
