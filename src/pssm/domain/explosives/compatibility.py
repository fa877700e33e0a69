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

from pssm.domain.rules import RuleSet, load

from .hazard import HazardCode


@dataclass(frozen=True)
class StockItem:
    code: HazardCode
    nature: str = ""  # the nature's code, for the "same type only" conditions
    condition: str = "A"  # condition code of the lot


@dataclass(frozen=True)
class Conflict:
    first: str
    second: str
    rule: str
    text: str
    blocks: bool
    citation: str

    def as_dict(self) -> dict:
        return {
            "first": self.first,
            "second": self.second,
            "rule": self.rule,
            "text": self.text,
            "blocks": self.blocks,
            "source": self.citation,
        }


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
                    f"Compatibility groups {cg_a} and {cg_b} may not share a storehouse.",
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
            key, Conflict(first, second, cond.id, cond.value["text"], blocks, cond.citation())
        )
    separate = rules["STORE.SEPARATE"]
    apart = separate.value["condition_codes"]
    bad = sorted({str(i.code) + "/" + i.condition for i in items if i.condition in apart})
    good = sorted({str(i.code) + "/" + i.condition for i in items if i.condition not in apart})
    if bad and good:
        found[(good[0], bad[0], separate.id)] = Conflict(
            good[0], bad[0], separate.id, separate.value["text"], True, separate.citation()
        )
    return sorted(found.values(), key=lambda c: (c.first, c.second, c.rule))
