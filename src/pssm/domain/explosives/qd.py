"""Quantity-distance (IATG 02.20 V3 2021 Table 8 and annexes; cross-checks per rule) and the
explosives limit licence (IATG 02.30 V3 2021).

- Aggregation (rule ``HD.AGGREGATION``): the most hazardous division present governs and the
  NEQ of every division aggregated into it is summed; 1.5 and 1.6 count as 1.1, 1.4S is
  ignored. Each division is also checked alone, and the largest distance governs (hazard does
  not average).
- Required distance D = max(k·Q^(1/3), minimum), rounded up to the next metre; Q in kg NEQ.
- Inverse: the most NEQ a distance allows, Q = (D/k)³ (zero when D is under the minimum).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext

from pssm.domain.errors import Text, ValidationError, gettext_noop
from pssm.domain.rules import Rule, RuleSet, load

from .hazard import HazardCode

RELATIONSHIPS = (
    "inter_magazine",
    "process_building",
    "inhabited_building",
    "inhabited_building_low_density",
    "vulnerable_building",
    "public_traffic_route",
    "site_boundary",
)
ZERO = Decimal(0)
MICRO = Decimal("0.000001")
GRAM = Decimal("0.001")


def fmt(value: Decimal) -> str:
    """A mass or distance as plain text without trailing zeros ("292", "0.75")."""
    text = format(Decimal(value).normalize(), "f")
    return text


class NeqError(ValidationError):
    code = "neq"
    default_message = gettext_noop("The net explosive quantity is not valid.")


def check_neq(value, field: str = "neq_kg", maximum: Decimal | None = None) -> Decimal:
    """``value`` as a Decimal NEQ in kg, or :class:`NeqError` (negative, not a number, absurd)."""
    try:
        neq = Decimal(str(value).strip().replace(",", "."))
    except ArithmeticError:
        neq = None
    if neq is None or not neq.is_finite():
        raise NeqError(
            gettext_noop("“%(value)s” is not a quantity in kilograms."),
            params={"value": value},
            details={field: gettext_noop("Not a number.")},
        )
    if neq < 0:
        raise NeqError(
            gettext_noop("A net explosive quantity cannot be negative (%(value)s kg)."),
            params={"value": value},
            details={field: gettext_noop("Negative quantity.")},
        )
    if maximum is not None and neq > maximum:
        raise NeqError(
            gettext_noop(
                "%(value)s kg is not a plausible net explosive quantity here (at most "
                "%(maximum)s kg)."
            ),
            params={"value": value, "maximum": maximum},
            details={field: gettext_noop("Implausible quantity.")},
        )
    return neq


def cube_root(q: Decimal) -> Decimal:
    if q <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        root = q ** (Decimal(1) / Decimal(3))
        return root.quantize(Decimal("1e-20"))


def required_distance(k: Decimal, minimum_m: Decimal, neq_kg: Decimal) -> Decimal:
    """max(k·Q^(1/3), minimum), rounded up to the next metre; zero NEQ needs no distance."""
    if neq_kg <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        scaled = (Decimal(k) * cube_root(Decimal(neq_kg))).quantize(MICRO)  # drop float noise
    return max(scaled, Decimal(minimum_m)).to_integral_value(rounding=ROUND_CEILING)


def max_neq_for(k: Decimal, minimum_m: Decimal, distance_m: Decimal) -> Decimal | None:
    """The most NEQ (kg, rounded down to the gram) that ``distance_m`` allows; None when the
    rule has no k-term (only a minimum), i.e. any quantity once the minimum is met."""
    if distance_m < minimum_m:
        return ZERO
    if k == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        return ((Decimal(distance_m) / Decimal(k)) ** 3).quantize(GRAM, rounding=ROUND_FLOOR)


@dataclass(frozen=True)
class Aggregate:
    governing_hd: str  # "" when nothing counts (empty, or only 1.4S)
    neq_kg: Decimal
    by_hd: dict[str, Decimal] = field(default_factory=dict)
    candidates: tuple[tuple[str, Decimal], ...] = ()
    groups: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "governing_hd": self.governing_hd,
            "neq_kg": fmt(self.neq_kg),
            "by_hd": {hd: fmt(q) for hd, q in self.by_hd.items()},
        }


def aggregate(stock: dict[HazardCode, Decimal], rules: RuleSet | None = None) -> Aggregate:
    """The governing hazard division and its aggregated NEQ for ``stock`` (NEQ per code)."""
    rules = rules or load()
    table = rules.value("HD.AGGREGATION")
    by_hd: dict[str, Decimal] = {}
    groups = set()
    for code, neq in stock.items():
        if neq <= 0:
            continue
        groups.add(code.group)  # every group present counts for the licence, 1.4S included
        if str(code) in table["ignore_codes"]:
            continue
        hd = table["treat_as"].get(code.division, code.division)
        by_hd[hd] = by_hd.get(hd, ZERO) + Decimal(neq)
    present = [hd for hd in table["order"] if hd in by_hd]
    if not present:
        return Aggregate("", ZERO, {}, (), tuple(sorted(groups)))
    governing = present[0]
    total = sum((by_hd[hd] for hd in table["aggregate"][governing] if hd in by_hd), ZERO)
    candidates = [(governing, total)]
    if table.get("each_alone"):
        candidates += [(hd, by_hd[hd]) for hd in present if (hd, by_hd[hd]) != (governing, total)]
    ordered = {hd: by_hd[hd] for hd in present}
    return Aggregate(governing, total, ordered, tuple(candidates), tuple(sorted(groups)))


def distance_rules(
    hd: str, relationship: str, pes_type: str = "", rules: RuleSet | None = None
) -> Rule:
    """The QD rule for hazard division ``hd`` and ``relationship``; inter-magazine rows may
    depend on the type of the potential explosion site (``pes_type``), "*" being the default."""
    rules = rules or load()
    index = _index(rules)
    found = index.get((hd, relationship, pes_type)) or index.get((hd, relationship, "*"))
    if found is None:
        raise KeyError(f"no QD rule for HD {hd} and {relationship}")
    return found


_INDEXES: dict[int, dict] = {}


def _index(rules: RuleSet) -> dict:
    key = id(rules)
    cached = _INDEXES.get(key)
    if cached is None or cached[0] is not rules:
        table = {}
        for rule in rules.rules.values():
            if "relationship" in rule.extra:
                pes = rule.extra.get("pes_type", "*")
                table[(rule.extra["hd"], rule.extra["relationship"], pes)] = rule
        cached = (rules, table)
        _INDEXES[key] = cached
    return cached[1]


@dataclass(slots=True)
class ExposedSite:
    code: str
    name: str
    relationship: str
    distance_m: Decimal


@dataclass(slots=True)
class DistanceCheck:
    exposed: ExposedSite
    hd: str
    neq_kg: Decimal
    rule: Rule
    required_m: Decimal
    neq_text: str = ""
    margin_m: Decimal = ZERO
    status: str = "empty"  # "ok", "violation", or "empty" when there is no stock

    def __post_init__(self):
        self.margin_m = self.exposed.distance_m - self.required_m
        if self.neq_kg > 0:
            self.status = "ok" if self.margin_m >= 0 else "violation"

    def as_dict(self) -> dict:
        es = self.exposed
        return {
            "exposed_site": es.code,
            "name": es.name,
            "relationship": es.relationship,
            "governing_hd": self.hd,
            "neq_kg": self.neq_text or fmt(self.neq_kg),
            **self.rule.qd_fields,
            "required_m": str(self.required_m),
            "actual_m": str(es.distance_m),
            "margin_m": str(self.margin_m),
            "status": self.status,
        }


def governing_distance(
    agg: Aggregate, relationship: str, pes_type: str = "", rules: RuleSet | None = None
) -> tuple[str, Decimal, Rule, Decimal]:
    """(hd, neq, rule, required) of the candidate needing the largest distance."""
    rules = rules or load()
    best = None
    for hd, neq in agg.candidates or ((agg.governing_hd or "1.4", ZERO),):
        rule = distance_rules(hd, relationship, pes_type, rules)
        req = required_distance(rule.extra["k"], rule.extra["minimum_m"], neq)
        if best is None or req > best[3]:
            best = (hd, neq, rule, req)
    return best


def check_distances(
    agg: Aggregate, exposed: list[ExposedSite], pes_type: str = "", rules: RuleSet | None = None
) -> list[DistanceCheck]:
    """One check per exposed site, in the given order."""
    rules = rules or load()
    memo: dict[str, tuple] = {}
    out = []
    for es in exposed:
        found = memo.get(es.relationship)
        if found is None:
            hd, neq, rule, req = governing_distance(agg, es.relationship, pes_type, rules)
            found = memo[es.relationship] = (hd, neq, rule, req, fmt(neq))
        out.append(DistanceCheck(es, *found))
    return out


def distance_rows(
    agg: Aggregate, exposed: list[ExposedSite], pes_type: str = "", rules: RuleSet | None = None
) -> tuple[list[dict], int]:
    """The rows of :func:`check_distances` as plain dicts (what a report prints), and how
    many are violations; the same figures without an object per pair."""
    rules = rules or load()
    memo: dict[str, tuple] = {}
    rows, violations = [], 0
    empty = agg.neq_kg <= 0
    for es in exposed:
        found = memo.get(es.relationship)
        if found is None:
            hd, neq, rule, req = governing_distance(agg, es.relationship, pes_type, rules)
            fixed = {
                "governing_hd": hd,
                "neq_kg": fmt(neq),
                **rule.qd_fields,
                "required_m": str(req),
            }
            found = memo[es.relationship] = (req, fixed, neq <= 0)
        req, fixed, no_stock = found
        margin = es.distance_m - req
        if no_stock or empty:
            status = "empty"
        elif margin >= 0:
            status = "ok"
        else:
            status = "violation"
            violations += 1
        rows.append(
            {
                "exposed_site": es.code,
                "name": es.name,
                "relationship": es.relationship,
                **fixed,
                "actual_m": str(es.distance_m),
                "margin_m": str(margin),
                "status": status,
            }
        )
    return rows, violations


def distance_table(agg: Aggregate, pes_type: str = "", rules: RuleSet | None = None) -> list[dict]:
    """One entry per relationship for ``agg``: k, minimum, required distance and source."""
    rules = rules or load()
    rows = []
    for relationship in RELATIONSHIPS:
        hd, neq, rule, req = governing_distance(agg, relationship, pes_type, rules)
        rows.append(
            {
                "relationship": relationship,
                "hd": hd,
                "neq_kg": fmt(neq),
                "k": str(rule.extra["k"]),
                "minimum_m": str(rule.extra["minimum_m"]),
                "required_m": str(req),
                "rule": rule.id,
                "source": rule.citation(),
                "provisional": rule.provisional,
            }
        )
    return rows


def max_neq(
    exposed: list[ExposedSite], pes_type: str = "", rules: RuleSet | None = None
) -> dict[str, Decimal | None]:
    """Per hazard division, the most NEQ the PES could hold given its exposed sites: the
    minimum over them of (D/k)³ (None: no distance limits it). Only the nearest exposed site
    of each relationship can set the minimum, so the others are not computed."""
    rules = rules or load()
    nearest: dict[str, Decimal] = {}
    for es in exposed:
        d = nearest.get(es.relationship)
        if d is None or es.distance_m < d:
            nearest[es.relationship] = es.distance_m
    out: dict[str, Decimal | None] = {}
    for hd in rules.value("HD.AGGREGATION")["order"]:
        best: Decimal | None = None
        for relationship, distance in nearest.items():
            rule = distance_rules(hd, relationship, pes_type, rules)
            q = max_neq_for(rule.extra["k"], rule.extra["minimum_m"], distance)
            if q is not None and (best is None or q < best):
                best = q
        out[hd] = best
    return out


@dataclass(frozen=True)
class LicenceBreach:
    rule: str
    text: str
    params: dict

    @property
    def wording(self) -> Text:
        return Text(self.text, **self.params)

    def as_dict(self) -> dict:
        return {
            "rule": self.rule,
            "text": str(self.wording),
            "wording": self.wording.as_dict(),
            **self.params,
        }


def check_licence(
    agg: Aggregate, limits_kg: dict[str, Decimal], permitted_groups: str
) -> list[LicenceBreach]:
    """Breaches of an explosives limit licence: the aggregated NEQ of the governing division
    above its licensed limit (a division without a limit is not licensed), or a
    compatibility group the licence does not permit."""
    out = []
    if agg.governing_hd:
        limit = limits_kg.get(agg.governing_hd)
        if limit is None:
            out.append(
                LicenceBreach(
                    "LICENCE.HD",
                    gettext_noop("The licence does not cover hazard division %(hd)s."),
                    {"hd": agg.governing_hd},
                )
            )
        elif agg.neq_kg > limit:
            out.append(
                LicenceBreach(
                    "LICENCE.NEQ",
                    gettext_noop(
                        "%(neq)s kg NEQ of hazard division %(hd)s exceeds the licensed limit "
                        "of %(limit)s kg."
                    ),
                    {"hd": agg.governing_hd, "neq": str(agg.neq_kg), "limit": str(limit)},
                )
            )
    extra = [g for g in agg.groups if permitted_groups and g not in permitted_groups]
    if extra:
        out.append(
            LicenceBreach(
                "LICENCE.CG",
                gettext_noop("The licence does not permit compatibility group(s) %(groups)s."),
                {"groups": ", ".join(extra)},
            )
        )
    return out
