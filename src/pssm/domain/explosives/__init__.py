"""The explosives-safety engine: hazard classification codes, storage compatibility, the
aggregation of mixed hazard divisions, quantity-distance and explosives limit licences.

Pure functions over plain values and the rule tables of :mod:`pssm.domain.rules` (IATG 01.50
V3 2021 §6–7, IATG 02.20 V3 2021 Table 8 and its annexes, IATG 02.30; cross-checks listed per
rule). Nothing here reads the clock, the database or the settings.
"""

from .compatibility import Conflict, check_compatibility
from .hazard import HazardCode, HazardCodeError, parse_hazard_code
from .qd import (
    RELATIONSHIPS,
    Aggregate,
    DistanceCheck,
    ExposedSite,
    LicenceBreach,
    aggregate,
    check_distances,
    check_licence,
    distance_rules,
    max_neq,
    required_distance,
)

__all__ = [
    "RELATIONSHIPS",
    "Aggregate",
    "Conflict",
    "DistanceCheck",
    "ExposedSite",
    "HazardCode",
    "HazardCodeError",
    "LicenceBreach",
    "aggregate",
    "check_compatibility",
    "check_distances",
    "check_licence",
    "distance_rules",
    "max_neq",
    "parse_hazard_code",
    "required_distance",
]
