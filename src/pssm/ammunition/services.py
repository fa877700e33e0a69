"""Write services of the ammunition app: natures, the site plan's exposed sites, explosives
limit licences, safety waivers and national overrides of the safety rules.

Each call checks authorisation, validates, writes and journals in one transaction; on any
error nothing is written. Lots and their balances change only through vouchers
(:mod:`pssm.movements.services`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from pssm.accounts import authz
from pssm.core.services import invalid, snapshot, validate_instance
from pssm.domain import codes
from pssm.domain.access import Action
from pssm.domain.errors import ConflictError, NotFoundError, gettext_noop
from pssm.domain.explosives import parse_hazard_code
from pssm.domain.explosives.qd import check_neq
from pssm.domain.rules import load
from pssm.journal.services import journal_append
from pssm.sites.models import Building, Country, Site

from .models import ExposedSite, Licence, Nature, RuleOverride, Waiver

NATURE_FIELDS = [
    "code",
    "nomenclature",
    "nomenclature_fr",
    "calibre",
    "un_number",
    "hazard_code",
    "neq_kg_per_unit",
    "neq_kg_per_round",
    "max_lot_quantity",
    "packaging",
    "units_per_package",
    "shelf_life_years",
    "inspection_interval_months",
    "provisional",
    "source",
]
MAX_WAIVER_DAYS = 180


def _user(actor):
    """The actor as a stored user; None for the node's own actors (CLI, demo loader)."""
    return actor if getattr(actor, "pk", None) else None


def nature_create(
    *, actor, code: str, nomenclature: str, hazard_code: str, neq_kg_per_unit, **extra
) -> Nature:
    """Add a nature to the catalogue. ``hazard_code`` must be one of the 35 valid codes and
    the NEQ per unit a plausible, non-negative mass."""
    authz.check_anywhere(actor, Action.AMMUNITION_MANAGE)
    rules = load()
    hcc = parse_hazard_code(hazard_code, rules)
    neq = check_neq(neq_kg_per_unit, "neq_kg_per_unit", rules.value("NEQ.MAX_PER_UNIT_KG"))
    code = (code or "").strip().upper()
    if Nature.objects.filter(code=code).exists():
        raise ConflictError(
            gettext_noop("The code %(code)s is already taken."),
            params={"code": code},
            details={"code": gettext_noop("This code is already taken.")},
        )
    unknown = set(extra) - set(NATURE_FIELDS)
    if unknown:
        raise invalid(
            gettext_noop("Unknown fields: %(fields)s."), "code", fields=", ".join(sorted(unknown))
        )
    extra["nomenclature_fr"] = (extra.get("nomenclature_fr") or "").strip()
    per_round = extra.pop("neq_kg_per_round", None)
    if per_round not in (None, ""):
        per_round = check_neq(per_round, "neq_kg_per_round", neq)
    else:
        per_round = None
    nature = Nature(
        neq_kg_per_round=per_round,
        code=code,
        nomenclature=(nomenclature or "").strip(),
        hazard_code=str(hcc),
        neq_kg_per_unit=neq,
        **extra,
    )
    validate_instance(nature)
    with transaction.atomic():
        nature.save()
        journal_append(actor=actor, kind="nature.created", payload=snapshot(nature, NATURE_FIELDS))
    return nature


def exposed_site_create(
    *, actor, site: Site, code: str, name: str, relationship: str, plan_x_m, plan_y_m
) -> ExposedSite:
    """Record something the QD rules protect (a house, a school, a road, the boundary)."""
    authz.check(actor, Action.BUILDING_MANAGE, site)
    full = codes.compose(site.code, codes.check_part(code))
    if ExposedSite.objects.filter(code=full).exists():
        raise ConflictError(
            gettext_noop("The code %(code)s is already taken."),
            params={"code": full},
            details={"code": gettext_noop("This code is already taken.")},
        )
    es = ExposedSite(
        site=site,
        code=full,
        name=(name or "").strip(),
        relationship=relationship,
        plan_x_m=plan_x_m,
        plan_y_m=plan_y_m,
    )
    validate_instance(es)
    with transaction.atomic():
        es.save()
        journal_append(
            actor=actor,
            kind="exposed_site.created",
            payload=snapshot(es, ["code", "name", "relationship", "plan_x_m", "plan_y_m"]),
            scope=site.scope,
        )
    return es


def _limits(limits_kg: dict) -> dict[str, str]:
    divisions = load().value("HD.AGGREGATION")["order"]
    divisions = sorted(
        {*divisions, *(hd.rsplit(".", 1)[0] for hd in divisions if hd.count(".") == 2)}
    )
    out = {}
    for hd, value in (limits_kg or {}).items():
        hd = str(hd).strip()
        if hd not in divisions:
            raise invalid(
                gettext_noop(
                    "%(hd)s is not a hazard division a licence can limit (%(divisions)s; a 1.2 "
                    "limit covers 1.2.1 and 1.2.2)."
                ),
                "limits_kg",
                hd=hd,
                divisions=", ".join(divisions),
            )
        out[hd] = str(check_neq(value, "limits_kg"))
    if not out:
        raise invalid(
            gettext_noop("Give the NEQ limit of at least one hazard division."), "limits_kg"
        )
    return out


def licence_issue(
    *,
    actor,
    building: Building,
    number: str,
    limits_kg: dict,
    permitted_groups: str = "",
    issued_date: date,
    review_date: date,
    authority: str,
    conditions: str = "",
) -> Licence:
    """Issue the explosives limit licence of a storehouse (it replaces the previous one)."""
    authz.check(actor, Action.LICENCE_MANAGE, building)
    if building.kind != Building.Kind.EXPLOSIVE_STOREHOUSE:
        raise invalid(
            gettext_noop("Only an explosive storehouse holds an explosives limit licence."),
            "building",
        )
    groups = "".join(
        sorted(set((permitted_groups or "").upper().replace(",", "").replace(" ", "")))
    )
    if any(g not in "ABCDEFGHJKLNS" for g in groups):
        raise invalid(
            gettext_noop("Compatibility groups are letters among A–H, J, K, L, N, S."),
            "permitted_groups",
        )
    if review_date <= issued_date:
        raise invalid(
            gettext_noop("The review date must come after the issue date."), "review_date"
        )
    number = (number or "").strip()
    if not number:
        raise invalid(gettext_noop("Give the licence number."), "number")
    licence = Licence(
        building=building,
        number=number,
        limits_kg=_limits(limits_kg),
        permitted_groups=groups,
        issued_date=issued_date,
        review_date=review_date,
        authority=(authority or "").strip(),
        conditions=conditions,
        created_by=_user(actor),
        created_by_name=str(getattr(actor, "username", actor)),
    )
    validate_instance(licence)
    try:
        with transaction.atomic():
            now = timezone.now()
            Licence.objects.filter(building=building, revoked_at__isnull=True).update(
                revoked_at=now
            )
            licence.save()
            journal_append(
                actor=actor,
                kind="licence.issued",
                payload={
                    "number": licence.number,
                    "building": building.code,
                    "limits_kg": licence.limits_kg,
                    "permitted_groups": groups,
                    "issued_date": issued_date.isoformat(),
                    "review_date": review_date.isoformat(),
                    "authority": licence.authority,
                },
                scope=building.scope,
            )
    except IntegrityError:
        raise ConflictError(
            gettext_noop("The licence number %(number)s is already taken."),
            params={"number": number},
            details={"number": gettext_noop("Already taken.")},
        ) from None
    return licence


def waiver_grant(
    *, actor, building: Building, rule: str, justification: str, valid_until: datetime, now=None
) -> Waiver:
    """A time-limited waiver of one safety rule (compatibility, licence or QD) for a building,
    by an ammunition technician, with a justification; at most 180 days."""
    authz.check(actor, Action.SAFETY_WAIVE, building)
    now = now or timezone.now()
    if rule not in Waiver.Rule.values:
        raise invalid(gettext_noop("Choose the rule the waiver covers."), "rule")
    if len((justification or "").strip()) < 20:
        raise invalid(
            gettext_noop(
                "Explain the waiver in at least 20 characters: why, and what mitigates the risk."
            ),
            "justification",
        )
    if valid_until <= now:
        raise invalid(gettext_noop("A waiver must end in the future."), "valid_until")
    if (valid_until - now).days > MAX_WAIVER_DAYS:
        raise invalid(
            gettext_noop("A waiver lasts at most %(days)s days."),
            "valid_until",
            days=MAX_WAIVER_DAYS,
        )
    waiver = Waiver(
        building=building,
        rule=rule,
        justification=justification.strip(),
        valid_from=now,
        valid_until=valid_until,
        granted_by=_user(actor),
        granted_by_name=str(getattr(actor, "username", actor)),
    )
    with transaction.atomic():
        waiver.save()
        journal_append(
            actor=actor,
            kind="waiver.granted",
            payload={
                "building": building.code,
                "rule": rule,
                "justification": waiver.justification,
                "valid_from": now.isoformat(),
                "valid_until": valid_until.isoformat(),
            },
            scope=building.scope,
        )
    return waiver


def waiver_revoke(*, actor, waiver: Waiver) -> Waiver:
    authz.check(actor, Action.SAFETY_WAIVE, waiver)
    with transaction.atomic():
        locked = Waiver.objects.select_for_update().get(pk=waiver.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            journal_append(
                actor=actor,
                kind="waiver.revoked",
                payload={
                    "waiver": locked.pk,
                    "building": locked.building.code,
                    "rule": locked.rule,
                },
                scope=locked.scope,
            )
    return locked


def rule_override_set(*, actor, country: Country, rule_id: str, value, reason: str) -> RuleOverride:
    """A national value for one rule, with who, when and why; it replaces the previous one."""
    authz.check(actor, Action.RULES_OVERRIDE, country)
    base = load()
    if rule_id not in base:
        raise NotFoundError(
            gettext_noop("There is no rule %(rule)s."),
            params={"rule": rule_id},
            details={"rule_id": gettext_noop("Unknown rule.")},
        )
    if len((reason or "").strip()) < 10:
        raise invalid(
            gettext_noop("Say why the national value differs (at least 10 characters)."), "reason"
        )
    rule = base[rule_id]
    if "k" in rule.extra:
        if not isinstance(value, dict) or set(value) != {"k", "minimum_m"}:
            raise invalid(
                gettext_noop("Give k and minimum_m for a quantity-distance rule."), "value"
            )
        value = {key: str(check_neq(v, "value")) for key, v in value.items()}
    elif isinstance(rule.value, Decimal):
        value = str(check_neq(value, "value"))
    try:
        base.with_overrides([{"rule": rule_id, "value": value}])
    except (TypeError, ValueError, ArithmeticError):
        raise invalid(
            gettext_noop("This value does not fit rule %(rule)s."), "value", rule=rule_id
        ) from None
    with transaction.atomic():
        now = timezone.now()
        RuleOverride.objects.filter(
            country=country, rule_id=rule_id, revoked_at__isnull=True
        ).update(revoked_at=now)
        override = RuleOverride.objects.create(
            country=country,
            rule_id=rule_id,
            value=value,
            reason=reason.strip(),
            created_by=_user(actor),
            created_by_name=str(getattr(actor, "username", actor)),
        )
        journal_append(
            actor=actor,
            kind="rule.overridden",
            payload={
                "country": country.code,
                "rule": rule_id,
                "value": value,
                "reason": override.reason,
                "previous": rule.as_dict()["value"],
            },
            scope=country.scope,
        )
    return override
