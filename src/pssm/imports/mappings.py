"""Value mappings of imports: what an unrecognised or ambiguous value of a register means
("Kalachnikov" in the "Type d'arme" column is the AK-47), said in the import's page or with
``pssm import ... --map "Type d'arme:Kalachnikov=AK-47"`` and remembered per country for the
next files (ADR 0019). Each mapping set is journaled."""

from __future__ import annotations

from django.db import transaction

from pssm.accounts import authz
from pssm.domain.access import Action
from pssm.domain.errors import Text, ValidationError, gettext_noop
from pssm.journal.services import journal_append
from pssm.registry.models import WeaponType

from . import columns, parsing
from .models import ValueMapping

FIELDS = {"weapon_type"}


def type_index(overrides: dict[str, int] | None = None) -> parsing.TypeIndex:
    return parsing.TypeIndex(
        ((wt.pk, str(wt), wt.make, wt.model, wt.aliases) for wt in WeaponType.objects.all()),
        overrides=overrides,
    )


def weapon_type_overrides(country) -> dict[str, int]:
    """The weapon-type mappings of ``country``: simplified value → weapon type id."""
    return {
        m.value_key: int(m.target)
        for m in ValueMapping.objects.filter(country=country, field="weapon_type")
        if m.target.isdigit()
    }


def parse_map_option(text: str) -> tuple[str, str, str]:
    """``"Type d'arme:Kalachnikov=AK-47"`` → ``("weapon_type", "Kalachnikov", "AK-47")``.
    The part before the colon is a column heading (or a field name) the import recognises.

    Raises ValidationError naming the ``--map`` option when the text is not of that form."""
    column, sep, rest = (text or "").partition(":")
    value, eq, target = rest.partition("=")
    if not (sep and eq and column.strip() and value.strip() and target.strip()):
        raise ValidationError(
            gettext_noop("--map needs COLUMN:VALUE=MEANING, e.g. “Type d'arme:Kalachnikov=AK-47”."),
            details={"map": text},
        )
    field = column.strip() if column.strip() in FIELDS else columns.recogniser("weapons")(column)
    if field not in FIELDS:
        raise ValidationError(
            gettext_noop("“%(column)s” is not a column whose values can be mapped (weapon type)."),
            params={"column": column.strip()},
            details={"map": text},
        )
    return field, value.strip(), target.strip()


def resolve_weapon_type(target: str) -> WeaponType:
    """The one weapon type ``target`` names ("AK-47", "Kalashnikov AK-47", an id).

    Raises ValidationError when it names none or several."""
    if target.isdigit():
        found = WeaponType.objects.filter(pk=int(target)).first()
        if found:
            return found
    try:
        return WeaponType.objects.get(pk=type_index().find(target))
    except parsing.RowError as exc:
        raise ValidationError(
            gettext_noop("“%(target)s” does not name one weapon type: %(problem)s"),
            params={"target": target, "problem": Text(exc.reason, **exc.params)},
            details={"map": target},
        ) from None


def value_mapping_set(*, actor, site, field: str, value: str, target: str) -> ValueMapping:
    """Remember for ``site``'s country that ``value`` in ``field`` means ``target`` (for a
    weapon type, its name or id). Replaces an earlier mapping of the same value.

    Raises PermissionDeniedError without the import right at the site, ValidationError for
    an unknown field, an empty value or a target that names no single weapon type."""
    authz.check(actor, Action.DATA_IMPORT, site)
    if field not in FIELDS:
        raise ValidationError(gettext_noop("Unknown column."), details={"field": field})
    key = parsing.value_key(value)
    if not key or len(value) > 120:
        raise ValidationError(
            gettext_noop("The value to map is empty or too long."), details={"value": value}
        )
    weapon_type = resolve_weapon_type(target)
    country = site.organisation.country
    with transaction.atomic():
        mapping, _created = ValueMapping.objects.update_or_create(
            country=country,
            field=field,
            value_key=key,
            defaults={
                "value": value.strip(),
                "target": str(weapon_type.pk),
                "created_by": getattr(actor, "pk", None) and actor,
            },
        )
        journal_append(
            actor=actor,
            kind="import.value_mapped",
            payload={
                "field": field,
                "value": value.strip(),
                "weapon_type": str(weapon_type),
                "weapon_type_id": weapon_type.pk,
            },
            scope=country.scope,
        )
    return mapping
