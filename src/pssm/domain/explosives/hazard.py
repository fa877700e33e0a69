"""Hazard classification codes (HCC = hazard division + compatibility group, e.g. ``1.1D``):
the 35 valid combinations of the UN Model Regulations (IATG 01.50 V3 2021 §6; 49 CFR 173.52),
rule ``HCC.VALID``."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pssm.domain.errors import ValidationError, gettext_noop
from pssm.domain.rules import RuleSet, load

_PATTERN = re.compile(r"^\s*(1\.[1-6])\s*([A-Z])\s*$")


class HazardCodeError(ValidationError):
    code = "hazard_code"
    default_message = gettext_noop("This is not a valid hazard classification code.")


@dataclass(frozen=True, order=True)
class HazardCode:
    division: str  # "1.1" … "1.6"
    group: str  # compatibility group letter

    def __str__(self) -> str:
        return f"{self.division}{self.group}"


def valid_codes(rules: RuleSet | None = None) -> list[str]:
    table = (rules or load()).value("HCC.VALID")
    return [f"{hd}{cg}" for hd, groups in table.items() for cg in groups]


def parse_hazard_code(text: str, rules: RuleSet | None = None) -> HazardCode:
    """``"1.1d"`` → HazardCode("1.1", "D"); :class:`HazardCodeError` for anything outside the
    35 valid combinations (e.g. ``1.4A``), with the valid groups of that division in the
    message."""
    table = (rules or load()).value("HCC.VALID")
    match = _PATTERN.match((text or "").upper())
    if not match:
        raise HazardCodeError(
            gettext_noop(
                "“%(code)s” is not a hazard classification code: write the division and the "
                "compatibility group, e.g. 1.1D or 1.4S."
            ),
            params={"code": text or ""},
            details={"hazard_code": gettext_noop("Invalid hazard code.")},
        )
    division, group = match.groups()
    if group not in table.get(division, ""):
        raise HazardCodeError(
            gettext_noop(
                "%(code)s is not a valid hazard classification code: division %(division)s "
                "takes only the compatibility groups %(groups)s (rule HCC.VALID)."
            ),
            params={
                "code": f"{division}{group}",
                "division": division,
                "groups": ", ".join(table.get(division, "")),
            },
            details={"hazard_code": gettext_noop("Invalid hazard code.")},
        )
    return HazardCode(division, group)
