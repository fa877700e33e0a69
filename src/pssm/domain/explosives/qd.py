"""Quantity-distance (IATG 02.20 V3 2021 Table 8 and annexes; cross-checks per rule) and the
explosives limit licence (IATG 02.30 V3 2021).

- HD 1.2 is split by the NEQ of one round (rule ``HD.1.2.SUBDIVISION``, AASTP-1 / IATG 02.20:
  more than 0.73 kg is HD 1.2.1, the rest HD 1.2.2); a round of unknown NEQ counts as HD 1.2.1,
  whose distances are the larger.
- Aggregation (rule ``HD.AGGREGATION``): the most hazardous division present governs and the
  NEQ of every division aggregated into it is summed; 1.5 counts as 1.1, 1.4S is ignored.
  Each division is also checked alone, a governing HD 1.2 total is also taken as HD 1.3, and
  HD 1.6 takes the HD 1.3 distances for its total or the HD 1.1 distances for its largest
  single article, whichever is greater. The largest distance governs (hazard does not average).
- Required distance D = max(f(Q), minimum), rounded up to the next metre (IATG 02.20 §7.7),
  Q in kg NEQ, where f is k·Q^e (e = 1/3 unless the rule says otherwise) or, for HD 1.2, the
  log-quadratic of IATG 02.20 Table H.1 times a factor.
- Inverse: the most NEQ a distance allows, Q = (D/k)^(1/e) or the log-quadratic solved by
  bisection, rounded down to the gram (zero when D is under the minimum).
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


def check_plausible(
    *, lot_neq_kg: dict[str, Decimal], site_neq_kg: Decimal, rules: RuleSet
) -> None:
    """Refuse a stock no depot could hold: a lot above ``NEQ.MAX_LOT_KG`` or a site above
    ``NEQ.MAX_SITE_KG`` (:class:`NeqError` naming the lot or the site total)."""
    lot_max = Decimal(str(rules.value("NEQ.MAX_LOT_KG")))
    for lot, neq in sorted(lot_neq_kg.items()):
        if neq > lot_max:
            raise NeqError(
                gettext_noop(
                    "Lot %(lot)s would hold %(neq)s kg NEQ, more than any real lot (at most "
                    "%(maximum)s kg, rule NEQ.MAX_LOT_KG): check the quantity and the NEQ per "
                    "unit."
                ),
                params={"lot": lot, "neq": fmt(neq), "maximum": fmt(lot_max)},
                details={"quantity": gettext_noop("Implausible quantity.")},
                code="neq_implausible",
            )
    site_max = Decimal(str(rules.value("NEQ.MAX_SITE_KG")))
    if site_neq_kg > site_max:
        raise NeqError(
            gettext_noop(
                "The site would hold %(neq)s kg NEQ, more than any real depot (at most "
                "%(maximum)s kg, rule NEQ.MAX_SITE_KG): check the quantities."
            ),
            params={"neq": fmt(site_neq_kg), "maximum": fmt(site_max)},
            details={"quantity": gettext_noop("Implausible quantity.")},
            code="neq_implausible",
        )


def check_lot_size(
    *, lot: str, quantity: int, neq_kg_per_unit: Decimal, max_quantity: int | None, rules: RuleSet
) -> None:
    """Refuse a lot larger than any real one: more units than its nature's
    ``max_lot_quantity`` (when the catalogue gives one) or more NEQ than ``NEQ.MAX_LOT_KG``."""
    if max_quantity and quantity > max_quantity:
        raise NeqError(
            gettext_noop(
                "Lot %(lot)s would hold %(quantity)s units, more than the largest lot of its "
                "nature (%(maximum)s units in the catalogue): check the quantity."
            ),
            params={"lot": lot, "quantity": quantity, "maximum": max_quantity},
            details={"quantity": gettext_noop("More than the nature's largest lot.")},
            code="lot_too_large",
        )
    check_plausible(
        lot_neq_kg={lot: Decimal(quantity) * neq_kg_per_unit}, site_neq_kg=Decimal(0), rules=rules
    )


def cube_root(q: Decimal) -> Decimal:
    if q <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        root = q ** (Decimal(1) / Decimal(3))
        return root.quantize(Decimal("1e-20"))


def required_distance(
    k: Decimal, minimum_m: Decimal, neq_kg: Decimal, exponent: Decimal | None = None
) -> Decimal:
    """max(k·Q^e, minimum) with e = 1/3 unless given, rounded up to the next metre; zero NEQ
    needs no distance."""
    if neq_kg <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        scaled = (Decimal(k) * _power(Decimal(neq_kg), exponent)).quantize(MICRO)  # float noise
    return max(scaled, Decimal(minimum_m)).to_integral_value(rounding=ROUND_CEILING)


def _power(q: Decimal, exponent: Decimal | None) -> Decimal:
    if exponent is None:
        return cube_root(q)
    if q <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        return (q**exponent).quantize(Decimal("1e-20"))


def max_neq_for(
    k: Decimal, minimum_m: Decimal, distance_m: Decimal, exponent: Decimal | None = None
) -> Decimal | None:
    """The most NEQ (kg, rounded down to the gram) that ``distance_m`` allows; None when the
    rule has no k-term (only a minimum), i.e. any quantity once the minimum is met."""
    if distance_m < minimum_m:
        return ZERO
    if k == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        inverse = Decimal(3) if exponent is None else Decimal(1) / exponent
        return ((Decimal(distance_m) / Decimal(k)) ** inverse).quantize(GRAM, rounding=ROUND_FLOOR)


@dataclass(frozen=True)
class Formula:
    """The distance a QD rule asks for as a function of the NEQ Q (kg), never less than
    ``minimum_m``: ``k·Q^exponent`` (exponent None is the cube root), or, when ``log`` holds
    (a, b, c), ``factor·(a + b·ln Q + c·(ln Q)²)`` (IATG 02.20 Table H.1, HD 1.2). The
    log-quadratic is held at its turning point so that the distance never shrinks as the
    stock grows."""

    k: Decimal
    minimum_m: Decimal
    exponent: Decimal | None = None
    log: tuple[Decimal, Decimal, Decimal] | None = None
    factor: Decimal = Decimal(1)

    @classmethod
    def of(cls, rule: Rule) -> Formula:
        cached = _FORMULAS.get(id(rule))
        if cached is not None and cached[0] is rule:
            return cached[1]
        extra = rule.extra
        exponent = extra.get("exponent")
        log = extra.get("log")
        found = cls(
            Decimal(extra.get("k", 0)),
            Decimal(extra["minimum_m"]),
            None if exponent in (None, "", "1/3") else _exponent(exponent),
            None if not log else tuple(Decimal(str(x)) for x in log),
            Decimal(str(extra.get("factor", 1))),
        )
        _FORMULAS[id(rule)] = (rule, found)
        return found

    def required(self, neq_kg: Decimal) -> Decimal:
        """The required distance in whole metres (rounded up); zero NEQ needs none."""
        if neq_kg <= 0:
            return ZERO
        if self.log is None:
            return required_distance(self.k, self.minimum_m, neq_kg, self.exponent)
        with localcontext() as ctx:
            ctx.prec = 40
            scaled = (self.factor * self._log_value(Decimal(neq_kg))).quantize(MICRO)
        return max(scaled, self.minimum_m).to_integral_value(rounding=ROUND_CEILING)

    def _log_value(self, q: Decimal) -> Decimal:
        a, b, c = self.log
        x = q.ln()
        if c:
            turn = -b / (2 * c)
            x = min(x, turn) if c < 0 else max(x, turn)
        return a + b * x + c * x * x

    def max_neq(self, distance_m: Decimal) -> Decimal | None:
        """The most NEQ (kg, rounded down to the gram) the distance allows; None when only a
        minimum applies and it is met (any quantity)."""
        if self.log is None:
            return max_neq_for(self.k, self.minimum_m, distance_m, self.exponent)
        if distance_m < self.minimum_m:
            return ZERO
        lo, hi = Decimal("0.001"), Decimal(10) ** 12
        if self.required(hi) <= distance_m:
            return None
        while hi - lo > GRAM:  # the function is monotone: bisect to the gram
            mid = ((lo + hi) / 2).quantize(GRAM)
            if mid in (lo, hi):
                break
            if self.required(mid) <= distance_m:
                lo = mid
            else:
                hi = mid
        return lo.quantize(GRAM, rounding=ROUND_FLOOR)

    def text(self) -> str:
        minimum = f", min {fmt(self.minimum_m)} m" if self.minimum_m else ""
        if self.log is not None:
            a, b, c = (fmt(x) for x in self.log)
            factor = "" if self.factor == 1 else f"{fmt(self.factor)}·"
            return f"{factor}({a} + {b}·ln Q + {c}·(ln Q)²){minimum}".replace("+ -", "− ")
        if self.k == 0:
            return f"{fmt(self.minimum_m)} m"
        power = "1/3" if self.exponent is None else fmt(self.exponent)
        return f"{fmt(self.k)}·Q^({power}){minimum}"


_FORMULAS: dict[int, tuple[Rule, Formula]] = {}


def _exponent(text) -> Decimal:
    text = str(text)
    if "/" in text:
        num, den = text.split("/", 1)
        with localcontext() as ctx:
            ctx.prec = 40
            return Decimal(num) / Decimal(den)
    return Decimal(text)


@dataclass(frozen=True)
class Holding:
    """NEQ of one hazard code in a PES, with the NEQ of its largest single round or article
    (None when unknown), which sub-divides HD 1.2 and sizes HD 1.6."""

    code: HazardCode
    neq_kg: Decimal
    neq_per_round_kg: Decimal | None = None


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


def qd_division(code: HazardCode, neq_per_round_kg: Decimal | None, rules: RuleSet) -> str:
    """The division the QD tables use: HD 1.2 becomes 1.2.1 or 1.2.2 by the NEQ of one round
    (rule ``HD.1.2.SUBDIVISION``); an unknown round counts as the larger-distance 1.2.1."""
    if code.division != "1.2" or "HD.1.2.SUBDIVISION" not in rules:  # a former edition
        return code.division
    split = rules.value("HD.1.2.SUBDIVISION")
    if neq_per_round_kg is None or Decimal(neq_per_round_kg) > Decimal(split["threshold_kg"]):
        return split["above"]
    return split["at_or_below"]


def aggregate(stock: dict[HazardCode, Decimal], rules: RuleSet | None = None) -> Aggregate:
    """The governing hazard division and its aggregated NEQ for ``stock`` (NEQ per code; HD 1.2
    with no round NEQ is taken as HD 1.2.1)."""
    return aggregate_holdings([Holding(code, neq) for code, neq in stock.items()], rules)


def aggregate_holdings(holdings: list[Holding], rules: RuleSet | None = None) -> Aggregate:
    """The governing hazard division, its aggregated NEQ and every candidate (division, NEQ)
    whose distance must also be met, for the holdings of one PES."""
    rules = rules or load()
    table = rules.value("HD.AGGREGATION")
    by_hd: dict[str, Decimal] = {}
    largest: dict[str, Decimal] = {}
    groups = set()
    for item in holdings:
        if item.neq_kg <= 0:
            continue
        code = item.code
        groups.add(code.group)  # every group present counts for the licence, 1.4S included
        if str(code) in table["ignore_codes"]:
            continue
        hd = qd_division(code, item.neq_per_round_kg, rules)
        hd = table["treat_as"].get(hd, hd)
        by_hd[hd] = by_hd.get(hd, ZERO) + Decimal(item.neq_kg)
        article = item.neq_kg if item.neq_per_round_kg is None else item.neq_per_round_kg
        largest[hd] = max(largest.get(hd, ZERO), min(Decimal(article), Decimal(item.neq_kg)))
    present = [hd for hd in table["order"] if hd in by_hd]
    if not present:
        return Aggregate("", ZERO, {}, (), tuple(sorted(groups)))
    governing = present[0]
    total = sum((by_hd[hd] for hd in table["aggregate"][governing] if hd in by_hd), ZERO)
    candidates = [(governing, total)]
    for other in table.get("also_as", {}).get(governing, ()):
        if other in by_hd:  # e.g. 1.1 + 1.2 taken as 1.2 too; 1.2 + 1.3 taken as 1.3 too
            candidates.append((other, total))
    if table.get("each_alone"):
        candidates += [(hd, by_hd[hd]) for hd in present]
    for hd, as_hd in table.get("largest_article_as", {}).items():
        if hd in largest:
            candidates.append((as_hd, largest[hd]))
    unique = tuple(dict.fromkeys(candidates))
    ordered = {hd: by_hd[hd] for hd in present}
    return Aggregate(governing, total, ordered, unique, tuple(sorted(groups)))


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
            **rule_fields(self.rule, self.neq_kg),
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
    table = rules.value("HD.AGGREGATION")
    distances_of = table.get("distances_of", {})
    best = None
    for hd, neq in agg.candidates or ((agg.governing_hd or "1.4", ZERO),):
        rule = distance_rules(distances_of.get(hd, hd), relationship, pes_type, rules)
        req = Formula.of(rule).required(neq)
        if best is None or req > best[3]:
            best = (hd, neq, rule, req)
    return best


def rule_fields(rule: Rule, neq_kg: Decimal) -> dict:
    """The fixed part of a QD row for ``rule``: its formula in words, k and minimum, source,
    and whether it is provisional: a provisional rule, or a quantity below the one under
    which the standard asks for caution (``caution_below_kg``: IATG 02.20 V3 footnote 16,
    HD 1.1 under 500 kg extrapolated from DoDM 6055.09)."""
    caution = rule.extra.get("caution_below_kg")
    below = bool(caution) and 0 < neq_kg < Decimal(str(caution))
    return {
        **rule.qd_fields,
        "formula": Formula.of(rule).text(),
        "provisional": rule.provisional or below,
        "caution": below,
    }


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
                **rule_fields(rule, neq),
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
        fields = rule_fields(rule, neq)
        rows.append(
            {
                "relationship": relationship,
                "hd": hd,
                "neq_kg": fmt(neq),
                **{k: fields[k] for k in ("k", "minimum_m", "formula")},
                "required_m": str(req),
                "rule": rule.id,
                "source": rule.citation(),
                "provisional": fields["provisional"],
                "caution": fields["caution"],
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
    table = rules.value("HD.AGGREGATION")
    for hd in table["order"]:
        best: Decimal | None = None
        for relationship, distance in nearest.items():
            as_hd = table.get("distances_of", {}).get(hd, hd)
            rule = distance_rules(as_hd, relationship, pes_type, rules)
            q = Formula.of(rule).max_neq(distance)
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
        if limit is None and agg.governing_hd.count(".") == 2:  # 1.2.1 under a 1.2 limit
            limit = limits_kg.get(agg.governing_hd.rsplit(".", 1)[0])
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
