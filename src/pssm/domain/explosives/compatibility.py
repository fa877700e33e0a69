"""Storage compatibility of ammunition sharing one explosive storehouse (IATG 01.50 V3 2021
§7.1 mixing table, rule ``CG.MIX`` with its conditions ``CG.COND.n``; §7.2 separate storage,
rule ``STORE.SEPARATE``).

The matrix is symmetric; a pair absent from it is forbidden (deny unless an entry permits).
Conditions 1 and 2 block unless authorised (a waiver); conditions 4 and 5 allow the pair only
for the same nature; condition 3 allows the pair and is reported as a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from pssm.domain.errors import Text, gettext_noop
from pssm.domain.rules import RuleSet, load

from .hazard import HazardCode


@dataclass(frozen=True)
class StockItem:
    code: HazardCode
    nature: str = ""  # the nature's code, for the "same type only" conditions
    condition: str = "A"  # condition code of the lot


# The wording shown to users for each rule (the rule files keep the source's own wording).
WORDING = {
    "CG.MIX": gettext_noop("Compatibility groups %(a)s and %(b)s may not share a storehouse."),
    "CG.COND.1": gettext_noop(
        "Group B with group D only when the B items are in their own compartment or "
        "container, protected against propagation."
    ),
    "CG.COND.2": gettext_noop(
        "Group G (not fireworks) with groups C, D or E only when authorised."
    ),
    "CG.COND.3": gettext_noop("Group N stored with groups C, D or E is treated as group D."),
    "CG.COND.4": gettext_noop("Group K only with the same type of group K."),
    "CG.COND.5": gettext_noop("Group L only with identical explosives of group L."),
    "STORE.SEPARATE": gettext_noop(
        "Unserviceable, suspended or suspect ammunition is stored apart from serviceable stock."
    ),
}


@dataclass(frozen=True)
class Conflict:
    first: str
    second: str
    rule: str
    wording: Text
    blocks: bool
    citation: str

    @property
    def text(self) -> str:
        return str(self.wording)

    def as_dict(self) -> dict:
        return {
            "first": self.first,
            "second": self.second,
            "rule": self.rule,
            "text": self.text,
            "wording": self.wording.as_dict(),
            "blocks": self.blocks,
            "source": self.citation,
        }


def _wording(rule) -> Text:
    return Text(WORDING.get(rule.id, rule.value.get("text", rule.id)))


def pair_rule(a: str, b: str, rules: RuleSet | None = None) -> str | None:
    """``"Y"`` if groups ``a`` and ``b`` may share a storehouse, a condition number, or None."""
    table = (rules or load()).value("CG.MIX")
    key = "".join(sorted((a, b)))
    if key in table["allowed"]:
        return "Y"
    return table["conditional"].get(key)


def check_compatibility(items: list[StockItem], rules: RuleSet | None = None) -> list[Conflict]:
    """Every incompatible (or conditional) pair among ``items``, each once, sorted."""
    rules = rules or load()
    mix = rules["CG.MIX"]
    found: dict[tuple, Conflict] = {}
    distinct = sorted({(str(i.code), i.code.group, i.nature) for i in items})
    for (code_a, cg_a, nat_a), (code_b, cg_b, nat_b) in combinations(distinct, 2):
        verdict = pair_rule(cg_a, cg_b, rules)
        if verdict == "Y":
            continue
        first, second = sorted((code_a, code_b))
        if verdict is None:
            key = (first, second, mix.id)
            found.setdefault(
                key,
                Conflict(
                    first,
                    second,
                    mix.id,
                    Text(WORDING[mix.id], a=cg_a, b=cg_b),
                    True,
                    mix.citation(),
                ),
            )
            continue
        cond = rules[f"CG.COND.{verdict}"]
        blocks = bool(cond.value["blocks"])
        if cond.value.get("same_nature"):
            if nat_a == nat_b:
                continue
            blocks = True
        key = (first, second, cond.id)
        found.setdefault(
            key, Conflict(first, second, cond.id, _wording(cond), blocks, cond.citation())
        )
    separate = rules["STORE.SEPARATE"]
    apart = separate.value["condition_codes"]
    bad = sorted({str(i.code) + "/" + i.condition for i in items if i.condition in apart})
    good = sorted({str(i.code) + "/" + i.condition for i in items if i.condition not in apart})
    if bad and good:
        found[(good[0], bad[0], separate.id)] = Conflict(
            good[0], bad[0], separate.id, _wording(separate), True, separate.citation()
        )
    return sorted(found.values(), key=lambda c: (c.first, c.second, c.rule))
